import { type CronMatcher, parseCronItem } from 'graphile-worker';

const MINUTE = 60_000;

/**
 * A job's cron expression as graphile-worker's own matcher (the same parser its cron uses on
 * PostgreSQL, so both engines agree on which minutes are slots). Throws a message naming the job.
 */
export function compileSchedule(job: string, schedule: string): CronMatcher {
  return parseCronItem({ task: job, match: schedule }, `service.jobs.${job}.schedule "${schedule}"`).match;
}

/** Whether a minute is a slot of the schedule (UTC, as graphile-worker digests it). */
export function isSlot(match: CronMatcher, minute: Date): boolean {
  return match({
    min: minute.getUTCMinutes(),
    hour: minute.getUTCHours(),
    date: minute.getUTCDate(),
    month: minute.getUTCMonth() + 1,
    dow: minute.getUTCDay(),
  });
}

/** The start of the minute a time falls in. */
export function floorToMinute(time: Date): Date {
  return new Date(time.getTime() - (time.getTime() % MINUTE));
}

/** The schedule's slots after `after` (exclusive) and before `before` (exclusive), oldest first. */
export function listSlots(match: CronMatcher, after: Date, before: Date): Date[] {
  const slots: Date[] = [];
  for (let t = floorToMinute(after).getTime() + MINUTE; t < before.getTime(); t += MINUTE) {
    const minute = new Date(t);
    if (isSlot(match, minute)) slots.push(minute);
  }
  return slots;
}
