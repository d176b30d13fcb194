import { createReadStream, readSync } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { OpsError } from '../errors.js';

/** One log file to read, with what is known about it before reading. */
export interface LogFile {
  path: string;
  /** Bytes on disk (compressed size for `.gz`). */
  size: number;
  /** Last modification: the time of its last line, the reference for year-less timestamps. */
  mtime: Date;
  gzip: boolean;
}

/** Progress while reading: bytes read from disk so far and in all. */
export interface ReadProgress {
  bytesRead: number;
  bytesTotal: number;
  file: string;
}

/** Options for {@link readLogFiles}. */
export interface ReadLogFilesOptions {
  /** Called before the first line of each file. */
  onFile?: (file: LogFile) => void;
  /** Called about every 4 MB read from disk. */
  onProgress?: (progress: ReadProgress) => void;
}

/** Bytes read from disk at a time (the buffer grows only for a longer line). */
const CHUNK = 1 << 20;
const TEXT_PIECE = 1 << 16;
/** Bytes read without letting the event loop run (signals, timers, the service's requests). */
const YIELD_BYTES = 16 * CHUNK;

/**
 * Reads from an open file at `position` (`null`: where the last read ended), like `handle.read`
 * but on this thread: a megabyte from the page cache takes a fraction of a millisecond, where
 * awaiting libuv's thread pool left this thread idle for longer (measured: 75 ms of a 0.7 s report
 * on a 127 MB log). Every {@link YIELD_BYTES} it lets the event loop run once.
 */
export function createFileReader(
  handle: FileHandle,
): (buffer: Buffer, offset: number, length: number, position: number | null) => Promise<number> {
  let sinceYield = 0;
  return async (buffer, offset, length, position) => {
    if (sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await nextTurn();
    }
    const n = readSync(handle.fd, buffer, offset, length, position);
    sinceYield += n;
    return n;
  };
}

/**
 * Gives bytes `[0, last]` of `buffer` (`last` is the offset of a `\n`) to `onText` as UTF-8 text,
 * in pieces of whole lines of about TEXT_PIECE bytes: strings that small die young, where a
 * megabyte string would be promoted and wait for a full collection.
 */
export function decodeWholeLines(buffer: Buffer, last: number, onText: (text: string) => void): void {
  let from = 0;
  while (from <= last) {
    const cut = last - from < 2 * TEXT_PIECE ? last : buffer.indexOf(10, from + TEXT_PIECE);
    const to = cut < 0 || cut > last ? last : cut;
    onText(buffer.toString('utf8', from, to + 1));
    from = to + 1;
  }
}

/**
 * A reused buffer that bytes are read into and that gives whole lines: see {@link createLineBuffer}.
 */
export interface LineBuffer {
  /** Where the next bytes go: into `buffer` from `offset`, at most `room` of them. */
  readonly buffer: Buffer;
  readonly offset: number;
  readonly room: number;
  /** `n` bytes were written at `offset`: gives the complete lines and keeps the unfinished one. */
  filled(n: number): void;
  /** The input ended: gives its unterminated last line, with a `\n` added. */
  end(): void;
}

/**
 * Creates a {@link LineBuffer} that gives `onBytes` `buffer[0, last]`, whole lines, `last` the offset
 * of the last one's `\n`. The buffer grows only for a line longer than it.
 */
export function createLineBuffer(onBytes: (buffer: Buffer, last: number) => void): LineBuffer {
  let buffer = Buffer.allocUnsafe(CHUNK);
  // Bytes of a line not finished yet, kept at the start of the buffer.
  let carry = 0;
  const grow = () => {
    const bigger = Buffer.allocUnsafe(buffer.length * 2);
    buffer.copy(bigger, 0, 0, carry);
    buffer = bigger;
  };
  return {
    get buffer() {
      return buffer;
    },
    get offset() {
      return carry;
    },
    get room() {
      return buffer.length - carry;
    },
    filled(n) {
      const filled = carry + n;
      const last = buffer.lastIndexOf(10, filled - 1);
      if (last < 0) {
        carry = filled;
        // One line longer than the buffer: grow it.
        if (carry === buffer.length) grow();
        return;
      }
      onBytes(buffer, last);
      carry = filled - last - 1;
      buffer.copyWithin(0, last + 1, filled);
    },
    end() {
      if (carry === 0) return;
      buffer[carry] = 10;
      const last = carry;
      carry = 0;
      onBytes(buffer, last);
    },
  };
}

/**
 * Reads log files in the given order, one line at a time, in one pass with bounded memory; `.gz`
 * files are decompressed on the fly. Lines are given without their `\n` (and a trailing `\r`).
 *
 * @example
 * await readLogFiles(await statLogFiles(['/var/log/mail.log']), (line) => count++);
 */
export async function readLogFiles(
  files: readonly LogFile[],
  onLine: (line: string) => void,
  options: ReadLogFilesOptions = {},
): Promise<void> {
  await readLogText(
    files,
    (text) => forEachLine(text, (start, end) => onLine(text.slice(start, end))),
    options,
  );
}

/**
 * Calls `onLine` with the bounds of each line of a text from {@link readLogText}: `[start, end)`
 * without the `\n` and a `\r` before it.
 */
