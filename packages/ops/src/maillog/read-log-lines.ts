import { createParseContext, type LogLine, parseLogLine } from './parse-log-line.js';
import { type LogFile, type ReadLogFilesOptions, readLogFiles } from './read-log-files.js';

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
  let ctx = createParseContext(new Date());
  let current: LogFile | undefined;
  await readLogFiles(files, (raw) => onLine(parseLogLine(raw, ctx), raw, current!), {
    ...options,
    onFile: (file) => {
      // A year-less stamp belongs to the year that does not put it after the file's last write.
      ctx = createParseContext(file.mtime);
      current = file;
      options.onFile?.(file);
    },
  });
}
