import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DbError } from '../errors.js';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '../testing/index.js';
import { listMigrationFiles, MIGRATIONS_DIR } from './list-migration-files.js';
import { getMigrationStatus, runMigrations } from './run-migrations.js';

describe.each(everyTestEngine())('migrations on %s', (engine) => {
  let t: TestDatabase | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.destroy();
    t = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function copyMigrations(): string {
    dir = mkdtempSync(join(tmpdir(), 'mailramp-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  it('applies every file from an empty database, in order, and records each', async () => {
    t = await createTestDatabase({ engine, migrate: false });
    const files = await listMigrationFiles();
    const seen: string[] = [];
    const result = await runMigrations(t.db, { onApplied: (name) => seen.push(name) });
    expect(result.applied).toEqual(files.map((f) => f.name));
    expect(seen).toEqual(files.map((f) => f.name));
    const rows = await t.db
      .selectFrom('mailramp_migrations')
      .select(['name', 'checksum'])
      .orderBy('name')
      .execute();
    expect(rows).toEqual(files.map((f) => ({ name: f.name, checksum: f.checksum })));
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = 'public' order by 1`.execute(t.db);
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['fmcsa_carriers', 'hc_providers', 'suppressions', 'send_ledger', 'build_runs']),
    );
  });

  // The tests below share one database migrated from the template (PostgreSQL) or snapshot (PGlite),
  // which runMigrations made from an empty database: the state migrating here would leave, without
  // a database and a migration a test (~0.5 CPU-s each on PGlite). The test above migrates from
  // empty. After each test, what its extra files added goes: their tables and their records.
  describe('on a migrated database', () => {
    let migrated: TestDatabase;
    let tables: string[];
    const publicTables = async (db: TestDatabase['db']) =>
      (
        await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = 'public'`.execute(db)
      ).rows.map((r) => r.name);
    beforeAll(async () => {
      migrated = await createTestDatabase({ engine });
      tables = await publicTables(migrated.db);
    });
    afterAll(() => migrated?.destroy());
    afterEach(async () => {
      const shipped = (await listMigrationFiles()).map((f) => f.name);
      await migrated.db.deleteFrom('mailramp_migrations').where('name', 'not in', shipped).execute();
      for (const name of await publicTables(migrated.db)) {
        if (!tables.includes(name)) await sql`drop table ${sql.table(name)}`.execute(migrated.db);
      }
    });

    it('is a no-op the second time', async () => {
      const t = migrated;
      const before = await t.db.selectFrom('mailramp_migrations').selectAll().orderBy('name').execute();
      const again = await runMigrations(t.db);
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toBe(before.length);
      expect(await t.db.selectFrom('mailramp_migrations').selectAll().orderBy('name').execute()).toEqual(
        before,
      );
    });

    it('refuses to continue when an applied file was edited, and applies nothing new', async () => {
      const t = migrated;
      const folder = copyMigrations();
      expect((await runMigrations(t.db, { dir: folder })).applied).toEqual([]);
      writeFileSync(join(folder, '0001_audience.sql'), '-- edited\n', { flag: 'a' });
      writeFileSync(join(folder, '9999_new_table.sql'), 'create table should_not_exist (id int);');
      const error = await runMigrations(t.db, { dir: folder }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DbError);
      expect((error as DbError).code).toBe('MIGRATION_EDITED');
      expect((error as DbError).message).toContain('0001_audience.sql');
      const status = await getMigrationStatus(t.db, { dir: folder });
      expect(status.find((s) => s.name === '0001_audience.sql')?.state).toBe('edited');
      expect(status.find((s) => s.name === '9999_new_table.sql')?.state).toBe('pending');
      const exists = await sql<{
        ok: boolean;
      }>`select to_regclass('should_not_exist') is not null as ok`.execute(t.db);
      expect(exists.rows[0]?.ok).toBe(false);
    });

    it('rolls a failing migration back entirely and records nothing for it', async () => {
      const t = migrated;
      const folder = copyMigrations();
      // Each file is its own transaction: the one before the broken one in the same run stays.
      writeFileSync(join(folder, '9997_fine.sql'), 'create table fine_t (id int);');
      writeFileSync(
        join(folder, '9998_broken.sql'),
        'create table half_done (id int);\nselect no_such_function();',
      );
      const applied: string[] = [];
      const error = await runMigrations(t.db, { dir: folder, onApplied: (name) => applied.push(name) }).catch(
        (e: unknown) => e,
      );
      expect((error as DbError).code).toBe('MIGRATION_FAILED');
      expect(applied).toEqual(['9997_fine.sql']);
      const exists = await sql<{ ok: boolean }>`select to_regclass('half_done') is not null as ok`.execute(
        t.db,
      );
      expect(exists.rows[0]?.ok).toBe(false);
      const status = await getMigrationStatus(t.db, { dir: folder });
      expect(status.find((s) => s.name === '9998_broken.sql')?.state).toBe('pending');
      expect(status.filter((s) => s.state === 'applied').length).toBe(status.length - 1);
    });

    it('reports an applied migration whose file is gone, and refuses to run', async () => {
      const t = migrated;
      const folder = copyMigrations();
      writeFileSync(join(folder, '9997_extra.sql'), 'create table extra_t (id int);');
      await runMigrations(t.db, { dir: folder });
      rmSync(join(folder, '9997_extra.sql'));
      expect(
        (await getMigrationStatus(t.db, { dir: folder })).find((s) => s.name === '9997_extra.sql')?.state,
      ).toBe('missing');
      await expect(runMigrations(t.db, { dir: folder })).rejects.toMatchObject({ code: 'MIGRATION_MISSING' });
    });
  });
});

describe('same values on both engines', () => {
  it.each(everyTestEngine())(
    '%s returns int8 as number, date as YYYY-MM-DD, jsonb as object',
    async (engine) => {
      const t = await createTestDatabase({ engine });
      try {
        await t.db
          .insertInto('fmcsa_carriers')
          .values({
            dot_number: 1234567,
            email: 'Ops@Example.COM',
            mcs150_date: '2024-07-15',
            attributes: { a: 1 },
          })
          .execute();
        const row = await t.db.selectFrom('fmcsa_carriers').selectAll().executeTakeFirstOrThrow();
        expect(row.dot_number).toBe(1234567);
        expect(row.mcs150_date).toBe('2024-07-15');
        expect(row.attributes).toEqual({ a: 1 });
        expect(row.email_domain).toBe('example.com');
        const count = await t.db
          .selectFrom('fmcsa_carriers')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst();
        expect(count?.n).toBe(1);
      } finally {
        await t.destroy();
      }
    },
  );
});
