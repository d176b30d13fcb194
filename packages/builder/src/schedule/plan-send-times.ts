import type { IsoDate } from '../calendar/calendar-date.js';
import { BuilderError } from '../errors.js';
import { localTimeToUtc } from './local-time-to-utc.js';
import { ZONE_GROUPS, type ZoneGroup } from './time-zones.js';

/** When the day's campaigns start. */
export interface SendTimeRules {
  date: IsoDate;
  /** Local morning hour and minute of each zone group (default 9:00). */
  morningHour: number;
  morningMinute: number;
  /** Every send_at must be at least this far in the future (Listmonk rejects a past one). */
  marginMinutes: number;
  /** --send-hour / --send-minute: one UTC time for every campaign instead of local mornings. */
  sendHour?: number | undefined;
  sendMinute?: number | undefined;
  /** --next-slot: move a past slot to the next future one instead of failing. */
  nextSlot?: boolean | undefined;
  now: Date;
}

/** One zone group's send_at, and the slot it was moved from by --next-slot. */
export interface SendSlot {
  sendAt: Date;
  movedFrom?: Date;
}

const QUARTER_HOUR = 15 * 60_000;

function hhmm(d: Date): string {
  return d.toISOString().slice(11, 16);
}

/** The first quarter hour at or after an instant. */
function nextQuarterHour(instant: number): Date {
  return new Date(Math.ceil(instant / QUARTER_HOUR) * QUARTER_HOUR);
}

/**
 * The send_at of each zone group: its local morning on the build date, or the --send-hour UTC time.
 * Every send_at must lie `marginMinutes` in the future; a past slot fails the whole build (before
 * Listmonk is touched) with a message naming the slot and the fixes, unless --next-slot moves it to
 * the earliest later zone's morning slot that is still ahead, or else the next quarter hour.
 *
 * @example
 * planSendTimes(['central'], { date: '2026-06-22', morningHour: 9, morningMinute: 0, marginMinutes: 10, now })
 */
export function planSendTimes(zones: readonly ZoneGroup[], rules: SendTimeRules): Map<ZoneGroup, SendSlot> {
  const earliest = rules.now.getTime() + rules.marginMinutes * 60_000;
  const slotOf = (zone: ZoneGroup): Date =>
    rules.sendHour !== undefined
      ? new Date(
          `${rules.date}T${String(rules.sendHour).padStart(2, '0')}:${String(rules.sendMinute ?? 0).padStart(2, '0')}:00Z`,
        )
      : localTimeToUtc(rules.date, ZONE_GROUPS[zone], rules.morningHour, rules.morningMinute);
  const ladder = (Object.keys(ZONE_GROUPS) as ZoneGroup[])
    .map(slotOf)
    .filter((d) => d.getTime() >= earliest)
    .sort((a, b) => a.getTime() - b.getTime());
  const slots = new Map<ZoneGroup, SendSlot>();
  const passed: Array<{ zone: ZoneGroup; at: Date }> = [];
  for (const zone of zones) {
    const at = slotOf(zone);
    if (at.getTime() >= earliest) {
      slots.set(zone, { sendAt: at });
      continue;
    }
    if (!rules.nextSlot) {
      passed.push({ zone, at });
      continue;
    }
    const later = ladder.find((d) => d.getTime() > at.getTime()) ?? nextQuarterHour(earliest);
    slots.set(zone, { sendAt: later, movedFrom: at });
  }
  if (passed.length > 0) {
    const suggestion = nextQuarterHour(earliest);
    const names = passed
      .map(
        ({ zone, at }) =>
          `${at.toISOString().slice(0, 16)}Z (${zone} ${rules.sendHour === undefined ? 'morning' : '--send-hour'})`,
      )
      .join(', ');
    const what = `send_at ${names} ${passed.length === 1 ? 'is' : 'are'} not at least ${rules.marginMinutes} min after now (${rules.now.toISOString().slice(0, 16)}Z); the build stopped before touching Listmonk.`;
    // --send-hour sets a time on the build date: on a date already over, no hour can be ahead.
    const dayOver = suggestion.toISOString().slice(0, 10) > rules.date;
    throw new BuilderError(
      'SLOT_PASSED',
      dayOver
        ? `${what} ${rules.date} is over: build today's date (leave out --date), or add --next-slot to send ${rules.date}'s campaigns today (${suggestion.toISOString().slice(0, 10)} ${hhmm(suggestion)}Z at the latest)`
        : `${what} Re-run with --send-hour ${suggestion.getUTCHours()} --send-minute ${suggestion.getUTCMinutes()} (UTC), ` +
            `or --next-slot to move past slots to the next future one (${hhmm(suggestion)}Z at the latest)`,
      // For callers that do not speak CLI flags (the HTTP API words its own advice from these).
      {
        details: {
          what,
          date: rules.date,
          dayOver,
          sendHour: suggestion.getUTCHours(),
          sendMinute: suggestion.getUTCMinutes(),
          latest: `${hhmm(suggestion)}Z`,
        },
      },
    );
  }
  return slots;
}
