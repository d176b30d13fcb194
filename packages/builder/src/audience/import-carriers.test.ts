import { createReadStream } from 'node:fs';
import { createTestDatabase, everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { importCarriers } from './import-carriers.js';
import { readCsvRecords } from './read-csv-records.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const records = (name: string) => readCsvRecords(createReadStream(fixture(name)));
async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}
const text = (s: string) => readCsvRecords(chunk(s));

describe.each(everyTestEngine())('importCarriers on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());

  const carrier = (dot: number) =>
    t.db.selectFrom('fmcsa_carriers').selectAll().where('dot_number', '=', dot).executeTakeFirstOrThrow();

  it('imports the SMS census (DD-MON-YY with the year pivot), reporting bad rows by line', async () => {
    const summary = await importCarriers(t.db, records('fmcsa-sms-census.csv'), {
      yearPivot: 26,
      batchSize: 2,
    });
    expect(summary).toMatchObject({
      kind: 'fmcsa',
      layout: 'sms_census',
      read: 10,
      inserted: 5,
      updated: 0,
      unchanged: 0,
      rejected: { bad_date: 1, bad_key: 1, bad_number: 1, field_count: 1, duplicate_key: 1 },
      warnings: { invalid_email: 1 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [6, 'bad_date'],
      [7, 'bad_key'],
      [8, 'bad_number'],
      [9, 'field_count'],
      [10, 'duplicate_key'],
      [11, 'invalid_email'],
    ]);
    expect(summary.problems[0]?.detail).toBe('mcs150_date: 31-APR-19 is not a calendar date');
    expect(await carrier(1234567)).toMatchObject({
      legal_name: 'ACME HAULING LLC',
      email: 'dispatch@acmehauling.com',
      email_domain: 'acmehauling.com',
      phy_state: 'TX',
      carrier_operation: 'A',
      mcs150_date: '2019-01-15',
      add_date: '1998-03-03',
      power_units: 12,
      drivers: 14,
      status_code: null,
      attributes: { census: { phy_city: 'ADDISON', hm_flag: 'N' } },
    });
    expect(await carrier(7)).toMatchObject({
      dba_name: 'LUCKY "7"',
      mcs150_date: '2026-07-01',
      add_date: '1927-06-30',
    });
    expect(await carrier(2000001)).toMatchObject({ legal_name: 'TWO LINE\nNAME CO', add_date: '2024-02-29' });
    expect(await carrier(2000005)).toMatchObject({ email: null, power_units: 3 });
    expect(await carrier(2000006)).toMatchObject({ mcs150_date: '2024-05-06' });
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await t.db.selectFrom('fmcsa_carriers').select(['dot_number', 'updated_at']).execute();
    const summary = await importCarriers(t.db, records('fmcsa-sms-census.csv'), { yearPivot: 26 });
    expect(summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
    const after = await t.db.selectFrom('fmcsa_carriers').select(['dot_number', 'updated_at']).execute();
    expect(after).toEqual(before);
  });

  it('the Company Census File updates fields but keeps listmonk_sent_at, verification, operator and flags', async () => {
    const sentAt = new Date('2026-06-01T12:00:00Z');
    await t.db
      .updateTable('fmcsa_carriers')
      .set({
        listmonk_sent_at: sentAt,
        email_verify_result: 'smtp_valid',
        mx_provider: 'google',
        attributes: sql`attributes || '{"deficiency_flags": ["ifta"]}'::jsonb`,
      })
      .where('dot_number', '=', 1234567)
      .execute();
    await t.db
      .insertInto('suppressions')
      .values({ email: 'owner@inactive.example', reason: 'hard_bounce', source: 'test' })
      .execute();

    const summary = await importCarriers(t.db, records('fmcsa-company-census.csv'), { yearPivot: 26 });
    expect(summary).toMatchObject({
      layout: 'company_census',
      read: 6,
      inserted: 3,
      updated: 1,
      unchanged: 0,
      rejected: { bad_date: 1, bad_key: 1 },
      warnings: { suppressed_email: 1 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'suppressed_email'],
      [5, 'bad_date'],
      [6, 'bad_key'],
    ]);
    expect(await carrier(1234567)).toMatchObject({
      status_code: 'A',
      company_officer: 'JANE DOE',
      listmonk_sent_at: sentAt,
      email_verify_result: 'smtp_valid',
      mx_provider: 'google',
      attributes: { deficiency_flags: ['ifta'], census: {} },
    });
    expect(await carrier(3000001)).toMatchObject({ email: null, status_code: 'I' });
    expect(await carrier(3000002)).toMatchObject({ mcs150_date: '2023-11-30', add_date: '2021-02-01' });

    const again = await importCarriers(t.db, records('fmcsa-company-census.csv'), { yearPivot: 26 });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });

  it('a changed address resets its verification and operator, never listmonk_sent_at', async () => {
    const header = 'dot_number,legal_name,email_address';
    const summary = await importCarriers(
      t.db,
      text(`${header}\n1234567,ACME HAULING LLC,ops@acme-new.example\n`),
      {
        yearPivot: 26,
      },
    );
    expect(summary).toMatchObject({ updated: 1 });
    expect(await carrier(1234567)).toMatchObject({
      email: 'ops@acme-new.example',
      email_verify_result: null,
      mx_provider: null,
      listmonk_sent_at: new Date('2026-06-01T12:00:00Z'),
      status_code: 'A',
      company_officer: 'JANE DOE',
    });
  });

  it('a dry run counts exactly but stores nothing', async () => {
    const summary = await importCarriers(
      t.db,
      text('dot_number,legal_name\n9999991,NEW CO\n1234567,RENAMED\n7,SEVEN, INC\n'),
      {
        yearPivot: 26,
        dryRun: true,
      },
    );
    expect(summary).toMatchObject({
      dryRun: true,
      inserted: 1,
      updated: 1,
      unchanged: 0,
      rejected: { field_count: 1 },
    });
    expect(
      await t.db
        .selectFrom('fmcsa_carriers')
        .select('dot_number')
        .where('dot_number', '=', 9999991)
        .execute(),
    ).toEqual([]);
    expect((await carrier(1234567)).legal_name).toBe('ACME HAULING LLC');
  });

  it('refuses an unknown header before writing anything', async () => {
    const count = async () =>
      (
        await t.db
          .selectFrom('fmcsa_carriers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const run = importCarriers(t.db, text('usdot,name\n5,FIVE\n'), { yearPivot: 26 });
    await expect(run).rejects.toBeInstanceOf(BuilderError);
    await expect(importCarriers(t.db, text('usdot,name\n5,FIVE\n'), { yearPivot: 26 })).rejects.toThrow(
      /neither the SMS census .* it starts usdot,name/,
    );
    expect(await count()).toBe(before);
  });
});
