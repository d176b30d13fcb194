import {
  createParseContext,
  type LineFacts,
  type LogLine,
  type ParseContext,
  parseLogLine,
  scanLogSpan,
} from './parse-log-line.js';
import { forEachLine, type LogFile, type ReadLogFilesOptions, readLogText } from './read-log-files.js';

/**
 * Reads log files oldest first and parses every line, the year of year-less timestamps inferred
 * against each file's mtime. `line` is undefined for a malformed line (count it and go on). This is
 * the entry point for consumers of delivery events (suppress sync, the guard).
 *
 * @example
 * await readLogLines(await statLogFiles(orderRotatedFiles(paths)), (line) => {
 *   if (line?.event.kind === 'delivery' && isRecipientFailure(line.event.dsn)) suppress(line.event.recipient);
 * });
 */
export async function readLogLines(
  files: readonly LogFile[],
  onLine: (line: LogLine | undefined, raw: string, file: LogFile) => void,
  options: ReadLogFilesOptions = {},
): Promise<void> {
  await readSpans(
    files,
    (text, start, end, ctx, file) => {
      const raw = text.slice(start, end);
      onLine(parseLogLine(raw, ctx), raw, file);
    },
    options,
  );
}

/**
 * {@link readLogLines} without a line object or a string per line: `facts` is the parse context
 * right after the line `text.slice(start, end)` was scanned (valid until the next line), or
 * undefined for a malformed line. The report's fast path: most lines are only counted.
 *
 * @example
 * await scanLogLines(files, (facts) => { if (facts?.event.kind === 'delivery') deliveries += 1; });
 */
export async function scanLogLines(
  files: readonly LogFile[],
  onLine: (facts: LineFacts | undefined, text: string, start: number, end: number, file: LogFile) => void,
  options: ReadLogFilesOptions = {},
): Promise<void> {
  await readSpans(
    files,
    (text, start, end, ctx, file) =>
      onLine(scanLogSpan(text, start, end, ctx) ? ctx : undefined, text, start, end, file),
    options,
  );
}

/** Gives each line's bounds in its chunk of text, with the parse context of its file. */
async function readSpans(
  files: readonly LogFile[],
  onSpan: (text: string, start: number, end: number, ctx: ParseContext, file: LogFile) => void,
  options: ReadLogFilesOptions,
): Promise<void> {
  let ctx = createParseContext(new Date());
  let current: LogFile | undefined;
  await readLogText(
    files,
    (text) => forEachLine(text, (start, end) => onSpan(text, start, end, ctx, current!)),
    {
      ...options,
      onFile: (file) => {
        // A year-less stamp belongs to the year that does not put it after the file's last write.
        ctx = createParseContext(file.mtime);
        current = file;
        options.onFile?.(file);
      },
    },
  );
}
