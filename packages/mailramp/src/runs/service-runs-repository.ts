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

/** Filters of `ServiceRunsRepository.list()`. */
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

/** A row as `to_jsonb` gives it: timestamps as ISO strings. */
type RunJson = Omit<ServiceRun, 'slot' | 'started_at' | 'ended_at'> & {
  slot: string;
  started_at: string | null;
  ended_at: string | null;
};

function fromJson(row: RunJson): ServiceRun {
  const date = (text: string | null) => (text === null ? null : new Date(text));
  return { ...row, slot: new Date(row.slot), started_at: date(row.started_at), ended_at: date(row.ended_at) };
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
      if (names.length === 0) return [];
      // One statement, two index probes per job on (job, slot desc): the cost follows the jobs,
      // not the history kept.
      const probe = (okOnly: boolean) => sql`(select to_jsonb(r) from service_runs r where r.job = j.job
        ${okOnly ? sql`and r.outcome = 'ok'` : sql``} order by r.slot desc, r.id desc limit 1)`;
      const { rows } = await sql<{ job: string; last: RunJson | null; last_ok: RunJson | null }>`
        select j.job, ${probe(false)} as last, ${probe(true)} as last_ok
        from unnest(${sql.val(names)}::text[]) with ordinality as j(job, n) order by j.n`.execute(db);
      return rows.map((r) => ({
        job: r.job,
        last: r.last === null ? null : toRun(fromJson(r.last)),
        lastOk: r.last_ok === null ? null : toRun(fromJson(r.last_ok)),
      }));
    },
  };
}
