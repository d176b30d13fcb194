import { CsvError, parse } from 'csv-parse/sync';

/** A record read before the first error, with the line it ended on. */
export interface GoCsvRecord {
  fields: string[];
  line: number;
}

/** What Go's `csv.Reader` yields for a whole input: the records up to the first fatal error. */
export interface GoCsvResult {
  records: GoCsvRecord[];
  /**
   * The error `Read()` returned and that is not `ErrFieldCount` (which Listmonk skips): a bare
   * quote in an unquoted field, text after a closing quote, an unclosed quote, a bad delimiter.
   */
  error?: string;
}

/**
 * Reads CSV as Go's `encoding/csv` Reader does with Listmonk's settings (`Comma` = the delimiter,
 * everything else default): RFC 4180 quoting with doubled quotes, LazyQuotes off (a bare `"` in an
 * unquoted field, or anything but a delimiter or line end after a closing quote, is an error that
 * ends the read), `\n` or `\r\n` line ends (`\r\n` inside a quoted field becomes `\n`), empty lines
 * skipped, spaces kept. Records with another field count than the first are returned as they are;
 * Go marks them `ErrFieldCount` and Listmonk skips them, which the caller decides.
 */
export function readGoCsv(text: string, delim: string): GoCsvResult {
  const records: GoCsvRecord[] = [];
  // Go refuses these as Comma (errInvalidDelim) before reading anything.
  if (delim.length !== 1 || delim === '"' || delim === '\r' || delim === '\n' || delim === '\ufffd') {
    return { records, error: 'csv: invalid field or comment delimiter' };
  }
  try {
    parse(text, {
      delimiter: delim,
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n'],
      relax_quotes: false,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: false,
      on_record: (record: string[], context) => {
        records.push({ fields: record.map((f) => f.replaceAll('\r\n', '\n')), line: context.lines });
        return null;
      },
    });
    return { records };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return { records, error: `parse error on line ${String(error.lines ?? '?')}: ${error.message}` };
  }
}
