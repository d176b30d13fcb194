import { sql } from 'kysely';
import { BuilderError } from '../../errors.js';
import { assertLinksTable, type ListmonkDatabase } from './find-malformed-links.js';
import { linksBackupTableNameOf } from './links-repair-name.js';

/** What {@link revertLinksRepair} did. */
export interface RevertedLinksRepair {
  name: string;
  /** Rows given their old URL back now. */
  restored: number;
  /** Rows that already hold their old URL (an earlier revert). */
  alreadyRestored: number;
  /** Rows whose URL changed since the repair, or whose old URL was registered again by another row: left alone. */
  skipped: Array<{ id: number; reason: 'changed' | 'missing' | 'old_url_registered_again' }>;
}

/**
 * Gives every row a links repair rewrote its old URL back, from the backup table, in one
 * transaction. Rows changed since the repair are left alone and reported. The backup table stays.
 *
 * @example
 * await revertLinksRepair(listmonkDb, { name: 'tracklink_20260622' });
 */
export async function revertLinksRepair(
  db: ListmonkDatabase,
  options: { name: string },
): Promise<RevertedLinksRepair> {
  const backupTable = linksBackupTableNameOf(options.name);
  const backup = sql.table(backupTable);
  return db.transaction().execute(async (trx) => {
    await assertLinksTable(trx);
    const exists = await sql<{
      present: boolean;
    }>`select to_regclass(${backupTable}) is not null as present`.execute(trx);
    if (exists.rows[0]?.present !== true) {
      throw new BuilderError(
        'LINKS_REPAIR_NOT_FOUND',
        `no links repair named ${options.name} (no table ${backupTable}); run links-repair without flags to list repairs`,
      );
    }
    await sql`select 1 from links l join ${backup} b on l.id = b.id for update of l`.execute(trx);
    const rows = await sql<{ id: number; state: 'restore' | 'already' | 'changed' | 'missing' | 'taken' }>`
      select b.id, case
        when l.id is null then 'missing'
        when l.url = b.old_url then 'already'
        when l.url <> b.new_url then 'changed'
        when exists (select 1 from links o where o.url = b.old_url and o.id <> b.id) then 'taken'
        else 'restore' end as state
      from ${backup} b left join links l on l.id = b.id order by b.id`.execute(trx);
    const restore = rows.rows.filter((r) => r.state === 'restore').map((r) => r.id);
    const updated = await sql`update links l set url = b.old_url from ${backup} b
      where l.id = b.id and l.url = b.new_url and b.id = any(${restore}::int[])`.execute(trx);
    if (Number(updated.numAffectedRows ?? 0) !== restore.length) {
      throw new BuilderError(
        'LINKS_VERIFY_FAILED',
        `links repair ${options.name}: expected to restore ${restore.length} rows, restored ${updated.numAffectedRows}; rolled back, nothing changed`,
      );
    }
    const reasons = { changed: 'changed', missing: 'missing', taken: 'old_url_registered_again' } as const;
    return {
      name: options.name,
      restored: restore.length,
      alreadyRestored: rows.rows.filter((r) => r.state === 'already').length,
      skipped: rows.rows.flatMap((r) =>
        r.state === 'changed' || r.state === 'missing' || r.state === 'taken'
          ? [{ id: r.id, reason: reasons[r.state] }]
          : [],
      ),
    };
  });
}
