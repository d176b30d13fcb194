import type { statLogFiles } from '@mailramp/ops/maillog';

/** A mail log file to read, with its size and last write. */
export type LogFile = Awaited<ReturnType<typeof statLogFiles>>[number];

/** Progress of a job reading the mail log: the files chosen (and their total size), then bytes read. */
export type MailLogReadEvent =
  | { type: 'files'; files: LogFile[]; bytes: number }
  | { type: 'progress'; bytesRead: number; bytesTotal: number };

/**
 * The files to read, oldest first: the files named and, with `rotated`, their rotated siblings —
 * except siblings whose last write is before the window, which cannot hold a line in it.
 */
export async function selectLogFiles(
  paths: readonly string[],
  rotated: boolean,
  since: number | undefined,
): Promise<LogFile[]> {
  const { listRotatedFiles, orderRotatedFiles, rotationOf, statLogFiles } = await import(
    '@mailramp/ops/maillog'
  );
  const all = [...paths];
  if (rotated) for (const path of paths) all.push(...(await listRotatedFiles(path)));
  const files = await statLogFiles(orderRotatedFiles(all));
  return files.filter((f) => {
    if (since === undefined || rotationOf(f.path).n === 0 || paths.includes(f.path)) return true;
    const m = f.mtime;
    // The log's clock is the host's wall clock: compare the file's last write on the same clock.
    return (
      Date.UTC(m.getFullYear(), m.getMonth(), m.getDate(), m.getHours(), m.getMinutes(), m.getSeconds()) >=
      since
    );
  });
}
