import type { MailLogSummary, QueueSummary, StoredReport } from '@mailramp/ops/maillog';
import { reportingNotMigrated } from '../database/reporting-not-migrated.js';
import type { Session } from '../session.js';
import { planReportWindow, type ReportWindow, type ReportWindowInput } from './plan-report-window.js';
import { type MailLogReadEvent, selectLogFiles } from './select-log-files.js';

/** Options of the mail-log report. */
export interface ReportOptions extends ReportWindowInput {
  /** Mail logs to read (default: config report.logFiles). */
  log?: string[] | undefined;
  /** Also read rotated siblings (default: when the window has a start). */
  rotated?: boolean | undefined;
  /** Add the queue from `postqueue -j`. */
  queue?: boolean | undefined;
  /** Read with the WebAssembly scanner (default true); false reads every line in TypeScript. */
  scanner?: boolean | undefined;
  /**
   * Store the run in the database: each log day read replaces its `report_days`, `report_outcomes`
   * and `report_hours` rows (unless a stored read covered more of the day), and the alarms open,
   * update and close their episodes in `alarms`.
   */
  store?: boolean | undefined;
}

/** Progress of a report: the files chosen (and their total size), then bytes read. */
export type ReportEvent = MailLogReadEvent;

/** The mail-log report: the window read, the summary and its alarms, and the queue when asked. */
export interface ReportResult {
  window: ReportWindow;
  summary: MailLogSummary;
  queue?: QueueSummary;
  /** With `store`: the days written (and kept), and what happened to alarm episodes. */
  stored?: StoredReport;
}

/** Reads the mail log once and summarizes it: delivery mix, reasons, bind failures, DKIM, alarms. */
export type ReportJob = (
  options?: ReportOptions,
  progress?: { onEvent?: (event: ReportEvent) => void },
) => Promise<ReportResult>;

/** The report job of a session. */
export function createReportJob(session: Session): ReportJob {
  return async (options = {}, progress = {}) => {
    const [{ extendOperatorTable }, maillog] = await Promise.all([
      import('@mailramp/mailbox'),
      import('@mailramp/ops/maillog'),
    ]);
    const { config } = session;
    const window = planReportWindow(options, session.now());
    // Storing needs the database: an unreachable one fails before the log is read.
    const db = options.store ? await session.db() : undefined;
    const files = await selectLogFiles(
      options.log !== undefined && options.log.length > 0 ? options.log : config.report.logFiles,
      options.rotated ?? window.since !== undefined,
      window.since,
    );
    progress.onEvent?.({ type: 'files', files, bytes: files.reduce((sum, f) => sum + f.size, 0) });
    const transportIps: Record<string, string> = {};
    for (const stream of Object.values(config.warmup.streams)) {
      for (const ip of stream.ips) transportIps[ip.transport] = ip.address;
    }
    const summary = await maillog.summarizeMailLog({
      files,
      transportIps,
      primaryIp: config.warmup.primaryIp,
      operatorTable: extendOperatorTable(config.mailbox.operators),
      since: window.since,
      until: window.until,
      thresholds: config.report.alarms,
      sampleLines: config.report.sampleLines,
      topReasons: config.report.topReasons,
      kernel: options.scanner !== false,
      onProgress: (p) =>
        progress.onEvent?.({ type: 'progress', bytesRead: p.bytesRead, bytesTotal: p.bytesTotal }),
    });
    const queue = options.queue ? await maillog.readQueue(session.runner) : undefined;
    if (db === undefined) return { window, summary, ...(queue ? { queue } : {}) };
    const now = session.now();
    // The log's clock is the host's wall clock, read as UTC like the window.
    const logNow = Date.UTC(
      now.getFullYear(),
      now.getMonth(),
      now.getDate(),
      now.getHours(),
      now.getMinutes(),
      now.getSeconds(),
    );
    const span = {
      since: window.since,
      until: window.until,
      firstTime: summary.firstTime,
      lastTime: summary.lastTime,
    };
    const scoped = maillog.scopeAlarms(summary.alarms, summary);
    const stored = await reportingNotMigrated({
      store: () =>
        maillog.storeReportResults(db, {
          days: maillog.planReportDays(summary, span, logNow),
          planAlarms: (open) => maillog.planAlarmEpisodes(open, scoped, span),
          queue: queue
            ? { day: new Date(logNow).toISOString().slice(0, 10), size: queue.messages }
            : undefined,
          now,
        }),
    }).store();
    return { window, summary, ...(queue ? { queue } : {}), stored };
  };
}
