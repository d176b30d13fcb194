import type { Logger } from 'pino';
import type { RunLedger } from './create-run-ledger.js';
import type { ScheduledJob } from './scheduled-job.js';

/** What a missed slot's row says. */
export const MISSED_SUMMARY = { reason: 'the service was not running at this slot' };

/**
 * A slot found at start-up less than this long ago is run late rather than recorded missed:
 * graphile-worker's own cron fires an overdue minute up to a minute late, and a process starting
 * in the second after a slot (or racing another's start for it) was not down for it.
 */
export const LATE_SLOT_MS = 60_000;

/**
 * What becomes of a slot found at start-up that nobody ran: `run` when it is less than
 * {@link LATE_SLOT_MS} old, or when it is the newest missed slot (`newest`: no slot of the job has
 * come since) of a `run-once` job; `missed` otherwise.
 */
export function decideMissedSlot(
  job: Pick<ScheduledJob, 'onMissed'>,
  slot: Date,
  newest: boolean,
  now: Date,
): 'run' | 'missed' {
  if (now.getTime() - slot.getTime() < LATE_SLOT_MS) return 'run';
  return job.onMissed === 'run-once' && newest ? 'run' : 'missed';
}

/**
 * The newest slot any job has a run row for (ms), read at start-up: the service was running up to
 * that minute. Undefined when no job has run yet.
 */
export function lastRunningSlot(last: ReadonlyMap<string, Date>): number | undefined {
  return last.size === 0 ? undefined : Math.max(...[...last.values()].map((d) => d.getTime()));
}

/**
 * Whether a slot found at start-up that nobody ran can be downtime: not before the service's last
 * running minute (then the job was disabled, or its schedule then had no such slot); that minute
 * itself can be, as the process may have ended before it reached the job.
 */
export function couldBeDowntime(slot: Date, lastRunning: number | undefined): boolean {
  return lastRunning === undefined || slot.getTime() >= lastRunning;
}

/** Records a job's missed slot, logging it; false when the slot already had a row. */
export async function recordMissedSlot(
  ledger: RunLedger,
  job: ScheduledJob,
  slot: Date,
  logger: Logger,
): Promise<boolean> {
  const recorded = await ledger.recordMissed(job.name, slot, MISSED_SUMMARY);
  if (recorded)
    logger.warn({ job: job.name, slot, outcome: 'missed' }, 'slot missed while the service was down');
  return recorded;
}
