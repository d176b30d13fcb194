import { BuilderError } from '../errors.js';

/** One CSV record and the physical line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the file ended inside a quoted field: the record runs to the end of the file. */
  unterminatedQuote?: true;
}

/** Options for {@link readCsvRecords}. */
export interface CsvOptions {
  /** One character; default `,`. */
  delimiter?: string;
  /** A record longer than this fails the read (an unbalanced quote swallowing the file); default 1 MiB. */
  maxRecordChars?: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

interface Scan {
  fields: string[];
  end: number;
  newlines: number;
  unterminated: boolean;
}

/** The records of a CSV file, and a way to stop reading the fields nobody uses. */
export type CsvRecords = AsyncGenerator<CsvRecord> & {
  /**
   * From the next record on, fields at other indices (below the highest index given) are returned
   * as `''` without being copied out of the file: a 147-column census file is read for its ~20
   * used columns. Field counts, quoting and line numbers are unchanged.
   */
  keepColumns(columns: Iterable<number>): void;
};

/** True when `records` came from {@link readCsvRecords} and can skip unused fields. */
export function isCsvRecords(records: AsyncIterable<CsvRecord>): records is CsvRecords {
  return typeof (records as Partial<CsvRecords>).keepColumns === 'function';
}

/**
 * Reads RFC 4180 CSV from a stream of chunks, one record at a time, in constant memory.
 * Quoted fields may hold delimiters, doubled quotes and line breaks; CRLF and LF both end records;
 * a leading UTF-8 BOM is dropped; blank lines are skipped (but counted in line numbers).
 *
 * @example
 * for await (const { line, fields } of readCsvRecords(createReadStream('census.csv'))) { … }
 */
export function readCsvRecords(
  chunks: AsyncIterable<string | Uint8Array>,
  options: CsvOptions = {},
): CsvRecords {
  const projection: { keep: Uint8Array | undefined } = { keep: undefined };
  return Object.assign(generateRecords(chunks, options, projection), {
    keepColumns(columns: Iterable<number>) {
      const list = [...columns];
      const keep = new Uint8Array(Math.max(-1, ...list) + 1);
      for (const c of list) keep[c] = 1;
      projection.keep = keep;
    },
  });
}

async function* generateRecords(
  chunks: AsyncIterable<string | Uint8Array>,
  options: CsvOptions,
  projection: { keep: Uint8Array | undefined },
): AsyncGenerator<CsvRecord> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new BuilderError(
      'AUDIENCE_INPUT_INVALID',
      `CSV delimiter must be one character other than a quote or newline`,
    );
  }
  const delim = delimiter.charCodeAt(0);
  const maxRecordChars = options.maxRecordChars ?? 1 << 20;
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let line = 1;
  let first = true;
  const drain = function* (final: boolean): Generator<CsvRecord> {
    let pos = 0;
    while (pos < buf.length) {
      const scan = scanRecord(buf, pos, delim, final, projection.keep);
      if (scan === undefined) break;
      const start = line;
      line += scan.newlines;
      pos = scan.end;
      if (scan.fields.length === 1 && scan.fields[0] === '' && !scan.unterminated) continue;
      yield scan.unterminated
        ? { line: start, fields: scan.fields, unterminatedQuote: true }
        : { line: start, fields: scan.fields };
    }
    buf = buf.slice(pos);
    if (buf.length > maxRecordChars) {
      throw new BuilderError(
        'AUDIENCE_INPUT_INVALID',
        `line ${line}: a record longer than ${maxRecordChars} characters; the file probably has an unbalanced quote there`,
      );
    }
  };
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    buf += text;
    yield* drain(false);
  }
  buf += decoder.decode();
  yield* drain(true);
}

/**
 * Scans one record at `start`; undefined when the buffer ends before the record does (and more may
 * come). Fields whose `keep` flag is 0 are skipped over and returned as `''`.
 */
function scanRecord(
  buf: string,
  start: number,
  delim: number,
  final: boolean,
  keep: Uint8Array | undefined,
): Scan | undefined {
  const len = buf.length;
  const fields: string[] = [];
  let newlines = 0;
  let i = start;
  for (;;) {
    const n = fields.length;
    const wanted = keep === undefined || n >= keep.length || keep[n] === 1;
    if (buf.charCodeAt(i) === QUOTE) {
      let value = '';
      let segment = i + 1;
      let j = segment;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q === -1) {
          if (!final) return undefined;
          if (wanted) value += buf.slice(segment);
          newlines += countNewlines(buf, i, len);
          fields.push(value);
          return { fields, end: len, newlines, unterminated: true };
        }
        if (q + 1 >= len && !final) return undefined;
        if (buf.charCodeAt(q + 1) === QUOTE) {
          if (wanted) value += buf.slice(segment, q + 1);
          j = q + 2;
          segment = j;
          continue;
        }
        if (wanted) value += buf.slice(segment, q);
        newlines += countNewlines(buf, i, q);
        i = q + 1;
        break;
      }
      // Lenient like most readers: text after a closing quote is kept (`"a"b` → `ab`).
      const k = fieldEnd(buf, i, delim);
      if (k >= len && !final) return undefined;
      if (wanted) value += buf.slice(i, k);
      i = k;
      fields.push(value);
    } else {
      const k = fieldEnd(buf, i, delim);
      if (k >= len && !final) return undefined;
      fields.push(wanted ? buf.slice(i, k) : '');
      i = k;
    }
    if (i >= len) return { fields, end: i, newlines, unterminated: false };
    const c = buf.charCodeAt(i);
    if (c === delim) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 >= len && !final) return undefined;
      i += buf.charCodeAt(i + 1) === LF ? 2 : 1;
    } else {
      i++;
    }
    return { fields, end: i, newlines: newlines + 1, unterminated: false };
  }
}

/** The index of the delimiter or line break ending an unquoted field at `from`, or the buffer's length. */
function fieldEnd(buf: string, from: number, delim: number): number {
  const len = buf.length;
  let k = from;
  while (k < len) {
    const c = buf.charCodeAt(k);
    if (c === delim || c === LF || c === CR) break;
    k++;
  }
  return k;
}

function countNewlines(buf: string, from: number, to: number): number {
  let n = 0;
  for (let p = buf.indexOf('\n', from); p !== -1 && p < to; p = buf.indexOf('\n', p + 1)) n++;
  return n;
}
