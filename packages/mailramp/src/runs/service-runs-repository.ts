import type { Database, ServiceRun, ServiceRunOutcome } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** One run of a service job (table `service_runs`: one row per job × scheduled slot). */
export interface ServiceRunRecord {
  id: number;
  job: string;
  /** The scheduled slot the run belongs to. */
  slot: Date;
  outcome: ServiceRunOutcome;
  startedAt: Date | null;
  endedAt: Date | null;
  /** ended − started, when both are known. */
  durationMs: number | null;
  summary: Record<string, unknown>;
  error: string | null;
  /** The host and process that ran it. */
  worker: string | null;
}

/** Where a page of runs ends: the next page starts after this run (slot, then id, descending). */
export interface ServiceRunCursor {
  slot: Date;
  id: number;
}

/** Filters of {@link ServiceRunsRepository.list}. */
export interface ListServiceRunsOptions {
  job?: string | undefined;
  outcome?: ServiceRunOutcome | undefined;
  /** Page size (default 50). */
  limit?: number | undefined;
  /** Runs after this one in the order (the `next` of the previous page). */
  after?: ServiceRunCursor | undefined;
}

/** A job's latest run, and its latest successful one. */
export interface JobLastRuns {
  job: string;
  last: ServiceRunRecord | null;
  lastOk: ServiceRunRecord | null;
}

/** The service's run records, read only (the scheduler writes them). */
export interface ServiceRunsRepository {
  /** Runs, latest slot first, one page at a time; `next` is undefined on the last page. */
  list(
    options?: ListServiceRunsOptions,
  ): Promise<{ runs: ServiceRunRecord[]; next: ServiceRunCursor | undefined }>;
  /** Each job's latest and latest `ok` run: of `jobs` (in that order), or of every job that has run. */
  latest(jobs?: readonly string[]): Promise<JobLastRuns[]>;
}

function toRun(row: ServiceRun): ServiceRunRecord {
  return {
    id: Number(row.id),
    job: row.job,
    slot: row.slot,
    outcome: row.outcome,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs:
      row.started_at !== null && row.ended_at !== null
        ? row.ended_at.getTime() - row.started_at.getTime()
        : null,
    summary: row.summary as Record<string, unknown>,
    error: row.error,
    worker: row.worker,
  };
}

/**
 * Creates the service runs repository.
 *
 * @example
 * const { runs, next } = await createServiceRunsRepository(db).list({ job: 'report', outcome: 'failed' });
 */
export function createServiceRunsRepository(db: Kysely<Database>): ServiceRunsRepository {
  const latestOf = (job: string, okOnly: boolean) => {
    let query = db.selectFrom('service_runs').selectAll().where('job', '=', job);
    if (okOnly) query = query.where('outcome', '=', 'ok');
    return query.orderBy('slot', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  };
  return {
    async list(options = {}) {
      const limit = options.limit ?? 50;
      let query = db.selectFrom('service_runs').selectAll();
      if (options.job !== undefined) query = query.where('job', '=', options.job);
      if (options.outcome !== undefined) query = query.where('outcome', '=', options.outcome);
      const after = options.after;
      if (after !== undefined) query = query.where(sql<boolean>`(slot, id) < (${after.slot}, ${after.id})`);
      const rows = await query
        .orderBy('slot', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const runs = rows.slice(0, limit).map(toRun);
      const last = runs.at(-1);
      return {
        runs,
        next: rows.length > limit && last !== undefined ? { slot: last.slot, id: last.id } : undefined,
      };
    },
    async latest(jobs) {
      const names =
        jobs ??
        (await db.selectFrom('service_runs').select('job').distinct().orderBy('job').execute()).map(
          (r) => r.job,
        );
      // Two index probes per job (job, slot desc): the cost follows the jobs, not the history kept.
      return Promise.all(
        names.map(async (job) => {
          const [last, lastOk] = await Promise.all([latestOf(job, false), latestOf(job, true)]);
          return {
            job,
            last: last === undefined ? null : toRun(last),
            lastOk: lastOk === undefined ? null : toRun(lastOk),
          };
        }),
      );
    },
  };
}
