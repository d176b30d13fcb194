import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyLinksRepair } from './apply-links-repair.js';
import { findMalformedLinks, type ListmonkDatabase } from './find-malformed-links.js';
import { listLinksRepairs } from './list-links-repairs.js';
import { revertLinksRepair } from './revert-links-repair.js';

// Listmonk's own DDL for the tables links-repair meets (schema.sql, v2–v6).
const LISTMONK_LINKS_DDL = `
  create table links (
    id serial primary key,
    uuid uuid not null unique,
    url text not null unique,
    created_at timestamp with time zone not null default now()
  );
  create table link_clicks (
    id bigserial primary key,
    campaign_id integer null,
    link_id integer not null references links(id) on delete cascade on update cascade,
    subscriber_id integer null,
    created_at timestamp with time zone not null default now()
  );`;

const ROWS: Array<[number, string]> = [
  // The @TrackLink incident's two broken CTAs (seed-runbook.md, Jun 22).
  [
    1,
    'https://performancewest.net/order/boc3-filing&utm_source=listmonk&utm_medium=email&utm_campaign=deficiency',
  ],
  [2, 'https://performancewest.net/tools/dot-check&utm_source=listmonk&utm_medium=email'],
  // A static CTA that tracks correctly.
  [3, 'https://performancewest.net/order/crtc?code=CRTC30&utm_source=listmonk'],
  // Not the incident's shape: left alone.
  [4, 'https://performancewest.net/order/mcs150&amp;utm_source=listmonk'],
  [5, 'https://performancewest.net/a&b/c'],
  // Broken, but its repaired URL is already registered (links.url is UNIQUE).
  [6, 'https://performancewest.net/order/ucr&utm_source=listmonk'],
  [7, 'https://performancewest.net/order/ucr?utm_source=listmonk'],
  [8, 'https://performancewest.net/'],
];

