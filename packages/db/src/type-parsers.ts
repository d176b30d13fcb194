/**
 * Value parsing shared by both engines so the same query returns the same JS values on PostgreSQL
 * and on PGlite: int8 → number (counts, USDOT numbers; all far below 2^53), date → 'YYYY-MM-DD'
 * string (a calendar date has no time zone; pg's default turns it into local midnight), numeric → number.
 */
export const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const;

export function parseInt8(value: string): number {
  return Number(value);
}

export function parseDate(value: string): string {
  return value;
}

export function parseNumeric(value: string): number {
  return Number(value);
}

export const TEXT_PARSERS: Record<number, (value: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.DATE]: parseDate,
  [OID.NUMERIC]: parseNumeric,
};
