import { type Database, scrubSecrets, secretsOfUrl } from '@mailramp/db';
import {
  type CronItem,
  Logger as GraphileLogger,
  type JobHelpers,
  parseCronItems,
  type Runner,
  run,
} from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createRunLedger } from './create-run-ledger.js';
import { createSlotRunner } from './create-slot-runner.js';
import { compileSchedule, listSlots } from './cron-slots.js';
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
import { holdWorkerLiveness, type WorkerLiveness } from './worker-liveness.js';

/** Options of {@link createPgScheduler}. */
export interface PgSchedulerOptions {
  /** The PostgreSQL URL graphile-worker connects to (the SDK's database). */
  connectionString: string;
  db: Kysely<Database>;
  jobs: readonly ScheduledJob[];
  logger: Logger;
  /** `host:pid` written in `service_runs.worker`. */
  worker: string;
  /** The clock (default: the system clock); graphile-worker then runs on Node's time (`useNodeTime`). */
  now?: () => Date;
  /** Jobs run at once by this process (default 4; runs of one job never overlap). */
  concurrency?: number;
  /** How often graphile-worker polls for due jobs besides LISTEN/NOTIFY (default 2000 ms). */
  pollInterval?: number;
  /** How often running rows of other processes are checked for a dead owner (default 60 000 ms). */
  sweepInterval?: number;
}

interface CronPayload {
  _cron?: { ts?: string; backfilled?: boolean };
}

/**
 * The scheduler on PostgreSQL: graphile-worker's cron, shared by any number of service processes.
 * Each job is one crontab item (identifier = job name, one attempt, no retries): graphile-worker
 * claims each timestamp once for all processes (its `known_crontabs.last_execution` is advanced by
 * the one insert that wins) and adds one job for it, which one worker locks and runs. At start-up it
 * back-fills the slots since `last_execution` (up to 7 days) as jobs marked `backfilled`: those are
 * the slots the service was down for, recorded `missed` — the newest run once for a `run-once` job.
 * The unique (job, slot) of `service_runs` is the last word whatever happens upstream.
 *
 * A run whose process died stays `running` until a living process sees its owner is gone: each
 * process holds a PostgreSQL advisory lock named after its `host:pid` on a session of its own for
 * as long as it lives (the server drops it with the connection when the process dies, on any host),
 * and a row whose owner's lock is free is closed `abandoned` — at start-up, every sweep, and before
 * a later slot of the same job runs.
 */
export async function createPgScheduler(options: PgSchedulerOptions): Promise<Scheduler> {
  const now = options.now ?? (() => new Date());
  const { logger, worker, db } = options;
  const ledger = createRunLedger(db, worker, now);
  const liveness: WorkerLiveness = await holdWorkerLiveness(db, worker);
  const closeDead = async (job?: string) => {
    const running = await ledger.listRunning(job);
    const dead = [];
    for (const run of running) {
      // A row of this very host:pid is a dead predecessor's: this process has not run anything yet.
      if (run.worker === worker ? !started : !(await liveness.isAlive(run.worker))) dead.push(run);
    }
    const closed = await ledger.abandon(
      dead,
      'the service process running it ended without closing it (killed, crashed or the host went away)',
    );
    if (closed > 0) {
      logger.warn(
        { runs: dead.map((r) => ({ job: r.job, slot: r.slot, worker: r.worker })) },
        'runs abandoned',
      );
    }
  };
  let started = false;
  await closeDead();
  started = true;
  // A back-filled slot the job's old schedule did not have (changed while the service was down) is
  // no downtime.
  const lastRunning = lastRunningSlot(await ledger.lastSlots());
  const runner = createSlotRunner(ledger, logger, { closeDead });

  const byName = new Map(
    options.jobs.map((job) => [job.name, { job, match: compileSchedule(job.name, job.schedule) }]),
  );
  const items: CronItem[] = options.jobs.map((job) => ({
    task: job.name,
    identifier: job.name,
    match: job.schedule,
    options: { backfillPeriod: MISSED_LOOKBACK_MS, maxAttempts: 1 },
  }));
  const taskList = Object.fromEntries(
    options.jobs.map((job) => [
      job.name,
      async (payload: unknown, helpers: JobHelpers) => {
        const cron = (payload as CronPayload)._cron;
        const entry = byName.get(job.name);
        if (cron?.ts === undefined || entry === undefined) {
          logger.error(
            { job: job.name, graphileJob: helpers.job.id },
            'a job without a cron timestamp; ignored',
          );
          return;
        }
        // A disabled job stays in the crontab so its slots keep being claimed: enabling it later
        // must not make the time it was off look like downtime.
        if (!job.enabled) return;
        const slot = new Date(cron.ts);
        try {
          if (cron.backfilled === true) {
            if (!couldBeDowntime(slot, lastRunning)) {
              logger.debug({ job: job.name, slot }, 'back-filled slot while the service ran: not missed');
              return;
            }
            const newest = listSlots(entry.match, slot, now()).length === 0;
            if (decideMissedSlot(job, slot, newest, now()) === 'missed') {
              await recordMissedSlot(ledger, job, slot, logger);
              return;
            }
          }
          await runner.run(job, slot);
        } catch (error) {
          logger.error({ job: job.name, slot, error: String(error) }, 'run could not be recorded');
        }
      },
    ]),
  );

  const secrets = secretsOfUrl(options.connectionString);
  const scrub = (text: string) => scrubSecrets(text, secrets);
  const graphileLogger = new GraphileLogger(() => (level, message, meta) => {
    const line = {
      graphile: true,
      ...(meta?.error === undefined ? {} : { error: scrub(String(meta.error)) }),
    };
    if (level === 'error') logger.error(line, scrub(message));
    else if (level === 'warning') logger.warn(line, scrub(message));
    else logger.debug(line, scrub(message));
  });
  const graphile: Runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollInterval ?? 2000,
    noHandleSignals: true,
    useNodeTime: true,
    logger: graphileLogger,
    taskList,
    parsedCronItems: parseCronItems(items),
  });

  const sweep = setInterval(() => {
    closeDead().catch((error: unknown) =>
      logger.error({ error: String(error) }, 'abandoned-run sweep failed'),
    );
  }, options.sweepInterval ?? 60_000);
  logger.info(
    { worker, engine: 'postgres', jobs: options.jobs.filter((j) => j.enabled).map((j) => j.name) },
    'scheduler started',
  );

  return {
    worker,
    async runNow(job, slot) {
      const { id } = await runner.startNow(job, slot);
      return { id };
    },
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      clearInterval(sweep);
      // graphile-worker stops its cron and its workers, and waits for the jobs in progress; the
      // runner bounds that wait and closes what is cut off.
      const stopping = graphile
        .stop()
        .catch((error: unknown) => logger.error({ error: String(error) }, 'graphile-worker stop failed'));
      await runner.drain(graceMs);
      await Promise.race([stopping, new Promise((r) => setTimeout(r, 1000))]);
      await liveness.release();
      logger.info({ worker }, 'scheduler stopped');
    },
  };
}