export function forEachLine(text: string, onLine: (start: number, end: number) => void): void {
  let start = 0;
  let nl = text.indexOf('\n');
  while (nl >= 0) {
    onLine(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
    start = nl + 1;
    nl = text.indexOf('\n', start);
  }
}

/**
 * {@link readLogFiles} a megabyte at a time: `onText` gets whole lines, each ending in `\n` (one is
 * added after a file's unterminated last line). Bytes are read into one reused buffer and decoded
 * up to its last newline, so a line is never split and memory stays bounded.
 */
export async function readLogText(
  files: readonly LogFile[],
  onText: (text: string) => void,
  options: ReadLogFilesOptions = {},
): Promise<void> {
  await readLogBytes(files, (buffer, last) => decodeWholeLines(buffer, last, onText), options);
}

/**
 * {@link readLogText} without decoding: `onBytes` gets `buffer[0, last]`, whole lines, `last` the
 * offset of the last one's `\n` (one is added after a file's unterminated last line). The buffer is
 * reused: its bytes are only valid during the call.
 */
export async function readLogBytes(
  files: readonly LogFile[],
  onBytes: (buffer: Buffer, last: number) => void,
  options: ReadLogFilesOptions = {},
): Promise<void> {
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  let bytesBefore = 0;
  for (const file of files) {
    options.onFile?.(file);
    let fileBytes = 0;
    let reported = 0;
    const onRead = (n: number) => {
      fileBytes += n;
      if (options.onProgress && fileBytes - reported >= 4 * CHUNK) {
        reported = fileBytes;
        options.onProgress({ bytesRead: bytesBefore + fileBytes, bytesTotal, file: file.path });
      }
    };
    const lines = createLineBuffer(onBytes);
    let inCallback = false;
    const filled = (n: number) => {
      inCallback = true;
      lines.filled(n);
      inCallback = false;
    };
    try {
      if (file.gzip) {
        const raw = createReadStream(file.path, { highWaterMark: CHUNK });
        raw.on('data', (chunk) => onRead(chunk.length));
        const source = raw.pipe(createGunzip({ chunkSize: CHUNK }));
        raw.on('error', (error) => source.destroy(error));
        for await (const chunk of source as AsyncIterable<Buffer>) {
          let from = 0;
          while (from < chunk.length) {
            const n = Math.min(chunk.length - from, lines.room);
            chunk.copy(lines.buffer, lines.offset, from, from + n);
            from += n;
            filled(n);
          }
        }
      } else {
        const handle = await open(file.path, 'r');
        const read = createFileReader(handle);
        try {
          for (;;) {
            const bytesRead = await read(lines.buffer, lines.offset, lines.room, null);
            if (bytesRead === 0) break;
            onRead(bytesRead);
            filled(bytesRead);
          }
        } finally {
          await handle.close();
        }
      }
    } catch (error) {
      // A reader's own failure is not the file's fault.
      if (inCallback) throw error;
      throw new OpsError(
        'INPUT_UNREADABLE',
        `cannot read ${file.path}: ${(error as Error).message}${file.gzip ? ' (is it a complete gzip file?)' : ''}`,
        { cause: error },
      );
    }
    lines.end();
    bytesBefore += file.size;
    options.onProgress?.({ bytesRead: bytesBefore, bytesTotal, file: file.path });
  }
}

/** Looks up size and mtime of each path; a missing or unreadable path is an error that names it. */
export async function statLogFiles(paths: readonly string[]): Promise<LogFile[]> {
  const files: LogFile[] = [];
  for (const path of paths) {
    try {
      const s = await stat(path);
      if (!s.isFile())
        throw new OpsError('INPUT_UNREADABLE', `${path} is not a file; pass a log file with --log`);
      files.push({ path, size: s.size, mtime: s.mtime, gzip: path.endsWith('.gz') });
    } catch (error) {
      if (error instanceof OpsError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new OpsError(
        'INPUT_UNREADABLE',
        code === 'ENOENT'
          ? `log file ${path} does not exist; pass the mail log with --log PATH`
          : `cannot read log file ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return files;
}

const ROTATED = /^(.*)\.(\d+)(\.gz)?$/;

/** The rotation number of a path: 0 for `mail.log`, 1 for `mail.log.1`, 2 for `mail.log.2.gz`. */
export function rotationOf(path: string): { base: string; n: number } {
  const m = ROTATED.exec(path);
  return m === null ? { base: path.replace(/\.gz$/, ''), n: 0 } : { base: m[1]!, n: Number(m[2]) };
}

/**
 * Puts log files in the order their lines were written: per base name, the highest rotation number
 * first (`mail.log.3.gz`, `mail.log.2.gz`, `mail.log.1`, `mail.log`); base names keep the given order.
 */
export function orderRotatedFiles(paths: readonly string[]): string[] {
  const bases: string[] = [];
  const byBase = new Map<string, Array<{ path: string; n: number }>>();
  for (const path of paths) {
    const { base, n } = rotationOf(path);
    let group = byBase.get(base);
    if (group === undefined) {
      group = [];
      byBase.set(base, group);
      bases.push(base);
    }
    if (!group.some((g) => g.path === path)) group.push({ path, n });
  }
  return bases.flatMap((base) =>
    byBase
      .get(base)!
      .sort((a, b) => b.n - a.n)
      .map((g) => g.path),
  );
}

/** Finds the rotated siblings of a log file (`mail.log.1`, `mail.log.2.gz`, …) next to it. */
export async function listRotatedFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+(\\.gz)?$`);
  return entries.filter((e) => pattern.test(e)).map((e) => join(dir, e));
}
