import { BuilderError } from '../errors.js';

/** One CSV record and the physical line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /**
   * How many fields the record has, when the reader was told to skip some (`keepColumns`): skipped
   * fields are left out of `fields` (reading one gives undefined).
   */
  count?: number;
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
  count: number;
  end: number;
  newlines: number;
  unterminated: boolean;
}

/** The records of a CSV file, and a way to stop reading the fields nobody uses. */
export type CsvRecords = AsyncGenerator<CsvRecord> & {
  /**
   * From the next record on, only the fields at `columns` (and at `alsoFrom` or later) are copied
   * out of the file; the others are left out of `fields` and `count` says how many there were: a
   * 147-column census file is read for its ~20 used columns. Quoting and line numbers are unchanged.
   */
  keepColumns(columns: Iterable<number>, alsoFrom?: number): void;
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
  const projection: Projection = { keep: undefined, alsoFrom: Number.POSITIVE_INFINITY };
  return Object.assign(generateRecords(chunks, options, projection), {
    keepColumns(columns: Iterable<number>, alsoFrom = Number.POSITIVE_INFINITY) {
      // The first field always: a blank line is told by it.
      const list = [0, ...columns];
      const keep = new Uint8Array(Math.max(...list) + 1);
      for (const c of list) keep[c] = 1;
      projection.keep = keep;
      projection.alsoFrom = alsoFrom;
    },
  });
}

interface Projection {
  keep: Uint8Array | undefined;
  alsoFrom: number;
}

async function* generateRecords(
  chunks: AsyncIterable<string | Uint8Array>,
  options: CsvOptions,
  projection: Projection,
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
  let width = 8;
  const drain = function* (final: boolean): Generator<CsvRecord> {
    let pos = 0;
    while (pos < buf.length) {
      const scan = scanRecord(buf, pos, delim, final, projection, width);
      if (scan === undefined) break;
      width = scan.count;
      const start = line;
      line += scan.newlines;
      pos = scan.end;
      if (scan.count === 1 && scan.fields[0] === '' && !scan.unterminated) continue;
      const record: CsvRecord = { line: start, fields: scan.fields };
      if (projection.keep !== undefined) record.count = scan.count;
      if (scan.unterminated) record.unterminatedQuote = true;
      yield record;
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
 * come). Fields the projection does not keep are skipped over and left out of `fields`.
 */
function scanRecord(
  buf: string,
  start: number,
  delim: number,
  final: boolean,
  projection: Projection,
  width: number,
): Scan | undefined {
  const len = buf.length;
  const { keep, alsoFrom } = projection;
  // Sized like the previous record (or the kept columns): a census row grows no array on the way.
  const fields: string[] = new Array(keep === undefined ? width : keep.length);
  let n = 0;
  let newlines = 0;
  let i = start;
  for (;;) {
    const wanted = keep === undefined || (n < keep.length ? keep[n] === 1 : n >= alsoFrom);
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
          if (wanted) fields[n] = value;
          n++;
          return { fields: fit(fields, n), count: n, end: len, newlines, unterminated: true };
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
      if (wanted) {
        value += buf.slice(i, k);
        fields[n] = value;
      }
      n++;
      i = k;
    } else {
      const k = fieldEnd(buf, i, delim);
      if (k >= len && !final) return undefined;
      if (wanted) fields[n] = buf.slice(i, k);
      n++;
      i = k;
    }
    if (i >= len) return { fields: fit(fields, n), count: n, end: i, newlines, unterminated: false };
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
    return { fields: fit(fields, n), count: n, end: i, newlines: newlines + 1, unterminated: false };
  }
}

/** `fields` cut to at most `count` entries (it was sized ahead for a longer record). */
function fit(fields: string[], count: number): string[] {
  if (fields.length > count) fields.length = count;
  return fields;
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
