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
  /**
   * The file's character encoding (default `utf-8`). UTF-8 is decoded strictly: a byte that is not
   * UTF-8 (a Latin-1 census) fails the read by line instead of being stored as U+FFFD.
   */
  encoding?: CsvEncoding;
}

/** The encodings an import file may be read in. */
export const CSV_ENCODINGS = ['utf-8', 'latin1', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** Decodes a byte stream chunk by chunk; throws a BuilderError naming the line of a bad byte. */
interface ChunkDecoder {
  decode(chunk: Uint8Array, linesBefore: () => number): string;
  end(linesBefore: () => number): string;
}

function createChunkDecoder(encoding: CsvEncoding): ChunkDecoder {
  return refusingUtf16(createDecoderOf(encoding));
}

/**
 * Refuses a file that starts with a UTF-16 byte-order mark (Excel's "Unicode Text"): its ASCII
 * passes a UTF-8 decoder with a NUL after every character, and no --encoding offered reads it.
 */
function refusingUtf16(inner: ChunkDecoder): ChunkDecoder {
  let head: Uint8Array | undefined = new Uint8Array(0);
  return {
    decode(chunk, linesBefore) {
      if (head === undefined) return inner.decode(chunk, linesBefore);
      const bytes = concat(head, chunk);
      if (bytes.length < 2) {
        head = bytes;
        return '';
      }
      head = undefined;
      const [a, b] = bytes;
      if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
        throw new BuilderError(
          'AUDIENCE_INPUT_INVALID',
          'line 1: the file is UTF-16 (it starts with a UTF-16 byte-order mark, as Excel saves "Unicode Text"); nothing was imported: save it as UTF-8 (Excel: "CSV UTF-8") and import that',
        );
      }
      return inner.decode(bytes, linesBefore);
    },
    end(linesBefore) {
      const rest = head === undefined || head.length === 0 ? '' : inner.decode(head, linesBefore);
      head = undefined;
      return rest + inner.end(linesBefore);
    },
  };
}

function createDecoderOf(encoding: CsvEncoding): ChunkDecoder {
  if (encoding === 'latin1') {
    // ISO-8859-1 maps every byte to the code point of its value; a chunk boundary splits nothing.
    return {
      decode: (chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1'),
      end: () => '',
    };
  }
  if (encoding === 'windows-1252') {
    const decoder = new TextDecoder('windows-1252');
    return { decode: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Uint8Array = new Uint8Array(0);
  const fail = (bytes: Uint8Array, linesBefore: () => number, cause: unknown): never => {
    // Where the bad byte is: the longest prefix that decodes, and the line breaks in it.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const before = at < 0 ? lenient : lenient.slice(0, at);
    let line = linesBefore();
    for (let p = before.indexOf('\n'); p !== -1; p = before.indexOf('\n', p + 1)) line++;
    throw new BuilderError(
      'AUDIENCE_INPUT_INVALID',
      `line ${line}: the file is not UTF-8 (nothing was imported); if it was saved in Latin-1 or Windows-1252 (Excel), re-run with --encoding latin1 or --encoding windows-1252`,
      { cause },
    );
  };
  return {
    decode(chunk, linesBefore) {
      const bytes = pending.length === 0 ? chunk : concat(pending, chunk);
      try {
        const text = decoder.decode(chunk, { stream: true });
        pending = trailingIncomplete(bytes);
        return text;
      } catch (error) {
        return fail(bytes, linesBefore, error);
      }
    },
    end(linesBefore) {
      try {
        return decoder.decode();
      } catch (error) {
        return fail(pending, linesBefore, error);
      }
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The bytes of a UTF-8 sequence cut by the end of the chunk (kept to locate an error in the next). */
function trailingIncomplete(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) !== 0x80) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back ? bytes.subarray(n - back) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
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
  const decoder = createChunkDecoder(options.encoding ?? 'utf-8');
  let buf = '';
  let line = 1;
  let first = true;
  let width = 8;
  // The line the next undecoded byte is on: the lines read, and those waiting in the buffer.
  const linesBefore = () => line + countNewlines(buf, 0, buf.length);
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
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, linesBefore);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    buf += text;
    yield* drain(false);
  }
  buf += decoder.end(linesBefore);
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
