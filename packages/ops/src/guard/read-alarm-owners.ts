import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { toUtcDate } from '../warmup/warmup-day.js';
import { isReplyAlarm, type OwnerStream, planAlarmOwners } from './plan-alarm-owners.js';

/** An open alarm episode as ownership reads it (its evidence as stored). */
export interface OwnedAlarm {
  alarm: string;
  scope: string;
  evidence: unknown;
  firstSeen: Date;
  lastSeen: Date;
}

/** The log days an alarm is about: its evidence's days, else the days it was seen on and the one before. */
export function alarmLogDays(
  days: Record<string, unknown> | undefined,
  firstSeen: Date,
  lastSeen: Date,
): string[] {
  const named = Object.keys(days ?? {});
  if (named.length > 0) return named;
  const out: string[] = [];
  for (let t = firstSeen.getTime() - 86_400_000; t <= lastSeen.getTime(); t += 86_400_000) {
    out.push(toUtcDate(new Date(t)));
  }
  const last = toUtcDate(lastSeen);
  return out.includes(last) ? out : [...out, last];
}

/**
 * The streams an open alarm concerns, as the guard's stop and the pre-flight gate both decide it: a
 * stream by name, by one of its IPs (current or retired), or — host-wide (scope '') — a reply alarm
 * traced through the stored report_outcomes of its days and its samples to the streams whose IPs
 * carried its replies (`planAlarmOwners()`); every stream when it names none of them or cannot
 * be traced, and for alarms about the host (the DKIM ratio).
 */
export async function readAlarmOwners(
  db: Kysely<Database>,
  alarm: OwnedAlarm,
  streams: readonly OwnerStream[],
): Promise<string[]> {
  const named = streams.filter((s) => s.name === alarm.scope || s.ips.includes(alarm.scope));
  if (named.length > 0) return named.map((s) => s.name);
  if (alarm.scope !== '' || !isReplyAlarm(alarm.alarm)) return streams.map((s) => s.name);
  const ev = (alarm.evidence ?? {}) as { days?: Record<string, unknown>; samples?: unknown };
  const days = alarmLogDays(ev.days, alarm.firstSeen, alarm.lastSeen);
  const outcomes = await db
    .selectFrom('report_outcomes')
    .select(['day', 'ip', 'outcome', 'reason'])
    .where('day', 'in', days)
    .where('outcome', '!=', 'accepted')
    .execute();
  const samples = Array.isArray(ev.samples) ? ev.samples.filter((x) => typeof x === 'string') : [];
  return planAlarmOwners(alarm.alarm, days, outcomes, samples, streams).streams;
}
