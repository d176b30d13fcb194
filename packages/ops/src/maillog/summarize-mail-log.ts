import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OpsError } from '../errors.js';
import { createReportBuilder, type MailLogReport, type ReportOptions } from './build-report.js';
import { type Alarm, type AlarmThresholds, listAlarms } from './list-alarms.js';
import { createParseContext } from './parse-log-line.js';
import { type LogFile, type ReadProgress, readLogText } from './read-log-files.js';
import {
  addLines,
  type ReportPartResult,
  type ReportPartTask,
  readFirstStretchWithKernel,
  readReportPart,
  readStretch,
  splitAtLines,
} from './read-report-part.js';
import { type KernelModule, loadScanKernel, readWithKernel } from './scan-kernel.js';

/** Plain log bytes from which the report is read by several threads. */
export const PARALLEL_BYTES = 32 * 1024 * 1024;

/** The first stretch of a split log against an equal share: this thread reads it while workers load. */
const FIRST_SHARE = 1.1;

/** With the scanner, this thread counts about as much as this many TypeScript workers. */
const KERNEL_SHARE = 2;

/** Plain log bytes up to which this thread counts the first stretch itself (see {@link summarizeMailLog}). */
export const MAIN_THREAD_BYTES = 256 * 1024 * 1024;

/** Options for {@link summarizeMailLog}. */
export interface SummarizeMailLogOptions extends ReportOptions {
  /** The files to read, oldest first (see `orderRotatedFiles`, `statLogFiles`). */
  files: readonly LogFile[];
  /** Alarm thresholds; each absent one takes its default. */
  thresholds?: Partial<AlarmThresholds>;
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Threads reading at once (default: 1 with the scanner; without it, 2 when the load average
   * leaves a core idle, else 1: each thread holds its own heap); 1 reads in one pass on this thread.
   * With more, this thread scans the first stretch of a big log and TypeScript workers the rest.
   */
  threads?: number;
  /**
   * Read with the WebAssembly scanner when it is built (default true): same report, several times
   * faster, on one thread unless `threads` asks for more. False reads every line in TypeScript.
   */
  kernel?: boolean;
  /** Plain-file bytes from which several threads read (default {@link PARALLEL_BYTES}). */
  parallelBytes?: number;
  /**
   * Plain-file bytes up to which this thread counts the first stretch itself while workers count the
   * rest (default {@link MAIN_THREAD_BYTES}); above, only workers count and this thread merges.
   */
  mainThreadBytes?: number;
  /**
   * The worker-thread entry (`report-worker`): by default the one next to this module, run through
   * tsx when it is TypeScript. A bundle passes its own.
   */
  workerUrl?: URL;
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
  const kernel = options.kernel === false ? undefined : loadScanKernel();
  // The scanner on one thread outruns it beside TypeScript workers on this project's 2-core machines
  // (two busy threads slow each other by a third); more threads only when asked for.
  const threads = options.threads ?? (kernel !== undefined ? 1 : defaultThreads());
  const plainBytes = options.files.reduce((sum, f) => sum + (f.gzip ? 0 : f.size), 0);
  if (threads > 1 && options.files.length > 0 && plainBytes >= (options.parallelBytes ?? PARALLEL_BYTES)) {
    const summary = await summarizeInParallel(options, threads, plainBytes, kernel);
    if (summary !== undefined) return summary;
  }
  return summarizeInOrder(options, kernel);
}

/**
 * Two threads when the machine has a core to spare, else one: on a busy machine a second thread gets
 * no core of its own, and a stretch counted in part mode costs more than one pass would.
 */
function defaultThreads(): number {
  const cores = availableParallelism();
  return cores > 1 && loadavg()[0]! < cores - 0.5 ? 2 : 1;
}

