import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { type AlarmEpisode, toAlarmEpisode } from '../maillog/alarm-episodes-repository.js';

/** One stored report day's DKIM figures. */
export interface DkimDay {
  day: string;
  signed: number;
  messages: number;
}

/** One stored alarm episode, as the gate reads it: the episode the service and dashboard read. */
export type StoredAlarm = AlarmEpisode;

/** What the stored report results say, for the gate. */
export interface GateFacts {
  /** report_days from the day 24 h ago through today, oldest first. */
  dkimDays: DkimDay[];
  /** The latest stored queue size, and until when its day's log was read. */
  queue?: { day: string; size: number; readAt: Date };
  /** Until when today's log was read into report_days; absent: no stored report covers today. */
  todayReadUntil?: Date;
  /** Today's deliveries per sending IP and hour (sent + bounced: messages that left or ended). */
  hours: Array<{ hour: number; ip: string; messages: number }>;
  /** bind_failure episodes seen since `bindFailureSince`, open or closed. */
  bindFailures: StoredAlarm[];
  /** Open critical alarms, whatever their scope. */
  openCritical: StoredAlarm[];
}

/** Reads the stored report results the gate decides from (report_days, report_hours, alarms). */
export async function readGateFacts(
  db: Kysely<Database>,
  options: { now: Date; bindFailureSince: Date },
): Promise<GateFacts> {
  const today = options.now.toISOString().slice(0, 10);
  const since = new Date(options.now.getTime() - 24 * 3_600_000).toISOString().slice(0, 10);
  const [days, queue, hours, bindFailures, openCritical] = await Promise.all([
    db
      .selectFrom('report_days')
      .select(['day', 'dkim_signed', 'dkim_messages', 'read_until', 'updated_at'])
      .where('day', '>=', since)
      .where('day', '<=', today)
      .orderBy('day')
      .execute(),
    db
      .selectFrom('report_days')
      .select(['day', 'queue_size', 'read_until', 'updated_at'])
      .where('queue_size', 'is not', null)
      .orderBy('day', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('report_hours')
      .select(['hour', 'ip', 'sent', 'bounced'])
      .where('day', '=', today)
      .execute(),
    db
      .selectFrom('alarms')
      .selectAll()
      .where('alarm', '=', 'bind_failure')
      .where('last_seen', '>=', options.bindFailureSince)
      .orderBy('last_seen', 'desc')
      .execute(),
    db
      .selectFrom('alarms')
      .selectAll()
      .where('status', '=', 'open')
      .where('severity', '=', 'critical')
      .orderBy('first_seen')
      .orderBy('id')
      .execute(),
  ]);
  const todayRow = days.find((d) => d.day === today);
  return {
    ...(todayRow === undefined ? {} : { todayReadUntil: todayRow.read_until ?? todayRow.updated_at }),
    dkimDays: days.map((d) => ({ day: d.day, signed: d.dkim_signed, messages: d.dkim_messages })),
    ...(queue === undefined || queue.queue_size === null
      ? {}
      : { queue: { day: queue.day, size: queue.queue_size, readAt: queue.read_until ?? queue.updated_at } }),
    hours: hours.map((h) => ({ hour: h.hour, ip: h.ip, messages: h.sent + h.bounced })),
    bindFailures: bindFailures.map(toAlarmEpisode),
    openCritical: openCritical.map(toAlarmEpisode),
  };
}
