import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DbError } from './errors.js';

/** The lock file a process holds inside an embedded data directory for as long as it has it open. */
export const DATA_DIR_LOCK_FILE = 'mailramp.lock';

/** A held data-directory lock. */
export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's (idempotent). */
  release(): void;
}

interface Holder {
  pid: number;
  /** The process's start time (clock ticks since boot, /proc/<pid>/stat), so a reused pid is not taken for the holder. */
  start: string | null;
  host: string;
  since: string;
  /** What the holder is, as its opener named it (`mailramp build`); absent when it did not. */
  command?: string | undefined;
}

// A process that opens the same directory twice (the CLI's tests run commands in one process) shares one lock.
const held = new Map<string, { count: number; lock: DataDirLock }>();

/** A breaker file older than this was left by a process killed while breaking a stale lock. */
const BREAKER_STALE_MS = 10_000;

/**
 * Takes the one-writer lock of an embedded data directory: an `O_EXCL` pid file that names its
 * holder. PGlite is one session per process, and two processes on one directory both write it
 * (PostgreSQL's postmaster.pid is not checked by PGlite), so a second process is refused with
 * `LOCKED`. A lock whose holder no longer runs (kill -9, a crash, a reboot) is taken over at once:
 * liveness is the pid plus its start time, never the file's age — a long synchronous PGlite query
 * must not make a live holder look stale.
 *
 * @example
 * const lock = lockDataDir('/var/lib/mailramp/data');
 * try { ... } finally { lock.release(); }
 */
export function lockDataDir(
  dir: string,
  /** What this process is (`mailramp serve`), named to another that the lock refuses. */
  command?: string,
): DataDirLock {
  const path = join(dir, DATA_DIR_LOCK_FILE);
  const shared = held.get(path);
  if (shared !== undefined) {
    shared.count += 1;
    return shared.lock;
  }
  const me: Holder = {
    pid: process.pid,
    start: startTimeOf(process.pid),
    host: hostname(),
    since: new Date().toISOString(),
    ...(command === undefined ? {} : { command }),
  };
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, content)) {
      const lock: DataDirLock = {
        path,
        release() {
          const entry = held.get(path);
          if (entry === undefined) return;
          entry.count -= 1;
          if (entry.count > 0) return;
          held.delete(path);
          process.off('exit', onExit);
          removeIfOwn(path, content);
        },
      };
      const onExit = (): void => removeIfOwn(path, content);
      // A normal exit without close() (an uncaught error) leaves no lock behind; kill -9 is the pid check's job.
      process.on('exit', onExit);
      held.set(path, { count: 1, lock });
      return lock;
    }
    const seen = readLock(path);
    if (seen === undefined) continue; // removed between our open and our read: try again
    const holder = parseHolder(seen);
    if (holder !== undefined && isRunning(holder)) throw lockedError(dir, holder);
    breakStale(path, seen);
  }
  throw new DbError(
    'LOCKED',
    `could not take the lock ${path}: other processes keep replacing it; try again when they finish`,
  );
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw unusable(path, error);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusable(path, error);
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return {
      pid: value.pid,
      start: typeof value.start === 'string' ? value.start : null,
      host: typeof value.host === 'string' ? value.host : '',
      since: typeof value.since === 'string' ? value.since : '',
      // Shown to the user: one short line of printable text, whatever the file holds.
      command:
        typeof value.command === 'string' && /^[\x20-\x7e]{1,120}$/.test(value.command)
          ? value.command
          : undefined,
    };
  } catch {
    // An empty or torn file: its writer died between create and write, so nobody holds it.
    return undefined;
  }
}

function isRunning(holder: Holder): boolean {
  // Another machine's pid cannot be checked from here (a shared mount): assume it runs.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = startTimeOf(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}

/** Field 22 of /proc/<pid>/stat (Linux); null where there is no /proc. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Removes a stale lock, but only the one that was read: a breaker file (itself O_EXCL) makes
 * "read again, compare, unlink" one step, so two processes breaking the same stale lock cannot
 * remove the fresh lock one of them has just taken.
 */
function breakStale(path: string, seen: string): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, `${process.pid}\n`)) {
    try {
      if (Date.now() - statSync(breaker).mtimeMs > BREAKER_STALE_MS) unlinkSync(breaker);
    } catch {
      // gone already
    }
    return;
  }
  try {
    if (readLock(path) === seen) unlinkSync(path);
  } finally {
    unlinkSync(breaker);
  }
}

function removeIfOwn(path: string, content: string): void {
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // already gone, or the directory with it
  }
}

function lockedError(dir: string, holder: Holder): DbError {
  const since = holder.since === '' ? '' : `, since ${holder.since}`;
  const what = holder.command === undefined ? '' : `, \`${holder.command}\``;
  const where =
    holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
  // A service never finishes: waiting for it is no advice.
  const advice =
    holder.command === 'mailramp serve'
      ? 'the service holds it for as long as it runs: run the job through the service (POST /api/jobs/<job>/run, POST /api/builds), or stop the service first; for both at once use PostgreSQL (--database-url)'
      : 'wait for that run to finish and re-run, or use PostgreSQL (--database-url) for concurrent runs';
  return new DbError(
    'LOCKED',
    `the embedded database at ${dir} is in use by another mailramp process (${where}${what}${since}); ` +
      `only one process may open it at a time: ${advice}`,
  );
}

function unusable(path: string, cause: unknown): DbError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'error';
  return new DbError(
    'DATA_DIR_UNUSABLE',
    `cannot use the embedded database directory (${code} on ${path}); check that it exists, is a directory and is writable by this user, or pass --data-dir`,
    { cause },
  );
}
