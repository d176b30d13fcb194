import { type Database, SQLSTATE, sqlStateOf } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../errors.js';
import type { ListmonkPort } from '../push/listmonk-port.js';
import {
  BACKFILL_VERTICALS,
  type BackfillFilter,
  backupTableNameOf,
  parseBackfillName,
  serializeBackfillFilter,
} from './backfill-request.js';
import { selectBackfillCandidates } from './select-backfill-candidates.js';
import { type PendingRow, type TakenOff, takeOffPendingCampaigns } from './take-off-pending-campaigns.js';

/** The steps of an apply, in order, reported through `onStep` (all inside one transaction). */
export type ApplyBackfillStep =
  | 'registered'
  | 'backup-created'
  | 'rows-backed-up'
  | 'rows-reset'
  | 'ledger-marked';

/** Options for {@link applyBackfill}. */
export interface ApplyBackfillOptions {
  name: string;
  filter: BackfillFilter;
  /** Who ran it (kept in the registry). */
  createdBy: string;
  /** The clock that tells a sent campaign from one still waiting for its send_at (default: now). */
  now?: () => Date;
  /**
   * Also reset recipients whose campaign Listmonk has not sent yet (scheduled, send_at ahead),
   * taking them off that campaign's list in Listmonk first (`listmonk` gives the port of a ledger
   * row's Listmonk instance); refused when that cannot be done. Without it such a window is refused.
   */
  includePending?: { listmonk: (instance: string) => ListmonkPort | Promise<ListmonkPort> } | undefined;
  /** Called after each step, inside the transaction; a throw rolls everything back. */
  onStep?: (step: ApplyBackfillStep) => void | Promise<void>;
}

/** What {@link applyBackfill} did. */
export interface AppliedBackfill {
  id: number;
  name: string;
  backupTable: string;
  rows: number;
  ledgerRows: number;
  createdAt: Date;
  /** With `includePending`: what was taken off each pending campaign's list. */
  takenOff: TakenOff[];
}

/**
 * The rows of the window whose campaign Listmonk has not sent yet (scheduled, send_at ahead): reset
 * while still on the pending campaign's list, the next build would pick them again and they would be
 * mailed twice. Refused unless `includePending`, which takes them off those lists first.
 */
async function settlePending(
  trx: Kysely<Database>,
  name: string,
  backup: ReturnType<typeof sql.table>,
  now: () => Date,
  includePending: ApplyBackfillOptions['includePending'],
): Promise<TakenOff[]> {
  const { rows } = await sql<PendingRow & { key: string }>`
    select b.key::text as key, s.email, s.campaign_name as "campaignName",
      s.listmonk_instance as "listmonkInstance", s.send_at as "sendAt"
    from ${backup} b join send_ledger s on s.id = b.ledger_id
    where s.state = 'scheduled' and s.send_at > ${now()}`.execute(trx);
  if (rows.length === 0) return [];
  if (includePending !== undefined) {
    const takenOff = await takeOffPendingCampaigns(name, rows, includePending.listmonk, now);
    // Kept for the revert: exactly these rows were never mailed, so their stamps must not come back.
    await sql`update ${backup} b set taken_off = s.campaign_name from send_ledger s
      where s.id = b.ledger_id and b.key::text = any(${rows.map((r) => r.key)}::text[])`.execute(trx);
    return takenOff;
  }
  const campaigns = new Set(rows.map((r) => `${r.listmonkInstance}\n${r.campaignName}`)).size;
  const first = new Date(Math.min(...rows.map((r) => new Date(r.sendAt).getTime())));
  throw new BuilderError(
    'BACKFILL_CONFLICT',
    `backfill ${name}: ${rows.length} rows in the window are in ${campaigns} campaign(s) Listmonk has not sent yet (scheduled, first send_at ${first.toISOString()}); reset now, the next build would mail them a second time. Nothing was changed: wait until those campaigns have sent, end the window (--sent-to) before they were stamped, or include them (--include-pending) to take them off those campaigns' lists in Listmonk first`,
  );
}

/**
 * Resets listmonk_sent_at for exactly the rows a filter selects, so the next builds pick them up
 * under the normal caps. In ONE transaction: registers the backfill, creates its backup table (key,
 * old listmonk_sent_at and updated_at, the stamping ledger row and its old state), resets the rows
 * and marks their ledger rows 'reset'. Any failure leaves nothing behind. Refuses an existing name.
 *
 * @example
 * await applyBackfill(db, { name: 'resend_dkim_20260622', filter, createdBy: 'justin' });
 */
