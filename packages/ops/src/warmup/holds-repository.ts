import { type Database, SQLSTATE, sqlStateOf, type WarmupHoldsTable } from '@mailramp/db';
import type { Kysely, Selectable } from 'kysely';

/** A freeze of a stream's ramp cap at `rate` per hour through `until` (inclusive, UTC). */
export interface RampHold {
  id: number;
  stream: string;
  rate: number;
  until: string;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  releasedAt: Date | null;
  /** The id of the hold that replaced this one; null when it was released or expired. */
  replacedBy: number | null;
}

/** What setting a hold did: a new hold, a new hold replacing the stream's previous one, or nothing. */
export type HoldChange = 'created' | 'replaced' | 'unchanged';

/** Holds kept in `warmup_holds`, shared by the CLI and the service. */
export interface HoldsRepository {
  /** The stream's unreleased hold that still applies on `date`, if any. */
  findActiveHold(stream: string, date: string): Promise<RampHold | undefined>;
  /** Holds, newest first: unreleased only unless `includeReleased`. */
  listHolds(options?: { stream?: string; includeReleased?: boolean }): Promise<RampHold[]>;
  /**
   * Sets the stream's hold; the same values twice change nothing. Holds are history: a different one
   * ends the current hold (released now, `replacedBy` the new one) and starts a new row.
   */
  setHold(
    input: { stream: string; rate: number; until: string; reason?: string | undefined },
    now: Date,
  ): Promise<{ hold: RampHold; change: HoldChange; replaced?: RampHold }>;
  /** Releases the stream's unreleased hold; undefined when there was none. */
  releaseHold(stream: string, now: Date): Promise<RampHold | undefined>;
}

function toHold(row: Selectable<WarmupHoldsTable>): RampHold {
  return {
    id: row.id,
    stream: row.stream,
    rate: row.rate,
    until: row.until,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    releasedAt: row.released_at,
    replacedBy: row.replaced_by === null ? null : Number(row.replaced_by),
  };
}

/**
 * Creates the holds repository.
 *
 * @example
 * const holds = createHoldsRepository(db);
 * await holds.setHold({ stream: 'trucking', rate: 200, until: '2026-06-24' }, new Date());
 */
export function createHoldsRepository(db: Kysely<Database>): HoldsRepository {
  const unreleased = (stream: string) =>
    db.selectFrom('warmup_holds').selectAll().where('stream', '=', stream).where('released_at', 'is', null);
  const setOnce = (input: Parameters<HoldsRepository['setHold']>[0], now: Date) =>
    db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('warmup_holds')
        .selectAll()
        .where('stream', '=', input.stream)
        .where('released_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      const reason = input.reason ?? current?.reason ?? null;
      if (
        current !== undefined &&
        current.rate === input.rate &&
        current.until === input.until &&
        current.reason === reason
      ) {
        return { hold: toHold(current), change: 'unchanged' as const };
      }
      // End the current hold first: the partial unique index allows one unreleased hold per stream.
      if (current !== undefined) {
        await trx
          .updateTable('warmup_holds')
          .set({ released_at: now, updated_at: now })
          .where('id', '=', current.id)
          .execute();
      }
      const row = await trx
        .insertInto('warmup_holds')
        .values({
          stream: input.stream,
          rate: input.rate,
          until: input.until,
          reason,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (current === undefined) return { hold: toHold(row), change: 'created' as const };
      const replaced = await trx
        .updateTable('warmup_holds')
        .set({ replaced_by: row.id })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { hold: toHold(row), change: 'replaced' as const, replaced: toHold(replaced) };
    });
  return {
    async findActiveHold(stream, date) {
      const row = await unreleased(stream).where('until', '>=', date).executeTakeFirst();
      return row === undefined ? undefined : toHold(row);
    },
    async listHolds(options = {}) {
      let query = db
        .selectFrom('warmup_holds')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc');
      if (options.stream !== undefined) query = query.where('stream', '=', options.stream);
      if (options.includeReleased !== true) query = query.where('released_at', 'is', null);
      return (await query.execute()).map(toHold);
    },
    async setHold(input, now) {
      // Concurrent sets can both see no unreleased hold (none yet, or one another set just ended):
      // the partial unique index lets one insert win and the others retry against the winner.
      for (let attempt = 0; ; attempt++) {
        try {
          return await setOnce(input, now);
        } catch (error) {
          if (attempt >= 4 || sqlStateOf(error) !== SQLSTATE.UNIQUE_VIOLATION) throw error;
        }
      }
    },
    async releaseHold(stream, now) {
      const row = await db
        .updateTable('warmup_holds')
        .set({ released_at: now, updated_at: now })
        .where('stream', '=', stream)
        .where('released_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toHold(row);
    },
  };
}
