import { SQLSTATE, sqlStateOf } from '@mailramp/db';
import { sql } from 'kysely';
import { BuilderError } from '../../errors.js';
import { findMalformedLinks, type LinksRepairPlan, type ListmonkDatabase } from './find-malformed-links.js';
import { linksBackupTableNameOf } from './links-repair-name.js';

/** What {@link applyLinksRepair} did. */
export interface AppliedLinksRepair extends LinksRepairPlan {
  name: string;
  /** The backup table in Listmonk's database, or undefined when nothing needed repair. */
  backupTable: string | undefined;
}

/**
 * Rewrites the first `&` to `?` in every registered link of the `@TrackLink` incident's shape, in
 * one transaction in Listmonk's database: backs the rows up into `mailramp_links_repair_<name>`
 * (id, uuid, old url, new url), rewrites them, then verifies that exactly those rows changed and
 * no repairable row is left. Rows whose repaired URL is already registered are left alone and
 * reported (see {@link LinksRepairPlan.collisions}).
 *
 * @example
 * const result = await applyLinksRepair(listmonkDb, { name: 'tracklink_20260622' });
 */
export async function applyLinksRepair(
  db: ListmonkDatabase,
  options: { name: string },
): Promise<AppliedLinksRepair> {
  const backupTable = linksBackupTableNameOf(options.name);
  const backup = sql.table(backupTable);
  try {
    return await db.transaction().execute(async (trx) => {
      const exists = await sql<{
        present: boolean;
      }>`select to_regclass(${backupTable}) is not null as present`.execute(trx);
      if (exists.rows[0]?.present === true) throw repairExists(options.name, backupTable);
      const plan = await findMalformedLinks(trx, { lock: true });
      if (plan.repairs.length === 0) return { name: options.name, backupTable: undefined, ...plan };
      await sql`create table ${backup} (
        id integer primary key,
        uuid uuid not null,
        old_url text not null,
        new_url text not null,
        repaired_at timestamptz not null default now()
      )`.execute(trx);
      await sql`insert into ${backup} (id, uuid, old_url, new_url)
        select * from unnest(${plan.repairs.map((r) => r.id)}::int[], ${plan.repairs.map((r) => r.uuid)}::uuid[],
          ${plan.repairs.map((r) => r.url)}::text[], ${plan.repairs.map((r) => r.repairedUrl)}::text[])`.execute(
        trx,
      );
      const updated = await sql`update links l set url = b.new_url
        from ${backup} b where l.id = b.id and l.url = b.old_url`.execute(trx);
      const check = await findMalformedLinks(trx);
      const changed = await sql<{ n: number }>`select count(*)::int as n from links l
        join ${backup} b on l.id = b.id and l.url = b.new_url`.execute(trx);
      if (
        Number(updated.numAffectedRows ?? 0) !== plan.repairs.length ||
        changed.rows[0]?.n !== plan.repairs.length ||
        check.repairs.length !== 0
      ) {
        throw new BuilderError(
          'LINKS_VERIFY_FAILED',
          `links repair ${options.name} did not verify (planned ${plan.repairs.length}, rewrote ${updated.numAffectedRows}, ${check.repairs.length} still malformed); rolled back, nothing changed`,
        );
      }
      return { name: options.name, backupTable, ...plan };
    });
  } catch (error) {
    const state = sqlStateOf(error);
    if (state === SQLSTATE.DUPLICATE_TABLE) throw repairExists(options.name, backupTable, error);
    if (state === SQLSTATE.UNIQUE_VIOLATION) {
      throw new BuilderError(
        'LINKS_VERIFY_FAILED',
        `links repair ${options.name}: Listmonk registered one of the repaired URLs while we worked (links.url is unique); rolled back, nothing changed — run it again`,
        { cause: error },
      );
    }
    throw error;
  }
}

function repairExists(name: string, table: string, cause?: unknown): BuilderError {
  return new BuilderError(
    'LINKS_REPAIR_EXISTS',
    `a links repair named ${name} already exists (table ${table}); revert it with --revert ${name} or pick another --name`,
    cause === undefined ? undefined : { cause },
  );
}
