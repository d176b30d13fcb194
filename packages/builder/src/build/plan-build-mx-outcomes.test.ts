import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierRow } from '../testing/carrier-row.js';
import { planBuild } from './plan-build.js';
import { resolveBuildRules } from './resolve-build-rules.js';

const DATE = '2026-06-22';
const now = () => new Date('2026-06-22T05:00:00Z');

// What classify-mx writes for each DNS outcome: a domain that does not exist, a null MX and a domain
// with neither MX nor address can never take mail; no MX with an address (implicit MX) can.
describe.each(testEngines())('a build and the MX outcomes of classify-mx on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        carrierRow(41, { mx_provider: 'domain_not_found', mcs150_date: null }),
        carrierRow(42, { mx_provider: 'null_mx', mcs150_date: null }),
        carrierRow(43, { mx_provider: 'no_mail_host', mcs150_date: null }),
        carrierRow(44, { mx_provider: 'no_mx', mcs150_date: null }),
        carrierRow(45, { mx_provider: 'no_mx', mcs150_date: null }),
        carrierRow(46, { mx_provider: 'godaddy', mcs150_date: null }),
      ])
      .execute();
  });
  afterAll(() => t.destroy());

  const plan = (operators: Record<string, number> = {}) =>
    planBuild(t.db, resolveBuildRules('trucking', { operatorCaps: { operators } }, createDomainFamilies()), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 40,
      now,
    });

  it('never schedules a domain that cannot take mail, and names why', async () => {
    const p = await plan();
    expect(p.recipients.map((r) => r.recipientKey).sort()).toEqual(['44', '45', '46']);
    expect(p.excluded).toMatchObject({ domain_not_found: 1, null_mx: 1, no_mail_host: 1 });
  });

  it('keeps the operator cap of no_mx rows', async () => {
    const p = await plan({ no_mx: 1 });
    expect(p.recipients.map((r) => r.recipientKey).sort()).toEqual(['44', '46']);
    expect(p.capsHit.operators).toMatchObject({ no_mx: 1 });
  });
});
