import type { OnMissed } from '@mailramp/config';

/** A JSON object: what a run stores in `service_runs.summary`. */
export type RunSummary = { [key: string]: unknown };

/**
 * How a run ended: `skipped` when its preconditions are absent (the reason in the summary), `failed`
 * with an error when it ran and a person must act. A job that throws ends `failed` too.
 */
export interface JobOutcome {
  outcome: 'ok' | 'skipped' | 'failed';
  summary: RunSummary;
  error?: string | undefined;
}

/** What a job is given for one slot. */
export interface JobContext {
  /** The slot (the cron timestamp) this run is for. */
  slot: Date;
  /** Aborted when the service stops and the run's grace period is over. */
  signal: AbortSignal;
}

/** One job the scheduler runs: its schedule and what it does. A job that throws ends `failed`. */
export interface ScheduledJob {
  name: string;
  /** Five-field cron expression, UTC. */
  schedule: string;
  enabled: boolean;
  onMissed: OnMissed;
  run(context: JobContext): Promise<JobOutcome>;
}

/** The scheduler of a running service, PostgreSQL's (graphile-worker) or PGlite's (in process). */
export interface Scheduler {
  /** Who runs here, as written in `service_runs.worker`: `host:pid`. */
  readonly worker: string;
  /**
   * Starts a run outside the schedule (the HTTP API), recorded under `slot` like a scheduled one;
   * resolves once its row is open. Refused with `JOB_BUSY` while the job has a run going.
   */
  runNow(job: ScheduledJob, slot: Date): Promise<{ id: number }>;
  /**
   * Stops taking slots and waits for the runs in progress, at most `graceMs`; a run still going
   * then is aborted and recorded `abandoned` (a build resumes through its ledger next time).
   */
  stop(graceMs?: number): Promise<void>;
}

/** How long a stopping service waits for a run in progress (systemd's TimeoutStopSec is 90 s). */
export const DEFAULT_STOP_GRACE_MS = 60_000;

/** How far back a start-up looks for slots the service was down for. */
export const MISSED_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;
