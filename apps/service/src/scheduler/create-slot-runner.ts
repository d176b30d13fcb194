import type { ServiceRunOutcome } from '@mailramp/db';
import type { Logger } from 'pino';
import { ServiceError } from '../errors.js';
import type { RunLedger } from './create-run-ledger.js';
import type { ScheduledJob } from './scheduled-job.js';

/** Runs slots and remembers the ones in progress, so a stopping service can wait for them. */
export interface SlotRunner {
  /**
   * Runs one slot of a job to exactly one row: claims it (`running`), runs the job, closes it
   * `ok` / `skipped` / `failed`. Undefined when the slot already had a row (another process ran it).
   * A slot whose job is still running an earlier slot is `skipped`: runs of one job never overlap.
   */
  run(job: ScheduledJob, slot: Date): Promise<ServiceRunOutcome | undefined>;
  /**
   * Starts a run outside the schedule (the HTTP API), recorded under `slot` like a scheduled one;
   * resolves once its row is open. Refused with `JOB_BUSY` while the job has a run going.
   */
  startNow(job: ScheduledJob, slot: Date): Promise<{ id: number; done: Promise<ServiceRunOutcome> }>;
  /** Runs in progress. */
  readonly active: number;
  /**
   * Waits for the runs in progress, at most `graceMs`; then aborts them and closes their rows
   * `abandoned` (a late finish no longer changes a closed row).
   */
  drain(graceMs: number): Promise<void>;
}

/**
 * An error as one line for `service_runs.error` and the log: its code when it has one, its message,
 * then each `cause` below it (`…: connect ECONNREFUSED 127.0.0.1:19101`), so the run row says why
 * without a person re-running the job by hand.
 */
export function describeRunError(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < 8) {
    seen.add(current);
    if (!(current instanceof Error)) {
      parts.push(String(current));
      break;
    }
    const code = (current as { code?: unknown }).code;
    const text =
      typeof code === 'string' && !current.message.includes(code)
        ? `${code}: ${current.message}`
        : current.message;
    if (text !== '' && !parts.some((p) => p.includes(text))) parts.push(text);
    current = current.cause;
  }
  return parts.join(': ');
}

/** A slot runner writing to `ledger`, logging each run's end as one JSON line. */
export function createSlotRunner(
  ledger: RunLedger,
  logger: Logger,
  hooks: {
    /** Closes the job's runs whose process is gone, before an earlier run is taken as still going. */
    closeDead?: (job: string) => Promise<void>;
  } = {},
): SlotRunner {
  const inFlight = new Map<
    number,
    { promise: Promise<unknown>; abort: AbortController; job: string; slot: Date }
  >();
  const execute = (job: ScheduledJob, slot: Date, id: number): Promise<ServiceRunOutcome> => {
    const abort = new AbortController();
    const started = Date.now();
    const promise = (async (): Promise<ServiceRunOutcome> => {
      try {
        const { outcome, summary, error } = await job.run({ slot, signal: abort.signal });
        await ledger.finish(id, outcome, summary, error);
        const line = { job: job.name, slot, outcome, ms: Date.now() - started, summary, error };
        if (outcome === 'failed') logger.error(line, 'run failed');
        else logger.info(line, 'run ended');
        return outcome;
      } catch (error) {
        const message = describeRunError(error);
        await ledger.finish(id, 'failed', {}, message);
        logger.error(
          { job: job.name, slot, outcome: 'failed', ms: Date.now() - started, error: message },
          'run failed',
        );
        return 'failed';
      }
    })();
    inFlight.set(id, { promise, abort, job: job.name, slot });
    return promise.finally(() => inFlight.delete(id));
  };
  return {
    get active() {
      return inFlight.size;
    },
    async run(job, slot) {
      const id = await ledger.claim(job.name, slot);
      if (id === undefined) {
        logger.debug({ job: job.name, slot }, 'slot already taken');
        return undefined;
      }
      const findEarlier = async () =>
        (await ledger.listRunning(job.name)).find((r) => r.id !== id && r.slot < slot);
      let earlier = await findEarlier();
      if (earlier !== undefined && hooks.closeDead !== undefined) {
        await hooks.closeDead(job.name);
        earlier = await findEarlier();
      }
      if (earlier !== undefined) {
        const summary = {
          reason: `the run of ${earlier.slot.toISOString()} is still going (${earlier.worker ?? 'unknown worker'}); runs of one job never overlap`,
        };
        await ledger.finish(id, 'skipped', summary);
        logger.warn({ job: job.name, slot, outcome: 'skipped', ...summary }, 'run skipped');
        return 'skipped';
      }
      return execute(job, slot, id);
    },
    async startNow(job, slot) {
      if (hooks.closeDead !== undefined) await hooks.closeDead(job.name);
      const going = await ledger.listRunning(job.name);
      if (going[0] !== undefined) {
        throw new ServiceError(
          'JOB_BUSY',
          `${job.name} is running (slot ${going[0].slot.toISOString()}, ${going[0].worker ?? 'unknown worker'}); wait for it to end (GET /api/runs)`,
        );
      }
      const id = await ledger.claim(job.name, slot);
      if (id === undefined)
        throw new ServiceError('JOB_BUSY', `${job.name} already has a run at ${slot.toISOString()}`);
      return { id, done: execute(job, slot, id) };
    },
    async drain(graceMs) {
      if (inFlight.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      const all = Promise.allSettled([...inFlight.values()].map((r) => r.promise));
      const first = await Promise.race([all, expired]);
      clearTimeout(timer);
      if (first !== 'expired') return;
      const cut = [...inFlight.entries()];
      for (const [, run] of cut) run.abort.abort(new Error('the service is stopping'));
      const closed = await ledger.abandon(
        cut.map(([id, r]) => ({ id, job: r.job, slot: r.slot, worker: null })),
        `the service stopped ${Math.round(graceMs / 1000)} s after SIGTERM with the run still going; a build resumes through its ledger`,
      );
      logger.warn({ runs: cut.map(([, r]) => r.job), closed }, 'runs cut off by the stop');
    },
  };
}
