import type { Database, ServiceRunOutcome } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { RunSummary } from './scheduled-job.js';

/** A run in progress as `service_runs` holds it. */
export interface RunningRun {
  id: number;
  job: string;
  slot: Date;
  worker: string | null;
}

/** The `service_runs` rows of one service process: every slot of every job ends as exactly one row. */
export interface RunLedger {
  /** Opens the slot's row as `running`; undefined when the slot already has a row (another process has it). */
  claim(job: string, slot: Date): Promise<number | undefined>;
  /** Closes an open run with its outcome. */
  finish(
    id: number,
    outcome: Exclude<ServiceRunOutcome, 'running' | 'missed'>,
    summary: RunSummary,
    error?: string,
  ): Promise<void>;
  /** Writes a slot nobody ran; false when the slot already has a row. */
  recordMissed(job: string, slot: Date, summary: RunSummary): Promise<boolean>;
  /** Runs still open, oldest first (optionally only one job's). */
  listRunning(job?: string): Promise<RunningRun[]>;
  /** Closes runs cut off by a process that is gone. */
  abandon(runs: readonly RunningRun[], reason: string): Promise<number>;
  /** The newest slot recorded per job. */
  lastSlots(): Promise<Map<string, Date>>;
}

/** The run rows of one process (`worker`: `host:pid`), timestamps from `now`. */
export function createRunLedger(db: Kysely<Database>, worker: string, now: () => Date): RunLedger {
  const json = (summary: RunSummary) => JSON.stringify(summary);
  return {
    async claim(job, slot) {
      const row = await db
        .insertInto('service_runs')
        .values({ job, slot, outcome: 'running', started_at: now(), worker })
        .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },
    async finish(id, outcome, summary, error) {
      await db
        .updateTable('service_runs')
        .set({ outcome, ended_at: now(), summary: json(summary), error: error ?? null })
        .where('id', '=', id)
        .where('outcome', '=', 'running')
        .execute();
    },
    async recordMissed(job, slot, summary) {
      const row = await db
        .insertInto('service_runs')
        .values({ job, slot, outcome: 'missed', ended_at: now(), summary: json(summary), worker })
        .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async listRunning(job) {
      let query = db
        .selectFrom('service_runs')
        .select(['id', 'job', 'slot', 'worker'])
        .where('outcome', '=', 'running');
      if (job !== undefined) query = query.where('job', '=', job);
      const rows = await query.orderBy('slot').orderBy('id').execute();
      return rows.map((r) => ({ ...r, slot: new Date(r.slot) }));
    },
    async abandon(runs, reason) {
      if (runs.length === 0) return 0;
      const result = await db
        .updateTable('service_runs')
        .set({ outcome: 'abandoned', ended_at: now(), error: reason })
        .where(
          'id',
          'in',
          runs.map((r) => r.id),
        )
        .where('outcome', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async lastSlots() {
      const rows = await db
        .selectFrom('service_runs')
        .select(['job', sql<Date>`max(slot)`.as('slot')])
        .groupBy('job')
        .execute();
      return new Map(rows.map((r) => [r.job, new Date(r.slot)]));
    },
  };
}
