import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createMxClassifier, type MxRecord } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagMxProviders } from './tag-mx-providers.js';

const MX: Record<string, MxRecord[]> = {
  'acme.example': [{ exchange: 'acme-example.mail.protection.outlook.com', priority: 0 }],
  'gmailish.example': [
    { exchange: 'aspmx.l.google.com', priority: 1 },
    { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
  ],
  'mixed.example': [
    { exchange: 'aspmx.l.google.com', priority: 1 },
    { exchange: 'mx.mixed.example', priority: 5 },
  ],
};

function resolver() {
  const asked: string[] = [];
  return {
    asked,
    resolveMx: async (domain: string): Promise<MxRecord[]> => {
      asked.push(domain);
      if (domain === 'flaky.example')
        throw Object.assign(new Error('queryMx ETIMEOUT flaky.example'), { code: 'ETIMEOUT' });
      const records = MX[domain];
      if (records === undefined)
        throw Object.assign(new Error(`queryMx ENOTFOUND ${domain}`), { code: 'ENOTFOUND' });
      return records;
    },
    resolveAddress: async (domain: string): Promise<string[]> => {
      throw Object.assign(new Error(`queryA ENOTFOUND ${domain}`), { code: 'ENOTFOUND' });
    },
  };
}

describe.each(testEngines())('tagMxProviders on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        { dot_number: 1, email: 'a@acme.example' },
        { dot_number: 2, email: 'b@ACME.example' },
        { dot_number: 3, email: 'c@gmailish.example' },
        { dot_number: 4, email: 'd@mixed.example' },
        { dot_number: 5, email: 'e@nomx.example' },
        { dot_number: 6, email: 'f@flaky.example' },
        { dot_number: 7, email: 'g@tagged.example', mx_provider: 'zoho' },
      ])
      .execute();
    await t.db.insertInto('hc_providers').values({ npi: '1234567893', email: 'h@acme.example' }).execute();
  });
  afterAll(() => t.destroy());

  it('looks each untagged domain up once, tags only untagged rows, leaves failed look-ups for the next run', async () => {
    const dns = resolver();
    const dry = await tagMxProviders(t.db, {
      classifier: createMxClassifier(dns),
      dryRun: true,
    });
    expect(dry).toMatchObject({ dryRun: true, rowsTagged: 6 });
    expect(
      await t.db
        .selectFrom('fmcsa_carriers')
        .select('dot_number')
        .where('mx_provider', 'is not', null)
        .execute(),
    ).toHaveLength(1);

    const live = resolver();
    const result = await tagMxProviders(t.db, {
      classifier: createMxClassifier(live),
    });
    expect(live.asked.sort()).toEqual([
      'acme.example',
      'flaky.example',
      'gmailish.example',
      'mixed.example',
      'nomx.example',
    ]);
    expect(result).toMatchObject({
      domains: 5,
      lookups: 5,
      rowsTagged: 6,
      byOperator: { microsoft: 1, google: 1, 'mx:mixed': 1, domain_not_found: 1 },
      failed: [{ domain: 'flaky.example', error: 'queryMx ETIMEOUT flaky.example', transport: true }],
    });
    const rows = await t.db
      .selectFrom('fmcsa_carriers')
      .select(['dot_number', 'mx_provider'])
      .orderBy('dot_number')
      .execute();
    expect(rows.map((r) => r.mx_provider)).toEqual([
      'microsoft',
      'microsoft',
      'google',
      'mx:mixed',
      'domain_not_found',
      null,
      'zoho',
    ]);
    expect(
      (await t.db.selectFrom('hc_providers').select('mx_provider').executeTakeFirstOrThrow()).mx_provider,
    ).toBe('microsoft');

    const again = resolver();
    await tagMxProviders(t.db, { classifier: createMxClassifier(again) });
    expect(again.asked).toEqual(['flaky.example']);
  });
});

describe.each(testEngines())('tagMxProviders with an unreachable resolver on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values(Array.from({ length: 30 }, (_, i) => ({ dot_number: i + 1, email: `a@d${100 + i}.example` })))
      .execute();
  });
  afterAll(() => t.destroy());

  const classifier = (answers: (domain: string) => boolean, asked: string[]) =>
    createMxClassifier({
      resolveMx: async (domain) => {
        asked.push(domain);
        if (answers(domain)) return [{ exchange: 'aspmx.l.google.com', priority: 1 }];
        throw Object.assign(new Error(`queryMx ECONNREFUSED ${domain}`), { code: 'ECONNREFUSED' });
      },
      resolveAddress: async () => [],
    });

  it('stops asking once the first look-ups all failed to reach the resolver', async () => {
    const asked: string[] = [];
    const result = await tagMxProviders(t.db, {
      classifier: classifier(() => false, asked),
      concurrency: 1,
      giveUpAfter: 5,
    });
    expect(asked).toHaveLength(5);
    expect(result).toMatchObject({ domains: 30, rowsTagged: 0, notAsked: 25 });
    expect(result.failed).toHaveLength(5);
    expect(result.failed.every((f) => f.transport)).toBe(true);
  });

  it('asks every domain once the resolver has answered one', async () => {
    const asked: string[] = [];
    const result = await tagMxProviders(t.db, {
      classifier: classifier((d) => d === 'd100.example', asked),
      concurrency: 1,
      giveUpAfter: 5,
    });
    expect(asked).toHaveLength(30);
    expect(result).toMatchObject({ domains: 30, rowsTagged: 1, notAsked: 0, byOperator: { google: 1 } });
    expect(result.failed).toHaveLength(29);
  });
});