/** The one-pass path: every line on this thread, in order (through the scanner when there is one). */
async function summarizeInOrder(
  options: SummarizeMailLogOptions,
  kernel: KernelModule | undefined,
): Promise<MailLogSummary> {
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
 * The parallel path: plain files cut into byte ranges at line starts (`.gz` files and small files
 * stay whole). Up to `mainThreadBytes` this thread counts the first stretch straight into the report,
 * as one pass would (nothing comes before it), while worker threads count the next stretches in part
 * mode, and then takes stretches no worker has started; above it, workers count every stretch. This
 * thread merges the parts in file order. Undefined
 * when a merge cannot be exact (a cap reached, a process's bind failure open across a cut) or a
 * thread failed: the caller reads in order then.
 */
async function summarizeInParallel(
  options: SummarizeMailLogOptions,
  threads: number,
  plainBytes: number,
  kernel: KernelModule | undefined,
): Promise<MailLogSummary | undefined> {
  const reportOptions: ReportOptions = {
    ...(options.transportIps ? { transportIps: options.transportIps } : {}),
    ...(options.primaryIp !== undefined ? { primaryIp: options.primaryIp } : {}),
    ...(options.operatorTable ? { operatorTable: options.operatorTable } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
    ...(options.sampleLines !== undefined ? { sampleLines: options.sampleLines } : {}),
    ...(options.topReasons !== undefined ? { topReasons: options.topReasons } : {}),
  };
  const minBytes = options.parallelBytes ?? PARALLEL_BYTES;
  // This thread's default heap grows larger than a worker's small one: past `mainThreadBytes` it only
  // merges, so that a gigabyte stays under 200 MB RSS.
  const onThisThread = plainBytes <= (options.mainThreadBytes ?? MAIN_THREAD_BYTES);
  const tasks: Array<ReportPartTask & { bytes: number; index: number }> = [];
  for (const [index, file] of options.files.entries()) {
    if (file.gzip || file.size < minBytes) {
      tasks.push({ file, options: reportOptions, bytes: file.size, index });
      continue;
    }
    // This thread starts on the first stretch at once, a worker only once it has loaded: the
    // first stretch is the larger.
    const ranges = await splitAtLines(
      file,
      threads,
      onThisThread && index === 0
        ? kernel !== undefined
          ? KERNEL_SHARE / (threads + KERNEL_SHARE - 1)
          : FIRST_SHARE / threads
        : undefined,
    );
    for (const [k, { start, end }] of ranges.entries()) {
      // The last range reads to the end of the file as it is then, as one pass would: a live log grows.
      const range = { start, end: k === ranges.length - 1 ? Number.POSITIVE_INFINITY : end };
      tasks.push({ file, range, options: reportOptions, bytes: end - start, index });
    }
  }
  const bytesTotal = options.files.reduce((sum, f) => sum + f.size, 0);
  let bytesRead = 0;
  const workerUrl = options.workerUrl ?? new URL('./report-worker.ts', import.meta.url);
  // TypeScript sources (tests, the CLI run through tsx): the worker registers tsx first.
  const entry = workerUrl.pathname.endsWith('.ts')
    ? `(async () => { (await import(${JSON.stringify(
        pathToFileURL(
          createRequire(import.meta.url)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs'),
        ).href,
      )})).register(); await import(${JSON.stringify(workerUrl.href)}); })();`
    : workerUrl;
  const running = new Set<Worker>();
  let stopped = false;
  const onWorker = (task: ReportPartTask & { bytes: number }) =>
    new Promise<ReportPartResult>((resolve, reject) => {
      const worker = new Worker(entry, {
        workerData: task,
        eval: typeof entry === 'string',
        // Small heaps (each thread's strings die young; its counters grow slowly with the bytes it
        // reads), so a gigabyte stays < 200 MB RSS; a thread that runs out falls back to one pass.
        resourceLimits: {
          maxYoungGenerationSizeMb: 2,
          maxOldGenerationSizeMb: 48 + Math.ceil(task.bytes / (32 * 1024 * 1024)),
        },
      });
      worker.once(
        'message',
        (message: { ok: boolean; result?: ReportPartResult; error?: { message: string } | string }) => {
          if (message.ok) resolve(message.result!);
          else {
            const e = message.error;
            reject(new OpsError('INPUT_UNREADABLE', typeof e === 'string' ? e : e!.message));
          }
          void worker.terminate();
        },
      );
      running.add(worker);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        running.delete(worker);
        reject(new Error(`mail-log worker exited with code ${code}`));
      });
    });

  const builder = createReportBuilder(reportOptions);
  const files: MailLogSummary['files'] = options.files.map((f) => ({ path: f.path, lines: 0 }));
  // Stretches are claimed in order, each once: by a worker while fewer than `slots` run, else (when
  // this thread counts too) by this thread once it is done with the one before.
  const slots = onThisThread ? threads - 1 : threads;
  const results: Array<Promise<ReportPartResult> | undefined> = [];
  let next = onThisThread ? 1 : 0;
  let active = 0;
  const pump = (): void => {
    while (!stopped && active < slots && next < tasks.length) {
      const i = next++;
      active += 1;
      const result = onWorker(tasks[i]!).finally(() => {
        active -= 1;
        pump();
      });
      result.catch(() => undefined);
      results[i] = result;
    }
  };
  let exact = true;
  try {
    pump();
    if (onThisThread) {
      const first = tasks[0]!;
      let firstBytes = 0;
      const onRead = (n: number) => {
        firstBytes += n;
        if (firstBytes >= 4 * 1024 * 1024) {
          bytesRead += firstBytes;
          firstBytes = 0;
          options.onProgress?.({ bytesRead, bytesTotal, file: first.file.path });
        }
      };
      files[first.index]!.lines =
        kernel !== undefined
          ? await readFirstStretchWithKernel(kernel, first, builder, reportOptions, onRead)
          : await readStretch(first, builder, onRead);
      bytesRead += firstBytes;
      options.onProgress?.({ bytesRead, bytesTotal, file: first.file.path });
      // Then stretches no worker has claimed yet, as a worker would count them.
      while (next < tasks.length) {
        const j = next++;
        const result = readReportPart(tasks[j]!);
        results[j] = result;
        await result.catch(() => undefined);
      }
    }
    for (let i = onThisThread ? 1 : 0; i < tasks.length && exact; i++) {
      const task = tasks[i]!;
      // Claimed already: stretches are claimed in order, and awaiting the one before let its worker's
      // `finally` claim the next (this thread, when it counts, claimed every one left).
      let result: ReportPartResult;
      try {
        result = await results[i]!;
      } catch (error) {
        // The input's fault is reported; a thread that failed (out of memory, its entry missing
        // from a bundle) leaves the log to one ordered pass.
        if (error instanceof OpsError) throw error;
        exact = false;
        continue;
      }
      const { part, lines } = result;
      files[task.index]!.lines += lines;
      if (!builder.mergePart(part)) exact = false;
      bytesRead += task.bytes;
      options.onProgress?.({ bytesRead, bytesTotal, file: task.file.path });
    }
  } finally {
    // Decided (merged, inexact, or an input error): no further worker starts, and the running ones stop.
    stopped = true;
    for (const worker of running) void worker.terminate();
  }
  if (!exact) return undefined;
  const report = builder.finish();
  return { ...report, files, alarms: listAlarms(report, options.thresholds) };
}
