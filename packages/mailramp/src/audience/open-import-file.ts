import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type CsvEncoding, type CsvRecord, readCsvRecords } from '@mailramp/builder';
import { MailrampError } from '../errors.js';

/** An opened import file: its records and a byte counter for progress. */
export interface OpenedFile {
  records: AsyncIterable<CsvRecord>;
  bytesRead(): number;
  size: number;
}

/**
 * Opens a CSV (or .gz) file for streaming; a missing file is a usage error that names the path, and
 * so is a .gz that is corrupt or cut short (nothing is imported: the import is one transaction).
 */
export async function openImportFile(
  path: string,
  options: {
    delimiter?: string | undefined;
    encoding?: CsvEncoding | undefined;
    beforeRead?: () => Promise<unknown>;
  },
): Promise<OpenedFile> {
  const { delimiter, encoding } = options;
  let size: number;
  let regular = true;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new MailrampError('INVALID_INPUT', `${path} is a directory; pass the CSV file inside it`);
    }
    size = info.size;
    regular = info.isFile();
  } catch (error) {
    if (error instanceof MailrampError) throw error;
    throw new MailrampError('INVALID_INPUT', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // The database is opened (and its lock taken) before the first byte is read: a FIFO or a slow
  // mount blocks here while this process already holds the data directory.
  await options.beforeRead?.();
  // Only a regular file can be read twice: a FIFO (a download piped in) is not sniffed, since the
  // bytes read would be gone, and a positioned read of it fails (ESPIPE).
  if (regular && isZip(await firstBytes(path, 4))) {
    throw new MailrampError(
      'INVALID_INPUT',
      `${path} is a ZIP archive; nothing was imported: unzip it (\`unzip -p FILE > census.csv\`) and pass the CSV, or gzip the CSV`,
    );
  }
  let bytes = 0;
  // Counted as the reader pulls, so nothing flows before the import starts reading.
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  const stream = path.endsWith('.gz') ? gunzipped(path, counted()) : counted();
  return {
    records: readCsvRecords(stream, {
      ...(delimiter === undefined ? {} : { delimiter: unescapeDelimiter(delimiter) }),
      ...(encoding === undefined ? {} : { encoding }),
    }),
    bytesRead: () => bytes,
    size,
  };
}

/** The first `n` bytes of a file (fewer when it is shorter). */
async function firstBytes(path: string, n: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(n), 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A ZIP local-file header ("PK\x03\x04"), as FMCSA and CMS download pages ship their files. */
function isZip(head: Buffer): boolean {
  return head.length === 4 && head.readUInt32BE(0) === 0x504b0304;
}

/** The inflated bytes of a gzip file; a corrupt or truncated one is a usage error naming the file. */
async function* gunzipped(path: string, source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  // pipeline() carries an error of either side to the reader below, and destroys both.
  const done = pipeline(Readable.from(source), gunzip).catch(() => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_NEED_DICT') {
      throw new MailrampError(
        'INVALID_INPUT',
        `${path} is not a valid gzip file (${code === 'Z_BUF_ERROR' ? 'it ends early' : 'corrupt data'}); nothing was imported: download it again, or pass the uncompressed file`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await done;
  }
}

function unescapeDelimiter(text: string): string {
  return text === '\\t' || text === 'tab' ? '\t' : text;
}
