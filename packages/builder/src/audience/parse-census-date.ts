/** The date layouts the public audience files use. */
export const DATE_FORMATS = ['DD-MON-YY', 'YYYYMMDD', 'ISO', 'MM/DD/YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** A parsed date: a calendar date `YYYY-MM-DD`, nothing (empty field), or why it was refused. */
export type DateParse = { ok: true; date: string | null } | { ok: false; reason: string };

/** Options for {@link parseCensusDate}. */
export interface DateParseOptions {
  /** Which layouts this field may use; anything else is refused. */
  formats: readonly DateFormat[];
  /**
   * Two-digit years up to and including the pivot are 20YY, later ones 19YY (`DD-MON-YY` only).
   * With pivot 26, `15-JAN-26` is 2026 and `15-JAN-27` is 1927. Usually the current year's two digits,
   * so no census date lands in the future.
   */
  yearPivot: number;
}

const MONTHS: Readonly<Record<string, number>> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

const DD_MON_YY = /^(\d{1,2})-([A-Za-z]{3})-(\d{2})$/;
const YYYYMMDD = /^(\d{4})(\d{2})(\d{2})$/;
// The open-data API's floating timestamps (`2019-01-15T00:00:00.000`), with or without a zone: the
// calendar date as written is the record's date.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * Parses a date field of a census or provider file into `YYYY-MM-DD`, accepting only the layouts
 * named in `formats` and only real calendar dates (no 31-APR).
 *
 * @example
 * parseCensusDate('15-JAN-19', { formats: ['DD-MON-YY'], yearPivot: 26 }); // { ok: true, date: '2019-01-15' }
 */
export function parseCensusDate(text: string, options: DateParseOptions): DateParse {
  const value = text.trim();
  if (value === '') return { ok: true, date: null };
  for (const format of options.formats) {
    const parts = matchFormat(format, value, options.yearPivot);
    if (parts === undefined) continue;
    const [y, m, d] = parts;
    if (!isCalendarDate(y, m, d)) return { ok: false, reason: `${value} is not a calendar date` };
    return { ok: true, date: `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}` };
  }
  return { ok: false, reason: `${value} is not a date in ${options.formats.join(' or ')} form` };
}

function matchFormat(format: DateFormat, value: string, pivot: number): [number, number, number] | undefined {
  switch (format) {
    case 'DD-MON-YY': {
      const m = DD_MON_YY.exec(value);
      const month = m && MONTHS[m[2]!.toUpperCase()];
      if (!m || month === undefined || month === null) return undefined;
      const yy = Number(m[3]);
      return [yy <= pivot ? 2000 + yy : 1900 + yy, month, Number(m[1])];
    }
    case 'YYYYMMDD': {
      const m = YYYYMMDD.exec(value);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
    }
    case 'ISO': {
      const m = ISO.exec(value);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
    }
    case 'MM/DD/YYYY': {
      const m = US.exec(value);
      return m ? [Number(m[3]), Number(m[1]), Number(m[2])] : undefined;
    }
  }
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1800 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
