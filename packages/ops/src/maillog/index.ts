/**
 * `@mailramp/ops/maillog`: what other packages use of the mail-log report (the CLI, and the
 * benchmark in test/bench). Start reading at summarize-mail-log.ts. Export a name here when another
 * package needs it, not before.
 */
export {
  type AlarmEpisode,
  type AlarmEpisodeStatus,
  type AlarmEpisodesRepository,
  createAlarmEpisodesRepository,
  type EpisodeEvidence,
  type ListAlarmEpisodesOptions,
} from './alarm-episodes-repository.js';
export type { Alarm } from './list-alarms.js';
export { planAlarmEpisodes, scopeAlarms } from './plan-alarm-episodes.js';
export { planReportDays } from './plan-report-days.js';
export { listRotatedFiles, orderRotatedFiles, rotationOf, statLogFiles } from './read-log-files.js';
export { type StoredReport, storeReportResults } from './store-report-results.js';
export { type MailLogSummary, summarizeMailLog } from './summarize-mail-log.js';
export { type QueueSummary, readQueue } from './summarize-queue.js';
