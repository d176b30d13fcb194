import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { OpsError } from '../errors.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';

const WatchdogStateSchema = z.object({
  version: z.literal(1),
  /** Where the last run stopped reading the mail log. */
  mailLog: z.object({ path: z.string(), inode: z.number(), offset: z.number().int().min(0) }).optional(),
  /** A flush was needed but failed: the next run flushes even without new reasons. */
  pendingFlush: z.boolean().default(false),
  lastRun: z.string().optional(),
});

/** What the watchdog remembers between runs. */
export type WatchdogState = z.output<typeof WatchdogStateSchema>;

/**
 * Reads the state file; a missing file is a first run. A corrupt one is reported (not silently
 * reset), so a broken disk does not make the watchdog forget a pending flush without anyone knowing.
 */
export async function readWatchdogState(path: string): Promise<WatchdogState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OpsError(
      'INPUT_UNREADABLE',
      `cannot read watchdog state ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return WatchdogStateSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new OpsError(
      'INPUT_UNREADABLE',
      `watchdog state ${path} is corrupt; delete it to start over (the next run starts at the end of the mail log)`,
      { cause: error },
    );
  }
}

/**
 * Writes the state file atomically (a random-named O_EXCL temp file, then rename), creating its
 * directory: the watchdog runs as root from cron, and a predictable temp name let anyone who can
 * write the directory plant a symlink it would write through.
 */
export async function writeWatchdogState(path: string, state: WatchdogState): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    throw new OpsError(
      'STATE_UNWRITABLE',
      `cannot write watchdog state ${path}: ${(error as Error).message}; set health.stateFile to a writable path`,
      { cause: error },
    );
  }
}
