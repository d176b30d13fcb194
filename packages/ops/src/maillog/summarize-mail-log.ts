import { createReportBuilder } from './build-report.js';
import { type Alarm, type AlarmThresholds, listAlarms } from './list-alarms.js';
import { createParseContext, type ParseContext, scanLogSpan } from './parse-log-line.js';
import { forEachLine, type LogFile, type ReadProgress, readLogText } from './read-log-files.js';
import type { MailLogReport, ReportBuilder, ReportOptions } from './report-types.js';
import { loadScanKernel, readWithKernel } from './scan-kernel.js';

/** Options for {@link summarizeMailLog}. */
export interface SummarizeMailLogOptions extends ReportOptions {
  /** The files to read, oldest first (see `orderRotatedFiles`, `statLogFiles`). */
  files: readonly LogFile[];
  /** Alarm thresholds; each absent one takes its default. */
  thresholds?: Partial<AlarmThresholds>;
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Read with the WebAssembly scanner when it is built (default true): same report, several times
   * faster. False reads every line in TypeScript.
   */
  kernel?: boolean;
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
  // One pass on this thread: worker threads reading byte ranges were slower than the scanner alone
  // on 2 cores (two busy threads slow each other by a third) and needed a second, mergeable report.
  const kernel = options.kernel === false ? undefined : loadScanKernel();
  const builder = createReportBuilder(options);
  const files: MailLogSummary['files'] = options.files.map((f) => ({ path: f.path, lines: 0 }));
  const progress = options.onProgress ? { onProgress: options.onProgress } : {};
  if (kernel !== undefined) {
    const lines = await readWithKernel(kernel, options.files, builder, options, progress);
    for (const [i, n] of lines.entries()) files[i]!.lines = n;
  } else {
    let index = -1;
    let ctx = createParseContext(new Date());
    await readLogText(
      options.files,
      (text) => {
        files[index]!.lines += addLines(text, ctx, builder);
      },
      {
        onFile: (file) => {
          // A year-less stamp belongs to the year that does not put it after the file's last write.
          ctx = createParseContext(file.mtime);
          index += 1;
        },
        ...progress,
      },
    );
  }
  const report = builder.finish();
  return { ...report, files, alarms: listAlarms(report, options.thresholds) };
}

/**
 * Scans each line of a text from `readLogText` (whole lines, each ending in `\n`) and adds it to the
 * builder; returns the number of lines: the report's inner loop in TypeScript.
 */
export function addLines(text: string, ctx: ParseContext, builder: ReportBuilder): number {
  let lines = 0;
  forEachLine(text, (start, end) => {
    builder.addSpan(text, start, end, scanLogSpan(text, start, end, ctx) ? ctx : undefined);
    lines += 1;
  });
  return lines;
}
