import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createRunLedger } from './create-run-ledger.js';
import { createSlotRunner } from './create-slot-runner.js';
import { compileSchedule, floorToMinute, isSlot, listSlots } from './cron-slots.js';
import {
  couldBeDowntime,
  decideMissedSlot,
  lastRunningSlot,
  recordMissedSlot,
} from './record-missed-slots.js';
import {
  DEFAULT_STOP_GRACE_MS,
  MISSED_LOOKBACK_MS,
  type ScheduledJob,
  type Scheduler,
} from './scheduled-job.js';

const MINUTE = 60_000;

/** Options of {@link createLocalScheduler}. */
export interface LocalSchedulerOptions {
  db: Kysely<Database>;
  jobs: readonly ScheduledJob[];
  logger: Logger;
  /** `host:pid` written in `service_runs.worker`. */
  worker: string;
  /** The clock (default: the system clock). */
  now?: () => Date;
  /** Do not start the minute timer: the caller drives {@link LocalScheduler.tick} (tests). */
  manual?: boolean;
}

/** The in-process scheduler, with the minute step exposed for tests. */
export interface LocalScheduler extends Scheduler {
  /** Runs every enabled job whose schedule matches this minute; resolves when those runs ended. */
  tick(minute: Date): Promise<void>;
  /** The start-up work (abandoned runs closed, missed slots recorded or run once) has finished. */
  readonly ready: Promise<void>;
}

/**
 * The scheduler on the embedded database (PGlite): one process — the data-directory lock refuses a
 * second — so one in-process minute timer gives each slot to exactly one run, and the unique
 * (job, slot) of `service_runs` stays the last word. At start-up every `running` row is a dead
 * process's (the lock holder is this process) and is closed `abandoned`; slots since a job's newest
 * row and since the service's newest row of any job (the time it ran with the job disabled is not
 * downtime) are `missed`, the newest of them run once when the job says `run-once`. Cron expressions are
 * matched by graphile-worker's own parser, as on PostgreSQL.
 */
export async function createLocalScheduler(options: LocalSchedulerOptions): Promise<LocalScheduler> {
  const now = options.now ?? (() => new Date());
  const { logger, worker } = options;
  const ledger = createRunLedger(options.db, worker, now);
  const runner = createSlotRunner(ledger, logger);
  const jobs = options.jobs
    .filter((j) => j.enabled)
    .map((job) => ({ job, match: compileSchedule(job.name, job.schedule) }));

  const left = await ledger.listRunning();
  const closed = await ledger.abandon(
    left,
    'the service process running it ended without closing it (killed, crashed or the host rebooted)',
  );
  if (closed > 0)
    logger.warn(
      { runs: left.map((r) => ({ job: r.job, slot: r.slot, worker: r.worker })) },
      'runs abandoned',
    );

  const startedAt = now();
  const last = await ledger.lastSlots();
  // A re-enabled job's slots while the service ran it disabled are no downtime.
  const lastRunning = lastRunningSlot(last);
  const runOnce: Array<Promise<unknown>> = [];
  for (const { job, match } of jobs) {
    const own = last.get(job.name);
    if (own === undefined) continue;
    const floor = new Date(startedAt.getTime() - MISSED_LOOKBACK_MS);
    const missed = listSlots(match, own > floor ? own : floor, startedAt).filter((slot) =>
      couldBeDowntime(slot, lastRunning),
    );
    for (const [i, slot] of missed.entries()) {
      if (decideMissedSlot(job, slot, i === missed.length - 1, startedAt) === 'run')
        runOnce.push(runner.run(job, slot));
      else await recordMissedSlot(ledger, job, slot, logger);
    }
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (minute: Date) => {
    const due = jobs.filter(({ match }) => isSlot(match, minute));
    await Promise.all(
      due.map(({ job }) =>
        runner.run(job, minute).catch((error: unknown) => {
          logger.error({ job: job.name, slot: minute, error: String(error) }, 'run could not be recorded');
        }),
      ),
    );
  };
  // As graphile-worker's cron: the first slot is the next whole minute; a late timer catches up.
  let next = new Date(floorToMinute(startedAt).getTime() + (startedAt.getTime() % MINUTE === 0 ? 0 : MINUTE));
  const schedule = () => {
    if (stopped || options.manual) return;
    timer = setTimeout(loop, Math.max(next.getTime() - now().getTime() + 1, 1));
  };
  const loop = () => {
    timer = undefined;
    if (stopped) return;
    if (now().getTime() < next.getTime()) return schedule();
    while (!stopped && next.getTime() <= now().getTime()) {
      void tick(next);
      next = new Date(next.getTime() + MINUTE);
    }
    schedule();
  };
  schedule();
  logger.info({ worker, engine: 'pglite', jobs: jobs.map((j) => j.job.name) }, 'scheduler started');

  return {
    worker,
    ready: Promise.allSettled(runOnce).then(() => undefined),
    tick,
    async runNow(job, slot) {
      const { id } = await runner.startNow(job, slot);
      return { id };
    },
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await runner.drain(graceMs);
      logger.info({ worker }, 'scheduler stopped');
    },
  };
}
