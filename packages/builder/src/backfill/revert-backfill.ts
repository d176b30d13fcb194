import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../errors.js';
import { BACKFILL_VERTICALS, type BackfillVertical, parseBackfillName } from './backfill-request.js';

/** Options for {@link revertBackfill}. */
export interface RevertBackfillOptions {
  name: string;
  /** Who ran it (kept in the registry). */
  revertedBy: string;
  /** Also restore rows re-sent since the apply (their new listmonk_sent_at is overwritten). */
  force?: boolean;
}

/** What {@link revertBackfill} did. */
export interface RevertedBackfill {
  name: string;
  /** Rows whose old listmonk_sent_at (and ledger state) were restored now. */
  restored: number;
  /** Keys re-sent (or queued again) since the apply and left alone; empty with `force`. */
  resent: string[];
  /** With `force`: keys re-sent since the apply whose values were restored anyway. */
  forced: string[];
  /** Keys whose audience row no longer exists. */
  missing: string[];
  /**
   * Keys the apply took off a campaign before it sent (`--include-pending`): never mailed, so their
   * stamps are not restored and the next build may mail them.
   */
  takenOff: string[];
  state: 'reverted' | 'partially_reverted';
}

/**
 * Restores the values a backfill reset, in one transaction, for rows not re-sent since: a row is
 * re-sent when its listmonk_sent_at was stamped again or a build queued it again (a ledger row of
 * a real, not dry, build created after the apply that is planned, imported or scheduled). Re-sent rows are reported, not
 * clobbered, unless `force`. Can be run again (e.g. with `force`) after a partial revert.
 *
 * @example
 * const { restored, resent } = await revertBackfill(db, { name: 'resend_dkim_20260622', revertedBy: 'justin' });
 */
export async function revertBackfill(
  db: Kysely<Database>,
  options: RevertBackfillOptions,
): Promise<RevertedBackfill> {
  const name = parseBackfillName(options.name);
  return db.transaction().execute(async (trx) => {
    // Locking the registry row serialises two reverts of the same backfill.
    const entry = await trx
      .selectFrom('backfills')
      .selectAll()
      .where('name', '=', name)
      .forUpdate()
      .executeTakeFirst();
    if (entry === undefined) {
      throw new BuilderError(
        'BACKFILL_NOT_FOUND',
        `no backfill named ${name}; see \`mailramp backfill list\``,
      );
    }
    if (entry.state === 'reverted') {
      throw new BuilderError(
        'BACKFILL_ALREADY_REVERTED',
        `backfill ${name} was already reverted at ${entry.reverted_at?.toISOString()} by ${entry.reverted_by}; nothing to do`,
      );
    }
    const spec = BACKFILL_VERTICALS[entry.vertical as BackfillVertical];
    const table = sql.table(spec.table);
    const key = sql.ref(`c.${spec.key}`);
    const backup = sql.table(entry.backup_table);
    await sql`select 1 from ${table} c join ${backup} b on ${key} = b.key
      where b.restored_at is null for update of c`.execute(trx);
    // Re-sent since the apply: stamped again, or queued again by a real (not dry) build.
    const resentSince = sql`(c.listmonk_sent_at is not null or exists (
      select 1 from send_ledger s join build_runs r on r.id = s.build_run_id and not r.dry_run
      where s.vertical = ${entry.vertical} and s.recipient_key = b.key::text
        and s.id is distinct from b.ledger_id and s.created_at >= ${entry.created_at}
        and s.state in ('planned', 'imported', 'scheduled')))`;
    // One pass classifies the rows still to restore and marks the restorable ones; now() is the
    // transaction's start time, so it names exactly the backup rows this revert restores.
    // A row the apply took off a pending campaign (`taken_off`; backups made before that column
    // existed have none, hence to_jsonb) was never mailed: restoring its stamp would lose the mail.
    const pending = await sql<{ key: string; present: boolean; resent: boolean; taken_off: boolean }>`
      with pending as (
        select b.key, ${key} is not null as present, ${resentSince} as resent,
          (to_jsonb(b) ->> 'taken_off') is not null as taken_off
        from ${backup} b left join ${table} c on ${key} = b.key
        where b.restored_at is null
      ), marked as (
        update ${backup} b set restored_at = now() from pending p
        where p.key = b.key and p.present and not p.taken_off ${options.force === true ? sql`` : sql`and not p.resent`}
        returning b.key
      )
      select key::text as key, present, resent, taken_off
      from pending order by pending.key`.execute(trx);
    const missing = pending.rows.filter((r) => !r.present).map((r) => r.key);
    const takenOff = pending.rows.filter((r) => r.present && r.taken_off).map((r) => r.key);
    const resent = pending.rows.filter((r) => r.present && !r.taken_off && r.resent).map((r) => r.key);
    const restorable = pending.rows.filter(
      (r) => r.present && !r.taken_off && (options.force === true || !r.resent),
    ).length;
    const restored = await sql`update ${table} c
      set listmonk_sent_at = b.old_listmonk_sent_at, updated_at = b.old_updated_at
      from ${backup} b where ${key} = b.key and b.restored_at = now()`.execute(trx);
    // A same-date rebuild queued the recipient again: that row stands for the date (one live row per
    // recipient and day), so the old one stays reset.
    await sql`update send_ledger s set state = b.old_ledger_state, updated_at = b.old_ledger_updated_at
      from ${backup} b where s.id = b.ledger_id and b.restored_at = now() and s.state = 'reset'
        and not exists (select 1 from send_ledger o where o.vertical = s.vertical
          and o.recipient_key = s.recipient_key and o.build_date = s.build_date and o.state <> 'reset')`.execute(
      trx,
    );
    const count = Number(restored.numAffectedRows ?? 0);
    if (count !== restorable) {
      throw new BuilderError(
        'BACKFILL_CONFLICT',
        `backfill ${name}: expected to restore ${restorable} rows but restored ${count}; nothing was changed, re-run`,
      );
    }
    // Settled without a stamp: marked only now, after the restore above picked its rows by now().
    if (takenOff.length > 0) {
      await sql`update ${backup} b set restored_at = now()
        where b.restored_at is null and (to_jsonb(b) ->> 'taken_off') is not null`.execute(trx);
    }
    const remaining = pending.rows.length - count - takenOff.length;
    const state = remaining === 0 ? 'reverted' : 'partially_reverted';
    await trx
      .updateTable('backfills')
      .set({
        state,
        reverted_by: options.revertedBy,
        reverted_at: sql<Date>`now()`,
        restored_count: entry.restored_count + count,
      })
      .where('id', '=', entry.id)
      .execute();
    return {
      name,
      restored: count,
      resent: options.force === true ? [] : resent,
      forced: options.force === true ? resent : [],
      missing,
      takenOff,
      state,
    };
  });
}
