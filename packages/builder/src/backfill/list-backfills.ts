import type { BackfillRow, BackfillState, Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../errors.js';
import { BACKFILL_VERTICALS, type BackfillVertical, parseBackfillName } from './backfill-request.js';

/** A registered backfill as the registry holds it. */
export interface Backfill {
  id: number;
  name: string;
  vertical: string;
  filter: Record<string, unknown>;
  backupTable: string;
  createdBy: string;
  createdAt: Date;
  rows: number;
  ledgerRows: number;
  state: BackfillState;
  revertedBy: string | null;
  revertedAt: Date | null;
  restored: number;
}

/** A backfill with what its rows look like now. */
export interface BackfillDetails extends Backfill {
  now: {
    /** Not restored, listmonk_sent_at still empty: waiting for a build. */
    waiting: number;
    /** Not restored, stamped again by a build since the apply. */
    resent: number;
    /** Restored by a revert. */
    restored: number;
    /** Not restored, audience row gone. */
    missing: number;
  };
}

/** Every registered backfill, newest first. */
export async function listBackfills(db: Kysely<Database>): Promise<Backfill[]> {
  const rows = await db
    .selectFrom('backfills')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toBackfill);
}

/** One backfill with the current state of its rows; throws BACKFILL_NOT_FOUND. */
export async function getBackfill(db: Kysely<Database>, name: string): Promise<BackfillDetails> {
  const valid = parseBackfillName(name);
  const row = await db.selectFrom('backfills').selectAll().where('name', '=', valid).executeTakeFirst();
  if (row === undefined) {
    throw new BuilderError(
      'BACKFILL_NOT_FOUND',
      `no backfill named ${valid}; see \`mailramp backfill list\``,
    );
  }
  const spec = BACKFILL_VERTICALS[row.vertical as BackfillVertical];
  const key = sql.ref(`c.${spec.key}`);
  const counts = await sql<BackfillDetails['now']>`
    select
      count(*) filter (where b.restored_at is null and ${key} is not null and c.listmonk_sent_at is null)::int as waiting,
      count(*) filter (where b.restored_at is null and c.listmonk_sent_at is not null)::int as resent,
      count(*) filter (where b.restored_at is not null)::int as restored,
      count(*) filter (where b.restored_at is null and ${key} is null)::int as missing
    from ${sql.table(row.backup_table)} b left join ${sql.table(spec.table)} c on ${key} = b.key`.execute(db);
  const now = counts.rows[0] ?? { waiting: 0, resent: 0, restored: 0, missing: 0 };
  return { ...toBackfill(row), now };
}

function toBackfill(row: BackfillRow): Backfill {
  return {
    id: row.id,
    name: row.name,
    vertical: row.vertical,
    filter: row.filter,
    backupTable: row.backup_table,
    createdBy: row.created_by,
    createdAt: row.created_at,
    rows: row.row_count,
    ledgerRows: row.ledger_count,
    state: row.state,
    revertedBy: row.reverted_by,
    revertedAt: row.reverted_at,
    restored: row.restored_count,
  };
}
