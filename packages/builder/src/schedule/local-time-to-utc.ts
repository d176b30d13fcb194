import type { IsoDate } from '../calendar/calendar-date.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetMinutes(instant: number, zone: string): number {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - instant) / 60_000);
}

/**
 * The instant a wall-clock time on a date happens in an IANA zone (DST-aware).
 *
 * @example
 * localTimeToUtc('2026-06-22', 'America/Chicago', 9, 0) // 2026-06-22T14:00:00Z
 */
export function localTimeToUtc(date: IsoDate, zone: string, hour: number, minute: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  let guess = wall - offsetMinutes(wall, zone) * 60_000;
  guess = wall - offsetMinutes(guess, zone) * 60_000;
  return new Date(guess);
}
