import { open } from 'node:fs/promises';
import { OpsError } from '../errors.js';
import {
  createReportBuilder,
  type ReportBuilder,
  type ReportOptions,
  type ReportPart,
} from './build-report.js';
import { createParseContext, type ParseContext, scanLogSpan } from './parse-log-line.js';
import {
  createFileReader,
  createLineBuffer,
  decodeWholeLines,
  forEachLine,
  type LogFile,
  readLogText,
} from './read-log-files.js';
import { createKernelScan, type KernelModule, readWithKernel } from './scan-kernel.js';

/** One stretch of a log: a whole file, or bytes `[start, end)` of a plain one, cut at line starts. */
export interface ReportPartTask {
  file: LogFile;
  range?: { start: number; end: number };
  options: ReportOptions;
}

/** What {@link readReportPart} counted: the builder's part and the lines read. */
export interface ReportPartResult {
  part: ReportPart;
  lines: number;
}

/** Counts one stretch of a log with a report builder in part mode (see `ReportBuilder.mergePart`). */
export async function readReportPart(task: ReportPartTask): Promise<ReportPartResult> {
  const builder = createReportBuilder(task.options, { part: true });
  const lines = await readStretch(task, builder);
  return { part: builder.exportPart(), lines };
}

/**
 * Adds the lines of one stretch of a log to a builder (in part mode unless the stretch starts the
 * log) and returns how many it read; `onRead` hears of the bytes read from disk.
 */
export async function readStretch(
  task: Omit<ReportPartTask, 'options'>,
  builder: ReportBuilder,
  onRead?: (bytes: number) => void,
): Promise<number> {
  const ctx = createParseContext(task.file.mtime);
  let lines = 0;
  const onText = (text: string) => {
    lines += addLines(text, ctx, builder);
  };
  if (task.range === undefined) await readLogText([task.file], onText);
  else await readRange(task.file.path, task.range.start, task.range.end, onText, onRead);
  return lines;
}

/**
 * Scans each line of a text from `readLogText` (whole lines, each ending in `\n`) and adds it to the
 * builder; returns the number of lines: the report's inner loop.
 */
export function addLines(text: string, ctx: ParseContext, builder: ReportBuilder): number {
  let lines = 0;
  forEachLine(text, (start, end) => {
    builder.addSpan(text, start, end, scanLogSpan(text, start, end, ctx) ? ctx : undefined);
    lines += 1;
  });
  return lines;
}

/** Gives the text of bytes `[from, to)` of a file in pieces of whole lines (see `readLogText`). */
async function readRange(
  path: string,
  from: number,
  to: number,
  onText: (text: string) => void,
  onRead?: (bytes: number) => void,
): Promise<void> {
  await readRangeBytes(path, from, to, (buffer, last) => decodeWholeLines(buffer, last, onText), onRead);
}

/** Gives bytes `[from, to)` of a file as whole lines (see `readLogBytes`). */
async function readRangeBytes(
  path: string,
  from: number,
  to: number,
  onBytes: (buffer: Buffer, last: number) => void,
  onRead?: (bytes: number) => void,
): Promise<void> {
  const lines = createLineBuffer(onBytes);
  let position = from;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new OpsError('INPUT_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const read = createFileReader(handle);
  try {
    while (position < to) {
      const want = Math.min(lines.room, to - position);
      const bytesRead = await read(lines.buffer, lines.offset, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      onRead?.(bytesRead);
      lines.filled(bytesRead);
    }
  } finally {
    await handle.close();
  }
  lines.end();
}

/**
 * {@link readStretch} of the first stretch of a log (nothing before it: `builder` is not in part
 * mode) with the WebAssembly scanner (see `scan-kernel.ts`).
 */
export async function readFirstStretchWithKernel(
  kernel: KernelModule,
  task: Omit<ReportPartTask, 'options'>,
  builder: ReportBuilder,
  window: { since?: number | undefined; until?: number | undefined },
  onRead?: (bytes: number) => void,
): Promise<number> {
  if (task.range === undefined) {
    let reported = 0;
    const [lines] = await readWithKernel(kernel, [task.file], builder, window, {
      onProgress: ({ bytesRead }) => {
        onRead?.(bytesRead - reported);
        reported = bytesRead;
      },
    });
    return lines ?? 0;
  }
  const scan = createKernelScan(kernel, builder, window);
  scan.beginFile(task.file.mtime);
  let lines = 0;
  await readRangeBytes(
    task.file.path,
    task.range.start,
    task.range.end,
    (buffer, last) => {
      lines += scan.scanBytes(buffer, last);
    },
    onRead,
  );
  scan.finish();
  return lines;
}

/**
 * Cuts a plain file into up to `parts` byte ranges, each starting at a line start: a cut moves
 * forward to just after the next newline. The first range gets `firstShare` of the bytes (default
 * an equal share), the others equal shares of the rest.
 */
export async function splitAtLines(
  file: LogFile,
  parts: number,
  firstShare = 1 / parts,
): Promise<Array<{ start: number; end: number }>> {
  const cuts = [0];
  const handle = await open(file.path, 'r');
  try {
    const probe = Buffer.allocUnsafe(1 << 16);
    for (let i = 1; i < parts; i++) {
      const share = firstShare + ((1 - firstShare) * (i - 1)) / (parts - 1);
      let at = Math.max(Math.floor(file.size * share), cuts[cuts.length - 1]!);
      // The cut is at a line start when the byte before it is a newline.
      let from = at - 1;
      for (;;) {
        const { bytesRead } = await handle.read(probe, 0, probe.length, from);
        if (bytesRead === 0) {
          at = file.size;
          break;
        }
        const nl = probe.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) {
          at = from + nl + 1;
          break;
        }
        from += bytesRead;
      }
      if (at >= file.size) break;
      if (at > cuts[cuts.length - 1]!) cuts.push(at);
    }
  } finally {
    await handle.close();
  }
  return cuts.map((start, i) => ({ start, end: cuts[i + 1] ?? file.size }));
}
