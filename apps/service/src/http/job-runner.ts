import type { BuildOptions } from 'mailramp';

/**
 * What the HTTP API asks of the scheduler: run a job now, or a live build. The scheduler implements
 * it (`start-service.ts` wires the two), so an API run is recorded in `service_runs` like a
 * scheduled one and serialized with it.
 */
export interface JobRunner {
  /** The jobs the scheduler runs (from the config): anything else is an unknown job. */
  jobNames(): readonly string[];
  /** Starts job `name` now, outside its schedule; resolves once it is queued or started. */
  runJob(name: string): Promise<JobRunStarted>;
  /** Starts a live build of `vertical` for `date` (YYYY-MM-DD; default today, UTC). */
  runBuild(options: LiveBuildOptions): Promise<JobRunStarted>;
}

/** A live build asked for through the API. */
export interface LiveBuildOptions {
  vertical: BuildOptions['vertical'];
  date?: string | undefined;
  /** Past send times move to the next future slot; or one UTC send time for every campaign. */
  nextSlot?: boolean | undefined;
  sendHour?: number | undefined;
  sendMinute?: number | undefined;
  /** Push although the pre-flight gate refuses: why, and who (recorded in build_runs.options). */
  force?: BuildOptions['force'];
}

/** A run the scheduler accepted: the caller follows it in `GET /api/runs?job=…`. */
export interface JobRunStarted {
  job: string;
  /** The slot the run is recorded under (`service_runs.slot`). */
  slot: Date;
  /** The scheduler's id for it (the run row's or the queue's), when it has one. */
  id?: string | undefined;
}