const uuidOf = (id: number) => `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;

describe.each(testEngines())('links-repair on %s', (engine) => {
  let t: TestDatabase;
  let db: ListmonkDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ engine, migrate: false });
    db = t.db as unknown as ListmonkDatabase;
  });
  afterAll(() => t.destroy());

  beforeEach(async () => {
    await sql`drop schema public cascade`.execute(db);
    await sql`create schema public`.execute(db);
    for (const statement of LISTMONK_LINKS_DDL.split(';').filter((s) => s.trim() !== '')) {
      await sql.raw(statement).execute(db);
    }
    for (const [id, url] of ROWS) {
      await sql`insert into links (id, uuid, url, created_at) values (${id}, ${uuidOf(id)}, ${url}, ${`2026-06-2${id % 3}T10:00:00.12345${id}Z`})`.execute(
        db,
      );
      await sql`insert into link_clicks (campaign_id, link_id, subscriber_id) values (300, ${id}, ${id * 10})`.execute(
        db,
      );
    }
    await sql`select setval('links_id_seq', 8)`.execute(db);
  });

  const checksum = async (where = sql`true`) => {
    const r = await sql<{ c: string }>`select md5(coalesce(string_agg(l::text, '|' order by l.id), '')) as c
      from links l where ${where}`.execute(db);
    return r.rows[0]?.c;
  };

  it('a dry run finds the malformed rows, names the collisions, and writes nothing', async () => {
    const before = await checksum();
    const plan = await findMalformedLinks(db);
    expect(plan.repairs.map((r) => [r.id, r.repairedUrl])).toEqual([
      [
        1,
        'https://performancewest.net/order/boc3-filing?utm_source=listmonk&utm_medium=email&utm_campaign=deficiency',
      ],
      [2, 'https://performancewest.net/tools/dot-check?utm_source=listmonk&utm_medium=email'],
    ]);
    expect(plan.collisions.map((c) => [c.id, c.existingId])).toEqual([[6, 7]]);
    expect(plan.unrepairable.map((u) => u.id)).toEqual([4, 5]);
    expect(await checksum()).toBe(before);
    expect(await listLinksRepairs(db)).toEqual([]);
  });

  it('apply repairs the malformed rows and nothing else; revert restores them byte-identical', async () => {
    const before = await checksum();
    const untouched = await checksum(sql`l.id not in (1, 2)`);
    const applied = await applyLinksRepair(db, { name: 'tracklink_20260622' });
    expect(applied.backupTable).toBe('mailramp_links_repair_tracklink_20260622');
    expect(applied.repairs.map((r) => r.id)).toEqual([1, 2]);
    expect(applied.collisions.map((c) => c.id)).toEqual([6]);
    const now = await sql<{
      id: number;
      url: string;
    }>`select id, url from links where id in (1, 2) order by id`.execute(db);
    expect(now.rows.map((r) => r.url)).toEqual(applied.repairs.map((r) => r.repairedUrl));
    expect(now.rows.every((r) => new URL(r.url).search.startsWith('?utm_source='))).toBe(true);
    expect(await checksum(sql`l.id not in (1, 2)`)).toBe(untouched);
    expect((await findMalformedLinks(db)).repairs).toEqual([]);
    expect(await listLinksRepairs(db)).toMatchObject([{ name: 'tracklink_20260622', rows: 2 }]);

    const reverted = await revertLinksRepair(db, { name: 'tracklink_20260622' });
    expect(reverted).toEqual({ name: 'tracklink_20260622', restored: 2, alreadyRestored: 0, skipped: [] });
    expect(await checksum()).toBe(before);
    const again = await revertLinksRepair(db, { name: 'tracklink_20260622' });
    expect(again).toMatchObject({ restored: 0, alreadyRestored: 2 });
  });

  it('refuses a repair name that exists, and a revert of an unknown name', async () => {
    await applyLinksRepair(db, { name: 'once' });
    await expect(applyLinksRepair(db, { name: 'once' })).rejects.toMatchObject({
      code: 'LINKS_REPAIR_EXISTS',
    });
    await expect(revertLinksRepair(db, { name: 'never' })).rejects.toMatchObject({
      code: 'LINKS_REPAIR_NOT_FOUND',
    });
    await expect(applyLinksRepair(db, { name: 'Bad Name; drop table links' })).rejects.toMatchObject({
      code: 'BACKFILL_INVALID',
    });
  });

  it('revert leaves a row alone when Listmonk registered its broken URL again since the repair', async () => {
    await applyLinksRepair(db, { name: 'rereg' });
    // A later render of the still-broken template registers the old string as a new row.
    await sql`insert into links (uuid, url) values (${uuidOf(99)}, ${ROWS[0]![1]})`.execute(db);
    // And someone edited row 2 by hand.
    await sql`update links set url = 'https://performancewest.net/tools/dot-check' where id = 2`.execute(db);
    const reverted = await revertLinksRepair(db, { name: 'rereg' });
    expect(reverted).toMatchObject({
      restored: 0,
      skipped: [
        { id: 1, reason: 'old_url_registered_again' },
        { id: 2, reason: 'changed' },
      ],
    });
  });

  it('a failure mid-apply leaves no backup table and no rewritten row', async () => {
    const before = await checksum();
    await sql`create function no_update() returns trigger language plpgsql as $$
      begin if new.id = 2 then raise exception 'injected failure'; end if; return new; end $$`.execute(db);
    await sql`create trigger no_update before update on links for each row execute function no_update()`.execute(
      db,
    );
    await expect(applyLinksRepair(db, { name: 'doomed' })).rejects.toThrow('injected failure');
    expect(await listLinksRepairs(db)).toEqual([]);
    expect(await checksum()).toBe(before);
  });

  it("refuses a database without Listmonk's links table", async () => {
    await sql`drop table link_clicks, links`.execute(db);
    await expect(findMalformedLinks(db)).rejects.toMatchObject({ code: 'LINKS_TABLE_MISSING' });
    await expect(applyLinksRepair(db, { name: 'x' })).rejects.toMatchObject({ code: 'LINKS_TABLE_MISSING' });
  });
});
