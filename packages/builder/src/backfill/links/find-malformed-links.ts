import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../../errors.js';
import { repairLinkUrl } from './repair-link-url.js';

/** The part of Listmonk's schema links-repair touches: `links(id, uuid, url TEXT UNIQUE, created_at)`. */
export interface ListmonkLinksTables {
  links: { id: number; uuid: string; url: string; created_at: Date };
}

/** A connection to Listmonk's own database. */
export type ListmonkDatabase = Kysely<ListmonkLinksTables>;

/** One registered link and what it becomes. */
export interface LinkRepair {
  id: number;
  uuid: string;
  url: string;
  repairedUrl: string;
}

/** What links-repair would do. */
export interface LinksRepairPlan {
  /** Rows of the incident's shape whose repaired URL is free: these get rewritten. */
  repairs: LinkRepair[];
  /**
   * Rows of the incident's shape whose repaired URL is already registered by another row
   * (links.url is UNIQUE). They are left alone and reported: rewriting them would fail, and
   * merging rows would rewrite Listmonk's click history, which no backup table can undo.
   */
  collisions: Array<LinkRepair & { existingId: number }>;
  /** Rows with `&` and no `?` that are not the incident's shape (left alone). */
  unrepairable: Array<{ id: number; url: string }>;
}

/**
 * Finds registered links whose query starts with `&` and has no `?`, with the URL each becomes.
 * Reads only (with `lock`, the rows stay locked until the caller's transaction ends).
 */
export async function findMalformedLinks(
  db: ListmonkDatabase,
  options: { lock?: boolean } = {},
): Promise<LinksRepairPlan> {
  await assertLinksTable(db);
  const rows = await sql<{ id: number; uuid: string; url: string }>`
    select id, uuid::text as uuid, url from links
    where strpos(url, '?') = 0 and strpos(url, '&') > 0
    order by id ${options.lock ? sql`for update` : sql``}`.execute(db);
  const candidates: LinkRepair[] = [];
  const unrepairable: LinksRepairPlan['unrepairable'] = [];
  for (const row of rows.rows) {
    const repairedUrl = repairLinkUrl(row.url);
    if (repairedUrl === undefined) unrepairable.push({ id: row.id, url: row.url });
    else candidates.push({ ...row, repairedUrl });
  }
  const taken = new Map<string, number>();
  if (candidates.length > 0) {
    const existing = await sql<{ id: number; url: string }>`
      select id, url from links where url = any(${candidates.map((c) => c.repairedUrl)}::text[])`.execute(db);
    for (const row of existing.rows) taken.set(row.url, row.id);
  }
  const repairs: LinkRepair[] = [];
  const collisions: LinksRepairPlan['collisions'] = [];
  for (const candidate of candidates) {
    const existingId = taken.get(candidate.repairedUrl);
    if (existingId === undefined) repairs.push(candidate);
    else collisions.push({ ...candidate, existingId });
  }
  return { repairs, collisions, unrepairable };
}

/** Throws LINKS_TABLE_MISSING unless the database has Listmonk's links table. */
export async function assertLinksTable(db: ListmonkDatabase): Promise<void> {
  const found = await sql<{ present: boolean }>`
    select count(*) = 3 as present from information_schema.columns
    where table_schema = current_schema() and table_name = 'links' and column_name in ('id', 'uuid', 'url')`.execute(
    db,
  );
  if (found.rows[0]?.present !== true) {
    throw new BuilderError(
      'LINKS_TABLE_MISSING',
      "this database has no Listmonk links table (links(id, uuid, url)); point --database-url at Listmonk's own database, not mailramp's",
    );
  }
}
