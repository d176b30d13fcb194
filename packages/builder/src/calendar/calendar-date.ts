import { allForYear } from '@18f/us-federal-holidays';

/** A calendar date as 'YYYY-MM-DD' (no time zone), the way @mailramp/db returns date columns. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when the text is a real calendar date 'YYYY-MM-DD'. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumberOf(date: IsoDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

/** The calendar date of a day number. */
export function dateOfDayNumber(day: number): IsoDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The date `days` days after (or before, when negative) `date`. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return dateOfDayNumber(dayNumberOf(date) + days);
}

/** The date `months` calendar months after `date`, clamped to the month's last day. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

/** The last day of a month (month 1–12). */
export function endOfMonth(year: number, month: number): IsoDate {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** US federal holidays of each year asked for, as observed. */
const federalHolidays = new Map<number, ReadonlySet<IsoDate>>();

/**
 * True on a US federal holiday as OPM observes it (one on a Saturday is off the Friday before, one on
 * a Sunday the Monday after; New Year's Day 2022 was observed on 2021-12-31). From
 * `@18f/us-federal-holidays`.
 */
export function isFederalHoliday(date: IsoDate): boolean {
  const year = Number(date.slice(0, 4));
  let observed = federalHolidays.get(year);
  if (observed === undefined) {
    // Next year's New Year's Day may be observed on this year's December 31.
    observed = new Set(
      [...allForYear(year), ...allForYear(year + 1)]
        .map((h) => h.dateString)
        .filter((d) => d.startsWith(`${year}-`)),
    );
    federalHolidays.set(year, observed);
  }
  return observed.has(date);
}

/** True on Monday–Friday except US federal holidays: the days filing offices count. */
export function isBusinessDay(date: IsoDate): boolean {
  const w = weekdayOf(date);
  return w !== 0 && w !== 6 && !isFederalHoliday(date);
}

/** The business day `n` business days before `date` (n ≥ 1). */
export function businessDaysBefore(date: IsoDate, n: number): IsoDate {
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, -1);
    if (isBusinessDay(day)) left -= 1;
  }
  return day;
}

/** The UTC calendar date of an instant. */
export function isoDateOf(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}
