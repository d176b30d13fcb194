/** One row of a table by warm-up day (the config's `pool` and `hourlyCap`). */
export interface DayRange {
  from: number;
  to?: number | undefined;
  value: number;
}

/**
 * The value a day table gives for a warm-up day. Days before the start (negative) get day 0's value,
 * the smallest step of a ramp; the config guarantees the table covers every day from 0 on.
 */
export function dayTableValue(table: readonly DayRange[], day: number): number {
  const d = Math.max(0, Math.floor(day));
  const range = table.find((r) => d >= r.from && (r.to === undefined || d <= r.to));
  if (range === undefined) {
    throw new RangeError(`day table does not cover day ${d}; validate it with the config schema`);
  }
  return range.value;
}

/** The hourly ramp cap of a warm-up day. */
export function getHourlyCap(hourlyCap: readonly DayRange[], day: number): number {
  return dayTableValue(hourlyCap, day);
}

/** The rotation-pool size the table asks for on a warm-up day. */
export function getPoolSize(pool: readonly DayRange[], day: number): number {
  return dayTableValue(pool, day);
}
