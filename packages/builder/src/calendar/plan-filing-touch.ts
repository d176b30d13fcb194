import { addDays, businessDaysBefore, type IsoDate } from './calendar-date.js';

/** A filing calendar with a due date per cycle. */
export type FilingCalendar = 'ifta' | 'ucr';

/** Which touch of which cycle a build date falls in. */
export interface FilingTouch {
  /** Cycle id, e.g. `ifta:2026-07-31`, `ucr:2026`: touch state resets when it changes. */
  cycle: string;
  dueDate: IsoDate;
  /** 1-based touch number: 1 soft, 2 urgent, 3 last chance. */
  touch: number;
  /** The date the touch opened. */
  touchDate: IsoDate;
}

/** IFTA quarterly returns: Apr 30, Jul 31, Oct 31, Jan 31. UCR: before Jan 1, i.e. Dec 31. */
function dueDatesAround(calendar: FilingCalendar, year: number): IsoDate[] {
  if (calendar === 'ucr') return [`${year}-12-31`, `${year + 1}-12-31`];
  return [`${year}-01-31`, `${year}-04-30`, `${year}-07-31`, `${year}-10-31`, `${year + 1}-01-31`];
}

function cycleId(calendar: FilingCalendar, dueDate: IsoDate): string {
  return calendar === 'ucr' ? `ucr:${dueDate.slice(0, 4)}` : `ifta:${dueDate}`;
}

/**
 * The touch a build date falls in, or undefined outside every reminder window. Touch n opens
 * `touchBusinessDays[n-1]` business days before the due date and lasts until the next touch opens
 * (or through the due date), so a missed cron day sends the current touch late rather than never.
 *
 * @example
 * planFilingTouch('2026-07-17', 'ifta', [10, 7, 4]) // → { cycle: 'ifta:2026-07-31', touch: 1, … }
 */
export function planFilingTouch(
  date: IsoDate,
  calendar: FilingCalendar,
  touchBusinessDays: readonly number[],
): FilingTouch | undefined {
  const year = Number(date.slice(0, 4));
  for (const dueDate of dueDatesAround(calendar, year)) {
    if (dueDate < date) continue;
    const opens = touchBusinessDays.map((n) => businessDaysBefore(dueDate, n));
    let touch = 0;
    opens.forEach((open, i) => {
      if (date >= open) touch = i + 1;
    });
    if (touch === 0) return undefined;
    return {
      cycle: cycleId(calendar, dueDate),
      dueDate,
      touch,
      touchDate: opens[touch - 1] ?? addDays(date, 0),
    };
  }
  return undefined;
}
