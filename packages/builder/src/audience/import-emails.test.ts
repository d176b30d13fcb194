import { createTestDatabase, everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCarriers } from './import-carriers.js';
import { importEmails } from './import-emails.js';
import { importVerification } from './import-verification.js';
import { readCsvRecords } from './read-csv-records.js';

async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}
const text = (s: string) => readCsvRecords(chunk(s));

describe.each(everyTestEngine())('importEmails and importVerification on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        {
          dot_number: 1,
          legal_name: 'ONE',
          email: 'old@one.example',
          email_verify_result: 'smtp_valid',
          mx_provider: 'google',
        },
        { dot_number: 2, legal_name: 'TWO' },
        {
          dot_number: 3,
          legal_name: 'THREE',
          email: 'gone@three.example',
          email_verify_result: 'smtp_valid',
        },
      ])
      .execute();
    await t.db
      .insertInto('suppressions')
      .values([
        { email: 'blocked@two.example', reason: 'unsubscribe', source: 'test' },
        { email: 'gone@three.example', reason: 'hard_bounce', source: 'test' },
      ])
      .execute();
    await t.db
      .insertInto('suppressed_domains')
      .values({ domain: 'deadtenant.example', reason: 'dead_tenant', source: 'test' })
      .execute();
  });
  afterAll(() => t.destroy());
  const carrier = (dot: number) =>
    t.db.selectFrom('fmcsa_carriers').selectAll().where('dot_number', '=', dot).executeTakeFirstOrThrow();

  it('sets enrichment addresses by key, refuses suppressed ones, reports unknown keys by line', async () => {
    const summary = await importEmails(
      t.db,
      text(
        'dot_number,email\n1,New@One.example\n2,blocked@two.example\n2,ops@deadtenant.example\n99,x@y.example\nabc,a@b.example\n2,not-an-email\n',
      ),
      { vertical: 'trucking' },
    );
    expect(summary).toMatchObject({
      inserted: 0,
      updated: 1,
      rejected: { suppressed: 1, unknown_key: 1, bad_key: 1, bad_email: 1, duplicate_key: 1 },
    });
    expect(summary.problems.map((p) => [p.line, p.reason])).toEqual([
      [3, 'suppressed'],
      [4, 'duplicate_key'],
      [5, 'unknown_key'],
      [6, 'bad_key'],
      [7, 'bad_email'],
    ]);
    expect(await carrier(1)).toMatchObject({
      email: 'new@one.example',
      email_verify_result: null,
      // Same domain, same MX: the operator stays.
      mx_provider: 'google',
      attributes: { email_source: 'enrichment' },
    });
    expect((await carrier(2)).email).toBeNull();
    const domain = await importEmails(t.db, text('dot_number,email\n2,ops@deadtenant.example\n'), {
      vertical: 'trucking',
    });
    expect(domain.rejected).toEqual({ suppressed: 1 });
  });

  it('an unknown key names the file that brings it: the FMCSA census for a USDOT number, NPPES for an NPI', async () => {
    const truck = await importEmails(t.db, text('dot_number,email\n99,x@y.example\n'), {
      vertical: 'trucking',
    });
    expect(truck.problems[0]?.detail).toBe(
      'no carrier with this USDOT number; import the FMCSA census first (audience import fmcsa)',
    );
    const npi = await importEmails(t.db, text('npi,email\n1234567893,x@y.example\n'), {
      vertical: 'healthcare',
    });
    expect(npi.rejected).toEqual({ unknown_key: 1 });
    expect(npi.problems[0]?.detail).toBe(
      'no provider with this NPI; import NPPES first (audience import nppes)',
    );
  });

  it('a census refresh does not replace an enrichment address', async () => {
    await importCarriers(t.db, text('dot_number,legal_name,email_address\n1,ONE LLC,census@one.example\n'), {
      yearPivot: 26,
    });
    expect(await carrier(1)).toMatchObject({ legal_name: 'ONE LLC', email: 'new@one.example' });
  });

  it('maps verifier results onto email_verify_result and never re-confirms a suppressed address', async () => {
    const summary = await importVerification(
      t.db,
      text(
        'email,result\nNEW@one.example,deliverable\ngone@three.example,valid\nnobody@none.example,valid\nnew@one.example,catch-all\nx@one.example,maybe\n',
      ),
    );
    expect(summary).toMatchObject({
      updated: 1,
      rejected: { suppressed: 1, unknown_key: 1, duplicate_key: 1, unknown_result: 1 },
    });
    expect((await carrier(1)).email_verify_result).toBe('smtp_valid');
    expect((await carrier(3)).email_verify_result).toBe('smtp_valid');
    const bounced = await importVerification(t.db, text('email,result\ngone@three.example,hard_bounced\n'));
    expect(bounced).toMatchObject({ updated: 1 });
    expect((await carrier(3)).email_verify_result).toBe('hard_bounced');
    expect(
      await importVerification(t.db, text('email,result\ngone@three.example,hard_bounced\n')),
    ).toMatchObject({
      updated: 0,
      unchanged: 1,
    });
  });
});
