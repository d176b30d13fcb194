import type { ImportProblem } from './import-summary.js';
import type { CsvRecord } from './read-csv-records.js';

/** The index of the first header cell matching one of `names` (case-insensitive), or undefined. */
export function findColumn(header: readonly string[], names: readonly string[]): number | undefined {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const i = header.findIndex((h) => wanted.has(h.trim().toLowerCase()));
  return i === -1 ? undefined : i;
}

/** A trimmed field, or null when empty or absent. */
export function textAt(record: CsvRecord, index: number | undefined): string | null {
  if (index === undefined) return null;
  const v = record.fields[index]?.trim() ?? '';
  return v === '' ? null : v;
}

/** A non-negative whole number field: number, null when empty, undefined when not a number. */
export function countAt(record: CsvRecord, index: number | undefined): number | null | undefined {
  const v = textAt(record, index);
  if (v === null) return null;
  if (!/^\d{1,9}$/.test(v)) return undefined;
  return Number(v);
}

// No control character anywhere (\s leaves out NUL, ESC and DEL): PostgreSQL refuses a NUL in text, and
// a terminal acts on the rest when the address is printed.
const EMAIL =
  /^[^\s@,;<>"()[\]\\\u0000-\u001f\u007f-\u009f]+@[^\s@,;<>"()[\]\\\u0000-\u001f\u007f-\u009f]+\.[^\s@,;<>"()[\]\\.\u0000-\u001f\u007f-\u009f]{2,}$/;

/** A lower-cased, trimmed address when it looks like one address; undefined when it does not. */
export function readEmail(text: string | null): string | null | undefined {
  if (text === null) return null;
  const v = text.trim().toLowerCase();
  if (v === '') return null;
  return EMAIL.test(v) && !v.includes('..') ? v : undefined;
}

/**
 * Why a record cannot be read as a row of a file whose header has `width` fields: a quote that never
 * closes, or a different number of fields (a trailing empty extra field is tolerated). Undefined when fine.
 */
export function shapeProblem(record: CsvRecord, width: number): ImportProblem | undefined {
  const line = record.line;
  if (record.unterminatedQuote)
    return { line, reason: 'unterminated_quote', detail: 'a quoted field never closes' };
  const n = record.count ?? record.fields.length;
  if (n === width || (n === width + 1 && record.fields[width] === '')) return undefined;
  return { line, reason: 'field_count', detail: `${n} fields where the header has ${width}` };
}
