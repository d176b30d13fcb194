import { type DayRange, getHourlyCap } from './day-table.js';
import type { RampHold } from './holds-repository.js';

/** The Listmonk settings keys the ramp cap owns. */
export const RAMP_SETTING_KEYS = [
  'app.message_sliding_window',
  'app.message_sliding_window_duration',
  'app.message_sliding_window_rate',
  'app.message_rate',
] as const;

/** The values rampcap wants for {@link RAMP_SETTING_KEYS}. */
export interface RampSettings {
  'app.message_sliding_window': true;
  'app.message_sliding_window_duration': '1h';
  'app.message_sliding_window_rate': number;
  'app.message_rate': number;
}

/** One stream's ramp cap for a day. */
export interface RampCapPlan {
  day: number;
  /** What the hourly-cap table says for the day. */
  tableCap: number;
  /** The cap to enforce: the table's, or the hold's rate when a hold applies (never above the table). */
  cap: number;
  /** The hold that applies on the date, if any. */
  hold?: RampHold | undefined;
}

/**
 * The hourly cap for a day: the table's value, frozen at a hold's rate while the hold applies. A
 * hold never raises the cap (a hold set on day 8 at 200/h stays ≤ the table if the start is reset).
 */
export function planRampCap(input: {
  hourlyCap: readonly DayRange[];
  day: number;
  hold?: RampHold | undefined;
}): RampCapPlan {
  const tableCap = getHourlyCap(input.hourlyCap, input.day);
  const cap = input.hold === undefined ? tableCap : Math.min(tableCap, input.hold.rate);
  return { day: input.day, tableCap, cap, ...(input.hold === undefined ? {} : { hold: input.hold }) };
}

/**
 * The Listmonk sliding-window settings for an hourly cap: the window on, one hour long, `cap`
 * messages per window, and a matching `app.message_rate` — per worker per second, so the smallest
 * whole rate with which `concurrency` workers can still send `cap` within the hour (in practice 1:
 * the slowest Listmonk allows, so the window's allowance does not leave in one burst).
 */
export function planRampSettings(cap: number, concurrency: number): RampSettings {
  const workers = Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 1;
  return {
    'app.message_sliding_window': true,
    'app.message_sliding_window_duration': '1h',
    'app.message_sliding_window_rate': cap,
    'app.message_rate': Math.max(1, Math.ceil(cap / 3600 / workers)),
  };
}

/** The ramp keys whose current value differs from the wanted one, with both values. */
export function listRampSettingChanges(
  current: Readonly<Record<string, unknown>>,
  wanted: RampSettings,
): { key: (typeof RAMP_SETTING_KEYS)[number]; from: unknown; to: unknown }[] {
  return RAMP_SETTING_KEYS.filter((key) => !sameSetting(current[key], wanted[key])).map((key) => ({
    key,
    from: current[key],
    to: wanted[key],
  }));
}

// Listmonk stores numbers and booleans as JSON; older versions echo some back as strings, and a
// Go duration may come back spelt differently ("1h0m0s", "60m").
function sameSetting(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = goDurationMs(a);
    return x !== undefined && x === goDurationMs(b);
  }
  if (typeof b === 'number') return typeof a === 'string' && a.trim() !== '' && Number(a) === b;
  if (typeof b === 'boolean') return a === String(b);
  return false;
}

/** Milliseconds in a Go duration string such as `1h`, `90m`, `1h0m0s`; undefined when it is not one. */
export function goDurationMs(text: string): number | undefined {
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 0.000001,
  };
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, value, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(value) * units[unit!]!;
  }
  return total;
}
