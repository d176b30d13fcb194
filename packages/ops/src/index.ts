/**
 * What other packages use of @mailramp/ops (the CLI, today). Test helpers are in
 * `@mailramp/ops/testing`; the mail-log report in `@mailramp/ops/maillog`; the command runner in
 * `@mailramp/ops/exec`. Export a name here when another package needs it, not before.
 */
export { checkDns, type DnsReport, type DnsTarget } from './dns/check-dns.js';
export { createDnsResolver } from './dns/create-dns-resolver.js';
export { DEFAULT_DNSBL_ZONES } from './dns/dnsbl-zones.js';
export { OpsError } from './errors.js';
export { pathArg } from './exec/safe-args.js';
export {
  createPreflightGate,
  type GateStreamConfig,
  type PreflightGateOptions,
} from './guard/create-preflight-gate.js';
export type { OwnerStream } from './guard/plan-alarm-owners.js';
export type { GateThresholds, GuardIncidentSource, OpenIncident } from './guard/plan-gate-verdict.js';
export {
  type CampaignStep,
  type CampaignTarget,
  campaignKey,
  type GuardActionKind,
  type GuardCampaign,
  type HoldTarget,
  type PlannedAction,
  planCampaignStep,
  planGuardActions,
  planResume,
  type ResumeStep,
} from './guard/plan-guard-actions.js';
export {
  type HourVolume,
  planRunawayVolume,
  type RunawayAlarm,
  type RunawayHour,
  type RunawayStream,
} from './guard/plan-runaway-volume.js';
export { type OwnedAlarm, readAlarmOwners } from './guard/read-alarm-owners.js';
export {
  type IncidentEvent,
  type IncidentNotice,
  type RenderedNotice,
  renderIncidentMessage,
} from './guard/render-incident-message.js';
export { type NoticeOutcome, sendMailNotice, sendWebhookNotice } from './guard/send-notice.js';
export {
  type BootFinding,
  type MasterCfView,
  type PoolIp,
  planBootFindings,
} from './health/plan-boot-findings.js';
export { readInterfaces } from './health/read-interfaces.js';
export { renderWatchdogUnits } from './health/render-watchdog-units.js';
export { runWatchdog, type WatchdogResult } from './health/run-watchdog.js';
export { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS } from './maillog/list-alarms.js';
export { createParseContext, parseLogLine } from './maillog/parse-log-line.js';
export { listRotatedFiles, orderRotatedFiles, readLogFiles, statLogFiles } from './maillog/read-log-files.js';
export { parseMasterCf } from './postfix/parse-master-cf.js';
export { applyHoldMap, type HoldMapApplied, notOwnTable } from './warmup/apply-hold-map.js';
export { applyWarmup, type WarmupApplied } from './warmup/apply-warmup.js';
export { createRampSettingsClient } from './warmup/create-ramp-settings-client.js';
export { getHourlyCap, getPoolSize } from './warmup/day-table.js';
export { createHoldsRepository, type HoldChange, type RampHold } from './warmup/holds-repository.js';
export {
  DEFAULT_HOLD_FAMILIES,
  type HoldMapEntry,
  planHoldMap,
  planHoldMapFile,
  renderHoldMap,
} from './warmup/plan-hold-map.js';
export { planPool } from './warmup/plan-pool.js';
export { planRampCap, RAMP_SETTING_KEYS } from './warmup/plan-ramp-cap.js';
export { parseTransportMaps } from './warmup/plan-transport-maps.js';
export { planWarmup, type WarmupPlan } from './warmup/plan-warmup.js';
export { planReadTransportMapsCommand } from './warmup/postfix-commands.js';
export { readWarmupStart, readWarmupState } from './warmup/read-warmup-state.js';
export { type RampCapInstanceOutcome, type RampCapStreamResult, runRampCap } from './warmup/run-ramp-cap.js';
export { toUtcDate, warmupDay } from './warmup/warmup-day.js';
export type { WarmupStream } from './warmup/warmup-stream.js';