export async function applyBackfill(
  db: Kysely<Database>,
  options: ApplyBackfillOptions,
): Promise<AppliedBackfill> {
  const name = parseBackfillName(options.name);
  const backupTable = backupTableNameOf(name);
  const { filter } = options;
  const spec = BACKFILL_VERTICALS[filter.vertical];
  const table = sql.table(spec.table);
  const key = sql.ref(`c.${spec.key}`);
  const backup = sql.table(backupTable);
  const step = async (s: ApplyBackfillStep) => {
    await options.onStep?.(s);
  };
  try {
    return await db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('backfills')
        .select('id')
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing !== undefined) throw exists(name);
      // The registry row goes first: its unique name makes a concurrent apply of the same name wait
      // here and then fail, before it creates anything.
      const registered = await trx
        .insertInto('backfills')
        .values({
          name,
          vertical: filter.vertical,
          filter: JSON.stringify(serializeBackfillFilter(filter)),
          backup_table: backupTable,
          created_by: options.createdBy,
        })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      await step('registered');
      await sql`create table ${backup} (
        key ${sql.raw(spec.keyType)} primary key,
        old_listmonk_sent_at timestamptz not null,
        old_updated_at timestamptz not null,
        ledger_id bigint,
        old_ledger_state text,
        old_ledger_updated_at timestamptz,
        restored_at timestamptz,
        taken_off text
      )`.execute(trx);
      await step('backup-created');
      const copied = await sql`insert into ${backup}
          (key, old_listmonk_sent_at, old_updated_at, ledger_id, old_ledger_state, old_ledger_updated_at)
        select key, listmonk_sent_at, updated_at, ledger_id, ledger_state, ledger_updated_at
        from (${selectBackfillCandidates(filter, { lock: true })}) cand`.execute(trx);
      const rows = Number(copied.numAffectedRows ?? 0);
      if (rows === 0) {
        throw new BuilderError(
          'BACKFILL_EMPTY',
          `backfill ${name}: the filter selects no rows, so nothing was registered or changed; check it with \`mailramp backfill plan\``,
        );
      }
      // A fresh table has no statistics; without them the reset and a later revert plan nested loops.
      await sql`analyze ${backup}`.execute(trx);
      const takenOff = await settlePending(
        trx,
        name,
        backup,
        options.now ?? (() => new Date()),
        options.includePending,
      );
      await step('rows-backed-up');
      const reset = await sql`update ${table} c set listmonk_sent_at = null, updated_at = now()
        from ${backup} b where ${key} = b.key`.execute(trx);
      if (Number(reset.numAffectedRows ?? 0) !== rows) {
        throw new BuilderError(
          'BACKFILL_CONFLICT',
          `backfill ${name}: backed up ${rows} rows but reset ${reset.numAffectedRows}; nothing was changed, re-run`,
        );
      }
      await step('rows-reset');
      const marked = await sql`update send_ledger s set state = 'reset', updated_at = now()
        from ${backup} b where s.id = b.ledger_id`.execute(trx);
      const ledgerRows = Number(marked.numAffectedRows ?? 0);
      await step('ledger-marked');
      await trx
        .updateTable('backfills')
        .set({ row_count: rows, ledger_count: ledgerRows })
        .where('id', '=', registered.id)
        .execute();
      return {
        id: registered.id,
        name,
        backupTable,
        rows,
        ledgerRows,
        createdAt: registered.created_at,
        takenOff,
      };
    });
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === SQLSTATE.UNIQUE_VIOLATION) throw exists(name, error);
    if (state === SQLSTATE.DUPLICATE_TABLE) {
      throw new BuilderError(
        'BACKFILL_EXISTS',
        `table ${backupTable} already exists but no backfill ${name} is registered; pick another name or drop that table after checking what it holds`,
        { cause: error },
      );
    }
    throw error;
  }
}

function exists(name: string, cause?: unknown): BuilderError {
  return new BuilderError(
    'BACKFILL_EXISTS',
    `backfill ${name} already exists; see \`mailramp backfill show ${name}\`, or pick another name`,
    cause === undefined ? undefined : { cause },
  );
}
