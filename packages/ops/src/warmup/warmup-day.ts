import { OpsError } from '../errors.js';

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` (UTC) or an instant. */
export type DateLike = string | Date;

/** The UTC calendar date of a date or instant, as `YYYY-MM-DD`; throws INVALID_DATE for anything else. */
export function toUtcDate(value: DateLike): string {
  if (typeof value === 'string') {
    const d = new Date(`${value}T00:00:00Z`);
    if (!ISO_DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
      throw new OpsError('INVALID_DATE', `${JSON.stringify(value)} is not a date; expected YYYY-MM-DD`);
    }
    return value;
  }
  if (Number.isNaN(value.getTime())) throw new OpsError('INVALID_DATE', 'invalid Date');
  return value.toISOString().slice(0, 10);
}

/**
 * The warm-up day of `date` for a stream that started on `start`: whole UTC calendar days since the
 * start (day 0 is the start date itself), negative before it. Counting calendar days rather than
 * 86,400-second steps from the stamp's time of day makes the answer the same whenever in the day
 * cron (or a reboot) runs it.
 *
 * @example
 * warmupDay('2026-06-02', '2026-06-06'); // 4
 */
export function warmupDay(start: DateLike, date: DateLike): number {
  const from = Date.parse(`${toUtcDate(start)}T00:00:00Z`);
  const to = Date.parse(`${toUtcDate(date)}T00:00:00Z`);
  return Math.round((to - from) / DAY_MS);
}

/**
 * Parses a warm-up stamp file (pw-warmup-start: epoch seconds, as written by `date +%s`) into the
 * instant it holds.
 */
export function parseWarmupStamp(text: string, where = 'stamp file'): Date {
  const trimmed = text.trim();
  if (!/^\d{1,12}$/.test(trimmed)) {
    throw new OpsError(
      'INVALID_STAMP',
      `${where} must hold epoch seconds (e.g. the output of \`date +%s\`), found ${JSON.stringify(trimmed.slice(0, 40))}`,
    );
  }
  return new Date(Number(trimmed) * 1000);
}
