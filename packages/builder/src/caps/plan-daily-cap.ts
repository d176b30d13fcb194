/** A row of the daily cap table: applies from warm-up day `fromDay` on. */
export interface DailyCapRow {
  fromDay: number;
  cap: number;
}

/** Never more than ~4,000 a day (the runbook's hard rule; collapses came from 17k–29k spikes). */
export const HARD_DAILY_CEILING = 4000;

/** The runbook's ramp as daily totals: days 0–1 ~500, 2–3 ~1,500, 4–6 ~2,500, 7+ ~3,000. */
export const DEFAULT_DAILY_CAPS: readonly DailyCapRow[] = [
  { fromDay: 0, cap: 500 },
  { fromDay: 2, cap: 1500 },
  { fromDay: 4, cap: 2500 },
  { fromDay: 7, cap: 3000 },
];

/** The day's total cap: the row with the greatest fromDay ≤ warm-up day, under the ceiling (≤ 4,000). */
export function planDailyCap(
  table: readonly DailyCapRow[],
  warmupDay: number,
  ceiling = HARD_DAILY_CEILING,
): number {
  let cap = 0;
  let best = -1;
  for (const row of table) {
    if (row.fromDay <= warmupDay && row.fromDay > best) {
      best = row.fromDay;
      cap = row.cap;
    }
  }
  return Math.max(0, Math.min(cap, ceiling, HARD_DAILY_CEILING));
}
