import { createReportBuilder, type MailLogReport, type ReportOptions } from './build-report.js';
import { type Alarm, type AlarmThresholds, listAlarms } from './list-alarms.js';
import type { LogFile, ReadProgress } from './read-log-files.js';
import { scanLogLines } from './read-log-lines.js';

/** Options for {@link summarizeMailLog}. */
export interface SummarizeMailLogOptions extends ReportOptions {
  /** The files to read, oldest first (see `orderRotatedFiles`, `statLogFiles`). */
  files: readonly LogFile[];
  /** Alarm thresholds; each absent one takes its default. */
  thresholds?: Partial<AlarmThresholds>;
  onProgress?: (progress: ReadProgress) => void;
}

/** A report over some log files, with the alarms it raises. */
export interface MailLogSummary extends MailLogReport {
  files: Array<{ path: string; lines: number }>;
  alarms: Alarm[];
}

/**
 * Reads mail logs in one streaming pass and returns the report and its alarms: what
 * `mailramp ops report` prints and what the service and the guard call.
 *
 * @example
 * const files = await statLogFiles(orderRotatedFiles(['/var/log/mail.log', '/var/log/mail.log.1']));
 * const summary = await summarizeMailLog({ files, transportIps: { out05: '203.0.113.94' }, primaryIp: '203.0.113.71' });
 * if (summary.alarms.some((a) => a.severity === 'critical')) hold();
 */
export async function summarizeMailLog(options: SummarizeMailLogOptions): Promise<MailLogSummary> {
  const builder = createReportBuilder(options);
  const files: MailLogSummary['files'] = [];
  let current = { path: '', lines: 0 };
  await scanLogLines(
    options.files,
    (line, text, start, end) => {
      current.lines += 1;
      builder.addSpan(text, start, end, line);
    },
    {
      onFile: (file) => {
        current = { path: file.path, lines: 0 };
        files.push(current);
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );
  const report = builder.finish();
  return { ...report, files, alarms: listAlarms(report, options.thresholds) };
}
