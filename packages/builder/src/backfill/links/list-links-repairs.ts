import { sql } from 'kysely';
import type { ListmonkDatabase } from './find-malformed-links.js';
import { LINKS_BACKUP_PREFIX } from './links-repair-name.js';

/** A links repair found in Listmonk's database (one backup table each). */
export interface LinksRepair {
  name: string;
  backupTable: string;
  rows: number;
  repairedAt: Date | null;
}

/** Every links repair whose backup table is in Listmonk's database, oldest first. */
export async function listLinksRepairs(db: ListmonkDatabase): Promise<LinksRepair[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and starts_with(table_name, ${LINKS_BACKUP_PREFIX})
    order by table_name`.execute(db);
  const repairs: LinksRepair[] = [];
  for (const { name: backupTable } of tables.rows) {
    const stats = await sql<{ rows: number; repaired_at: Date | null }>`
      select count(*)::int as rows, min(repaired_at) as repaired_at from ${sql.table(backupTable)}`.execute(
      db,
    );
    repairs.push({
      name: backupTable.slice(LINKS_BACKUP_PREFIX.length),
      backupTable,
      rows: stats.rows[0]?.rows ?? 0,
      repairedAt: stats.rows[0]?.repaired_at ?? null,
    });
  }
  return repairs.sort((a, b) => (a.repairedAt?.getTime() ?? 0) - (b.repairedAt?.getTime() ?? 0));
}
