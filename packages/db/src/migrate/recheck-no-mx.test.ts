import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '../testing/index.js';
import { MIGRATIONS_DIR } from './list-migration-files.js';
import { runMigrations } from './run-migrations.js';

const MIGRATION = '0804_mx_provider_recheck_no_mx.sql';

// A database tagged by the old classify-mx, where no_mx meant NXDOMAIN, null MX or no MX alike.
describe.each(everyTestEngine())(`migration ${MIGRATION} on %s`, (engine) => {
  let t: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-0804-'));
  afterAll(async () => {
    await t?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clears old no_mx tags so the next classify-mx asks again, and keeps every other tag', async () => {
    t = await createTestDatabase({ engine, migrate: false });
    cpSync(MIGRATIONS_DIR, dir, { recursive: true, filter: (src) => !src.endsWith(MIGRATION) });
    await runMigrations(t.db, { dir });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        { dot_number: 1, email: 'a@gone.example', mx_provider: 'no_mx' },
        { dot_number: 2, email: 'b@fleet.example', mx_provider: 'google' },
        { dot_number: 3, email: 'c@new.example' },
      ])
      .execute();
    await t.db
      .insertInto('hc_providers')
      .values({ npi: '1234567893', email: 'd@nullmx.example', mx_provider: 'no_mx' })
      .execute();

    expect((await runMigrations(t.db)).applied).toContain(MIGRATION);
    const carriers = await t.db
      .selectFrom('fmcsa_carriers')
      .select(['dot_number', 'mx_provider'])
      .orderBy('dot_number')
      .execute();
    expect(carriers.map((r) => r.mx_provider)).toEqual([null, 'google', null]);
    const provider = await t.db.selectFrom('hc_providers').select('mx_provider').executeTakeFirstOrThrow();
    expect(provider.mx_provider).toBeNull();
  });
});
