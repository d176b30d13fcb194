import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** Deliveries of one sending IP to one receiving operator with one outcome on a day (reasons summed). */
export interface DeliveryCount {
  ip: string;
  operator: string;
  outcome: string;
  count: number;
}

/** A vertical's latest finished live build, with its recipient counts. */
export interface LastBuild {
  vertical: string;
  date: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Recipients the plan selected, stamped as scheduled in Listmonk, and refused by Listmonk. */
  selected: number;
  stamped: number;
  refused: number;
}

/** Stored results of the report runs and the builds, read only (series over days: `history`). */
export interface StoredResultsRepository {
  /** A day's deliveries by sending IP × receiving operator × outcome (reasons summed), largest first. */
  listDeliveries(day: string): Promise<DeliveryCount[]>;
  /** Each vertical's latest finished live build. */
  lastBuilds(): Promise<LastBuild[]>;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Creates the stored results repository.
 *
 * @example
 * const today = await createStoredResultsRepository(db).listDeliveries('2026-06-22');
 */
export function createStoredResultsRepository(db: Kysely<Database>): StoredResultsRepository {
  return {
    listDeliveries(day) {
      return db
        .selectFrom('report_outcomes')
        .select(['ip', 'operator', 'outcome', sql<number>`sum(count)::int`.as('count')])
        .where('day', '=', day)
        .groupBy(['ip', 'operator', 'outcome'])
        .orderBy('count', 'desc')
        .orderBy('ip')
        .orderBy('operator')
        .orderBy('outcome')
        .execute();
    },
    async lastBuilds() {
      const rows = await db
        .selectFrom('build_runs')
        .select(['vertical', 'build_date', 'status', 'started_at', 'finished_at', 'counts'])
        .distinctOn('vertical')
        .where('dry_run', '=', false)
        .where('status', '!=', 'running')
        .orderBy('vertical')
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map((r) => {
        const counts = r.counts as Record<string, unknown>;
        return {
          vertical: r.vertical,
          date: r.build_date,
          status: r.status,
          startedAt: r.started_at,
          finishedAt: r.finished_at,
          selected: count(counts.selected),
          stamped: count(counts.stamped),
          refused: count(counts.refused),
        };
      });
    },
  };
}
