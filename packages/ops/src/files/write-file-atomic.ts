import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options for {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the new file (default 0o644; the umask still applies). */
  mode?: number;
}

/**
 * Replaces a file atomically: the content goes to a temp file beside it with a random name, created
 * with O_EXCL (so it is never an existing file or a symlink someone planted — a root cron job must
 * not write through one), flushed to disk, then renamed over the target. Readers see the old file or
 * the new one, never half; on failure the temp file is removed and the target is untouched.
 *
 * @example
 * await writeFileAtomic('/var/lib/mailramp/watchdog.json', JSON.stringify(state));
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  // 'wx' = O_CREAT | O_EXCL: fails on anything already there, a dangling symlink included.
  const handle = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
