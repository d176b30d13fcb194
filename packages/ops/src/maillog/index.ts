export { createReportBuilder } from './build-report.js';
export {
  classifyReply,
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  dsnOf,
  isRecipientFailure,
  listReplySignals,
  normalizeReason,
  RECIPIENT_FAILURE_DSNS,
  REPLY_SIGNALS,
  type ReplyClass,
  type ReplyInput,
  type ReplySignal,
} from './classify-reply.js';
export { createQidSet, type QidSet } from './create-qid-set.js';
export {
  ALARM_IDS,
  type Alarm,
  type AlarmEvidence,
  type AlarmId,
  type AlarmSeverity,
  type AlarmThresholds,
  DEFAULT_ALARM_THRESHOLDS,
  listAlarms,
} from './list-alarms.js';
export {
  createParseContext,
  type DeliveryEvent,
  type DeliveryStatus,
  describeProgram,
  inferYear,
  type LineFacts,
  type LogEvent,
  type LogLine,
  type ParseContext,
  type ProgramName,
  parseDelivery,
  parseLogLine,
  scanLogLine,
  scanLogSpan,
  type YearReference,
} from './parse-log-line.js';
export {
  forEachLine,
  type LogFile,
  listRotatedFiles,
  orderRotatedFiles,
  type ReadLogFilesOptions,
  type ReadProgress,
  readLogFiles,
  readLogText,
  rotationOf,
  statLogFiles,
} from './read-log-files.js';
export { readLogLines, scanLogLines } from './read-log-lines.js';
export { redactAddresses } from './redact-addresses.js';
export type {
  BindFailure,
  DayStats,
  DeliveryMix,
  DkimDomainStats,
  DkimStats,
  HourStats,
  IpAttribution,
  IpStats,
  MailLogReport,
  MailLogTotals,
  OperatorStats,
  OutcomeRow,
  ReasonCount,
  ReportBuilder,
  ReportOptions,
  SignalStats,
} from './report-types.js';
export {
  type MailLogSummary,
  type SummarizeMailLogOptions,
  summarizeMailLog,
} from './summarize-mail-log.js';
export { type QueueSummary, readQueue, summarizeQueue } from './summarize-queue.js';
