import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  CSV_ENCODINGS,
  type CsvEncoding,
  type CsvRecord,
  type ImportSummary,
  readCsvRecords,
} from '@mailramp/builder';
import { InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { createProgress, printJson, say } from '../output.js';

/** Flags every `audience import …` command takes. */
export interface ImportFlags {
  dryRun?: boolean;
  json?: boolean;
  delimiter?: string;
  encoding?: CsvEncoding;
  quiet?: boolean;
}

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
  ctx: CliContext,
  file: string,
  delimiter?: string,
  encoding?: CsvEncoding,
): Promise<OpenedFile> {
  const path = resolve(ctx.io.cwd, file);
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new CliError(EXIT.USAGE, `${path} is a directory; pass the CSV file inside it`);
    }
    size = info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(EXIT.USAGE, `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (isZip(await firstBytes(path, 4))) {
    throw new CliError(
      EXIT.USAGE,
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
      throw new CliError(
        EXIT.USAGE,
        `${path} is not a valid gzip file (${code === 'Z_BUF_ERROR' ? 'it ends early' : 'corrupt data'}); nothing was imported: download it again, or pass the uncompressed file`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await done;
  }
}

/** Parses --encoding. */
export function parseEncoding(value: string): CsvEncoding {
  const name = value.toLowerCase() === 'utf8' ? 'utf-8' : value.toLowerCase();
  if (!(CSV_ENCODINGS as readonly string[]).includes(name))
    throw new InvalidArgumentError(`one of ${CSV_ENCODINGS.join(', ')}`);
  return name as CsvEncoding;
}

function unescapeDelimiter(text: string): string {
  return text === '\\t' || text === 'tab' ? '\t' : text;
}

/** A progress callback for an import, drawn against the file's bytes. */
export function importProgress(ctx: CliContext, label: string, file: OpenedFile, flags: ImportFlags) {
  const progress = createProgress(ctx.io, label, { quiet: flags.quiet === true });
  return {
    onProgress: () => progress.update(file.bytesRead(), file.size),
    done: () => progress.done(),
  };
}

const SHOWN_PROBLEMS = 20;

/** Prints an import summary (JSON on stdout with --json, text on stderr); exit 1 when rows were rejected. */
export function reportImport(ctx: CliContext, summary: ImportSummary, flags: ImportFlags): ExitCode {
  if (flags.json) printJson(ctx.io, summary);
  const rejected = Object.values(summary.rejected).reduce((a, b) => a + (b ?? 0), 0);
  const byReason = (counts: Record<string, number | undefined>) =>
    Object.entries(counts)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
  const n = (v: number) => v.toLocaleString('en-US');
  say(
    ctx.io,
    `${summary.dryRun ? 'dry run (nothing stored): ' : ''}${summary.kind} (${summary.layout}): read ${n(summary.read)} · inserted ${n(summary.inserted)} · updated ${n(summary.updated)} · unchanged ${n(summary.unchanged)} · rejected ${n(rejected)}${rejected > 0 ? ` (${byReason(summary.rejected)})` : ''}`,
  );
  if (Object.keys(summary.skipped).length > 0) say(ctx.io, `skipped: ${byReason(summary.skipped)}`);
  if (Object.keys(summary.warnings).length > 0) say(ctx.io, `warnings: ${byReason(summary.warnings)}`);
  if (!flags.json) {
    for (const p of summary.problems.slice(0, SHOWN_PROBLEMS))
      say(ctx.io, `  line ${p.line}: ${p.reason}: ${p.detail}`);
    if (summary.problems.length > SHOWN_PROBLEMS || summary.problemsTruncated) {
      say(ctx.io, `  … more problems; --json lists up to ${summary.problems.length} by line`);
    }
  }
  return rejected > 0 ? EXIT.FINDINGS : EXIT.OK;
}
