import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** Deliveries of one sending IP to one receiving operator with one outcome on a day (reasons summed). */
export interface DeliveryCount {
  ip: string;
  operator: string;
  outcome: string;
  count: number;
}

/** A log day as the report runs stored it (`report_days` and its `report_outcomes`). */
export interface DeliveryDay {
  day: string;
  sent: number;
  deferred: number;
  bounced: number;
  expired: number;
  egress: number;
  primaryEgress: number;
  /** sent / (sent + deferred + bounced) attempts, as the runbook's grep counts; null without attempts. */
  deliveryRate: number | null;
  dkim: { signed: number; messages: number; ratio: number | null };
  /** The last queue size read that day, when one was read. */
  queueSize: number | null;
  readFrom: Date | null;
  readUntil: Date | null;
  /** By sending IP × receiving operator × outcome, largest first. */
  deliveries: DeliveryCount[];
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

/** Stored results of the report runs and the builds, read only. */
export interface StoredResultsRepository {
  /** The stored day, or undefined when no report run stored it. */
  findDay(day: string): Promise<DeliveryDay | undefined>;
  /** Each vertical's latest finished live build. */
  lastBuilds(): Promise<LastBuild[]>;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * Creates the stored results repository.
 *
 * @example
 * const today = await createStoredResultsRepository(db).findDay('2026-06-22');
 */
export function createStoredResultsRepository(db: Kysely<Database>): StoredResultsRepository {
  return {
    async findDay(day) {
      const [row, deliveries] = await Promise.all([
        db.selectFrom('report_days').selectAll().where('day', '=', day).executeTakeFirst(),
        db
          .selectFrom('report_outcomes')
          .select(['ip', 'operator', 'outcome', sql<number>`sum(count)::int`.as('count')])
          .where('day', '=', day)
          .groupBy(['ip', 'operator', 'outcome'])
          .orderBy('count', 'desc')
          .orderBy('ip')
          .orderBy('operator')
          .orderBy('outcome')
          .execute(),
      ]);
      if (row === undefined) return undefined;
      return {
        day,
        sent: row.sent,
        deferred: row.deferred,
        bounced: row.bounced,
        expired: row.expired,
        egress: row.egress,
        primaryEgress: row.primary_egress,
        deliveryRate: ratio(row.sent, row.sent + row.deferred + row.bounced),
        dkim: {
          signed: row.dkim_signed,
          messages: row.dkim_messages,
          ratio: ratio(row.dkim_signed, row.dkim_messages),
        },
        queueSize: row.queue_size,
        readFrom: row.read_from,
        readUntil: row.read_until,
        deliveries,
      };
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
