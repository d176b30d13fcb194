import { addDays, addMonths, dayNumberOf, endOfMonth, type IsoDate } from './calendar-date.js';

/** The MCS-150 filing month of a USDOT number: last digit 1–9 → Jan–Sep, 0 → Oct (49 CFR 390.19). */
export function mcs150MonthOf(dotNumber: number): number {
  const last = dotNumber % 10;
  return last === 0 ? 10 : last;
}

/**
 * Whether a USDOT number files in even years: the next-to-last digit's parity (even digit → even
 * years). A one-digit number has no next-to-last digit and counts as 0 (even years).
 */
export function mcs150FilesInEvenYears(dotNumber: number): boolean {
  return Math.floor(dotNumber / 10) % 2 === 0;
}

/** The next biennial MCS-150 deadline (end of the filing month, in a matching year) on or after `date`. */
export function nextMcs150Due(dotNumber: number, date: IsoDate): IsoDate {
  const month = mcs150MonthOf(dotNumber);
  const even = mcs150FilesInEvenYears(dotNumber);
  let year = Number(date.slice(0, 4)) - 1;
  for (;;) {
    if ((year % 2 === 0) === even) {
      const due = endOfMonth(year, month);
      if (due >= date) return due;
    }
    year += 1;
  }
}

/**
 * The last MCS-150 filing date that still leaves a carrier due or overdue on `date`, for each
 * class `dot_number % 20` (last digit × tens-digit parity), so SQL needs one CASE, not date math
 * per row.
 *
 * A filing counts for a deadline when made in the 12 months up to it (or later). So a carrier is
 * overdue when it has not filed since 12 months before its last deadline, and due soon when its
 * next deadline is within `dueSoonDays` and it has not filed since 12 months before that one.
 */
export function planMcs150Cutoffs(date: IsoDate, dueSoonDays: number): IsoDate[] {
  const cutoffs: IsoDate[] = [];
  for (let cls = 0; cls < 20; cls += 1) {
    const next = nextMcs150Due(cls, date);
    const last = addMonths(next, -24);
    const dueSoon = dayNumberOf(next) - dayNumberOf(date) <= dueSoonDays;
    cutoffs.push(addDays(addMonths(dueSoon ? next : last, -12), 0));
  }
  return cutoffs;
}

/** The due date a carrier is reminded of on `date`: the next deadline when due soon, else the last one. */
export function mcs150DueDateOf(dotNumber: number, date: IsoDate, dueSoonDays: number): IsoDate {
  const next = nextMcs150Due(dotNumber, date);
  return dayNumberOf(next) - dayNumberOf(date) <= dueSoonDays ? next : addMonths(next, -24);
}
