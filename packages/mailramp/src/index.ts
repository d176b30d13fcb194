export type { GateCheck, GateOverride, GateVerdict } from '@mailramp/builder';
export type {
  AudienceImportKind,
  AudienceImportOptions,
  AudienceJobs,
} from './audience/create-audience-jobs.js';
export type {
  ApplyBackfillInput,
  BackfillFilterInput,
  BackfillJobs,
  RevertBackfillInput,
} from './backfill/create-backfill-jobs.js';
export type {
  BuildEvent,
  BuildJobs,
  BuildOptions,
  BuildPlanResult,
  BuildRunResult,
} from './build/create-build-jobs.js';
export type { BuildWarmup } from './build/resolve-build-warmup.js';
export type { DatabaseEvent, DatabaseJobs } from './database/create-database-jobs.js';
export { MAILRAMP_ERROR_CODES, MailrampError, type MailrampErrorCode } from './errors.js';
export type {
  GuardCycleResult,
  GuardEvent,
  GuardJobs,
  GuardStreamResult,
  Incident,
  IncidentAction,
  ResumeOptions,
  ResumeResult,
} from './guard/create-guard-jobs.js';
export type { BootCheckResult, DnsCheckOptions, HealthJobs } from './health/create-health-jobs.js';
export {
  type DeliveryHistoryOptions,
  type HistoryJobs,
  MAX_HISTORY_DAYS,
} from './history/create-history-jobs.js';
export type {
  DeliveryHistory,
  HistoryDay,
  HistoryIpSeries,
  HistoryLastDay,
  HistoryOperatorSeries,
} from './history/read-delivery-history.js';
export type { LinksJobs, LinksRepairCheck } from './links/create-links-jobs.js';
export type { ListmonkRetryEvent } from './listmonk/create-listmonk-factory.js';
export {
  type ConfigCheck,
  type Mailramp,
  type MailrampConfigSource,
  type MailrampEvent,
  type OpenMailrampOptions,
  openMailramp,
} from './open-mailramp.js';
export type { AlarmEpisode, AlarmJobs, ListAlarmEpisodesOptions } from './report/create-alarm-jobs.js';
export type { ReportEvent, ReportJob, ReportOptions, ReportResult } from './report/create-report-job.js';
export type { ReportWindow } from './report/plan-report-window.js';
export type { LogFile, MailLogReadEvent } from './report/select-log-files.js';
export type { DeliveryCount, LastBuild, ResultJobs } from './results/create-result-jobs.js';
export type {
  JobLastRuns,
  ListServiceRunsOptions,
  RunJobs,
  ServiceRunCursor,
  ServiceRunRecord,
} from './runs/create-run-jobs.js';
export type {
  SuppressAdded,
  SuppressImported,
  SuppressImportOptions,
  SuppressJobs,
  SuppressSyncEvent,
  SuppressSyncOptions,
} from './suppress/create-suppress-jobs.js';
export type { TemplateJobs, TemplatesOptions } from './templates/create-template-jobs.js';
export type {
  HoldOptions,
  HoldResult,
  RampcapEvent,
  RampcapJobs,
  RampcapRunOptions,
  RampcapRunResult,
} from './warmup/create-rampcap-jobs.js';
export type {
  HoldMapOptions,
  HoldMapResult,
  WarmupJobs,
  WarmupRunResult,
  WarmupStreamOutcome,
} from './warmup/create-warmup-jobs.js';
export { isWarmupHealthy, listWarmupPlanErrors } from './warmup/list-warmup-plan-errors.js';
export type { WarmupStreamStatus } from './warmup/read-warmup-status.js';
export {
  streamListmonkInstances,
  unreachedStreamWarnings,
  warmupStreamOfVertical,
} from './warmup/stream-listmonk-instances.js';
