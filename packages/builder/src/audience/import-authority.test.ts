import { createReadStream } from 'node:fs';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importAuthority } from './import-authority.js';
import { importCarriers } from './import-carriers.js';
import { readCsvRecords } from './read-csv-records.js';

// Real headers of the FMCSA files, rows made up in their shape (test/fixtures/audience/README.md).
const fixture = (name: string) =>
  readCsvRecords(
    createReadStream(new URL(`../../../../test/fixtures/audience/${name}`, import.meta.url).pathname),
  );

describe.each(everyTestEngine())('importAuthority on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  beforeEach(async () => {
    await t.db.deleteFrom('fmcsa_carriers').execute();
    // The SMS census: AUTHORIZED_FOR_HIRE, no STATUS_CODE.
    await importCarriers(t.db, fixture('fmcsa-sms-census-authority.csv'), { yearPivot: 26 });
  });
  afterAll(() => t?.destroy());

  const flags = async () => {
    const rows = await t.db.selectFrom('fmcsa_carriers').select(['dot_number', 'attributes']).execute();
    const out: Record<number, unknown> = {};
    for (const r of rows) {
      const f = r.attributes.deficiency_flags as string[] | undefined;
      if (f !== undefined && f.length > 0) out[r.dot_number] = f;
    }
    return out;
  };

  it('derives for_hire_authority and new_carrier_startup from L&I, Motus and BOC-3; bad rows by line', async () => {
    const li = await importAuthority(t.db, fixture('fmcsa-li-carrier.csv'));
    expect(li).toMatchObject({
      kind: 'authority',
      layout: 'li_carrier',
      read: 7,
      updated: 3,
      skipped: { no_dot: 1 },
      rejected: { bad_key: 1, bad_value: 1 },
      flagged: { for_hire_authority: 4 },
    });
    expect(li.problems.map((p) => [p.line, p.reason])).toEqual([
      [7, 'bad_key'],
      [8, 'bad_value'],
    ]);
    // No docket at all (1000001, and 1000004/1000006 until the Motus file says otherwise), or only a
    // broker authority (1000007); 1000005 is a private carrier, 1000003's application is pending.
    expect(await flags()).toEqual({
      1000001: ['for_hire_authority'],
      1000004: ['for_hire_authority'],
      1000006: ['for_hire_authority'],
      1000007: ['for_hire_authority'],
    });

    expect(await importAuthority(t.db, fixture('fmcsa-motus-carrier.csv'))).toMatchObject({
      layout: 'motus_carrier',
      updated: 2,
    });
    expect(await flags()).toEqual({ 1000001: ['for_hire_authority'], 1000007: ['for_hire_authority'] });

    // Without a BOC-3 file nothing says "no BOC-3": the start-up flag waits for one.
    const boc3 = await importAuthority(t.db, fixture('fmcsa-li-boc3.csv'));
    expect(boc3).toMatchObject({ layout: 'li_boc3', updated: 2, flagged: { new_carrier_startup: 1 } });
    expect(await flags()).toEqual({
      1000001: ['for_hire_authority'],
      1000003: ['new_carrier_startup'],
      1000007: ['for_hire_authority'],
    });

    // A re-import changes nothing.
    expect(await importAuthority(t.db, fixture('fmcsa-li-boc3.csv'))).toMatchObject({
      updated: 0,
      unchanged: 2,
    });
    expect(await importAuthority(t.db, fixture('fmcsa-li-carrier.csv'))).toMatchObject({
      updated: 0,
      unchanged: 3,
    });
  });

  it('a later file that no longer lists a carrier takes back what it said; hand-set flags stay', async () => {
    await t.db
      .updateTable('fmcsa_carriers')
      .set({ attributes: sql`attributes || '{"deficiency_flags": ["hazmat"]}'::jsonb` })
      .where('dot_number', '=', 1000003)
      .execute();
    await importAuthority(t.db, fixture('fmcsa-li-carrier.csv'));
    await importAuthority(t.db, fixture('fmcsa-li-boc3.csv'));
    expect((await flags())[1000003]).toEqual(['hazmat', 'new_carrier_startup']);
    // The application was dismissed: the next L&I file lists 1000003 no more.
    const header =
      'docket_number,dot_number,mx_type,rfc_number,common_stat,contract_stat,broker_stat,common_app_pend,contract_app_pend\n';
    async function* later() {
      yield `${header}MC01234567,01000002,,,A,N,N,N,N\n`;
    }
    const summary = await importAuthority(t.db, readCsvRecords(later()));
    expect(summary).toMatchObject({ updated: 2 });
    expect((await flags())[1000003]).toEqual(['for_hire_authority', 'hazmat']);
    expect((await flags())[1000007]).toEqual(['for_hire_authority']);
  });

  it('a dry run writes nothing', async () => {
    const summary = await importAuthority(t.db, fixture('fmcsa-li-carrier.csv'), { dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, updated: 3, flagged: { for_hire_authority: 4 } });
    expect(await flags()).toEqual({});
  });

  it('refuses a file that is none of the authority files', async () => {
    async function* other() {
      yield 'DOT_NUMBER,LEGAL_NAME\n1,X\n';
    }
    await expect(importAuthority(t.db, readCsvRecords(other()))).rejects.toThrow(/FMCSA authority files/);
  });
});
