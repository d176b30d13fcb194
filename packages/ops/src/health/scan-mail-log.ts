import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { OpsError } from '../errors.js';

/** Where the scanner stopped reading a log: the file's identity and the byte after the last whole line. */
export interface MailLogPosition {
  inode: number;
  offset: number;
}

/** What a scan found since the last position. */
export interface MailLogScan {
  /** New `Cannot assign requested address` lines. */
  bindFailures: number;
  /** The last such line, for the report. */
  lastBindFailure?: string;
  /** Bytes read (whole lines only). */
  bytesRead: number;
  /** `rotated`: the inode changed (rename rotation); `truncated`: same inode, smaller (copytruncate). */
  rotation: 'none' | 'rotated' | 'truncated';
  /** True when there was no previous position: the scan starts at the end, so old history never triggers. */
  firstRun: boolean;
  position: MailLogPosition;
}

/** The Postfix warning when a transport's smtp_bind_address is not bound on the host. */
export const BIND_FAILURE = 'Cannot assign requested address';

/**
 * Counts new bind-failure lines in the mail log since `previous`. Survives rotation: when the inode
 * changed it first finishes the rotated file (`PATH.1` when it is the remembered inode, else
 * `PATH.1.gz` when there is no `PATH.1`: logrotate's `compress` without `delaycompress`) and then reads
 * the new file from the start; when the file shrank under the same inode (logrotate copytruncate, as
 * on the runbook's host) it reads from the start. Only whole lines are consumed; a half-written last
 * line is read next time. Returns undefined when the log does not exist.
 */
export async function scanMailLog(
  path: string,
  previous: MailLogPosition | undefined,
): Promise<MailLogScan | undefined> {
  const current = await statOrUndefined(path);
  if (current === undefined) return undefined;
  const inode = Number(current.ino);
  if (previous === undefined) {
    return {
      bindFailures: 0,
      bytesRead: 0,
      rotation: 'none',
      firstRun: true,
      position: { inode, offset: current.size },
    };
  }
  let count = 0;
  let last: string | undefined;
  let bytesRead = 0;
  let rotation: MailLogScan['rotation'] = 'none';
  let start = previous.offset;
  if (inode !== previous.inode) {
    rotation = 'rotated';
    start = 0;
    const old = await statOrUndefined(`${path}.1`);
    let tail: Awaited<ReturnType<typeof countBindFailures>> | undefined;
    if (old !== undefined && Number(old.ino) === previous.inode) {
      if (old.size > previous.offset) tail = await countBindFailures(`${path}.1`, previous.offset);
    } else if (old === undefined && (await statOrUndefined(`${path}.1.gz`)) !== undefined) {
      // logrotate's `compress` without `delaycompress`: the remembered file is PATH.1.gz now.
      tail = await countBindFailures(`${path}.1.gz`, previous.offset, true);
    }
    if (tail !== undefined) {
      count += tail.count;
      last = tail.last ?? last;
      bytesRead += tail.consumed;
    }
  } else if (current.size < previous.offset) {
    rotation = 'truncated';
    start = 0;
  }
  const scan = await countBindFailures(path, start);
  count += scan.count;
  last = scan.last ?? last;
  bytesRead += scan.consumed;
  return {
    bindFailures: count,
    ...(last === undefined ? {} : { lastBindFailure: last }),
    bytesRead,
    rotation,
    firstRun: false,
    position: { inode, offset: start + scan.consumed },
  };
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path, { bigint: true }).then((s) => ({ ino: s.ino, size: Number(s.size) }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OpsError('INPUT_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Streams the file from byte `start` (of its decompressed text when `gzip`), counting whole lines
 * that report a bind failure.
 */
async function countBindFailures(
  path: string,
  start: number,
  gzip = false,
): Promise<{ count: number; last?: string; consumed: number }> {
  const needle = Buffer.from(BIND_FAILURE);
  let count = 0;
  let last: string | undefined;
  let consumed = 0;
  let carry: Buffer = Buffer.alloc(0);
  // A compressed file is read from its start: the bytes before `start` are skipped as they come.
  let skip = gzip ? start : 0;
  try {
    const raw = createReadStream(path, { start: gzip ? 0 : start });
    const source = gzip ? raw.pipe(createGunzip()) : raw;
    if (gzip) raw.on('error', (error) => source.destroy(error));
    for await (let chunk of source as AsyncIterable<Buffer>) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n);
        if (chunk.length === 0) continue;
      }
      const data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      let lineStart = 0;
      for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, lineStart)) {
        const line = data.subarray(lineStart, nl);
        if (line.indexOf(needle) >= 0) {
          count++;
          last = line.toString('utf8');
        }
        lineStart = nl + 1;
      }
      consumed += lineStart;
      carry = Buffer.from(data.subarray(lineStart));
    }
  } catch (error) {
    throw new OpsError('INPUT_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { count, ...(last === undefined ? {} : { last }), consumed };
}
