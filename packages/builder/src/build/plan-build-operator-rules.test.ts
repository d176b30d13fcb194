import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierRow } from '../testing/carrier-row.js';
import { planBuild } from './plan-build.js';
import { resolveBuildRules } from './resolve-build-rules.js';

const DATE = '2026-06-22';
const now = () => new Date('2026-06-22T05:00:00Z');

describe.each(testEngines())('the operator rules of a build on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        // A business domain hosted at Yahoo (MX *.yahoodns.net → operator yahoo), and one at GoDaddy.
        carrierRow(31, { email: 'dispatch@smallfleet31.com', mx_provider: 'yahoo', mcs150_date: null }),
        carrierRow(32, { email: 'dispatch@otherfleet32.com', mx_provider: 'godaddy', mcs150_date: null }),
        // Interstate, mailed before, no operator classified yet: the only unclassified row.
        carrierRow(33, {
          email: 'dispatch@fleet33.com',
          mx_provider: null,
          carrier_operation: 'A',
          listmonk_sent_at: '2026-01-05T15:00:00Z',
        }),
      ])
      .execute();
  });
  afterAll(() => t.destroy());

  // Warm-up day 40: the default held set no longer applies, so only the family rule can stop yahoo.
  const plan = (byMxOperator?: boolean, excludeOperators?: string[]) =>
    planBuild(
      t.db,
      resolveBuildRules(
        'trucking',
        { excludeOperators },
        createDomainFamilies(byMxOperator === undefined ? {} : { byMxOperator }),
      ),
      { vertical: 'trucking', date: DATE, warmupDay: 40, now },
    );

  it('the Yahoo family applies by MX operator: a Yahoo-hosted business domain is never mailed', async () => {
    const p = await plan();
    expect(p.recipients.map((r) => r.recipientKey)).toEqual(['32']);
    expect(p.excluded).toMatchObject({ 'family:yahoo': 1 });
    // Also when the user holds other operators only (yahoo is not in MAIN_EXCLUDE_OPERATORS).
    const google = await plan(undefined, ['google']);
    expect(google.recipients.map((r) => r.recipientKey)).toEqual(['32']);
  });

  it('an unclassified carrier mailed before is still reminded when a filing cycle opens', async () => {
    // Found by plan-build-accounting.property.test.ts: the walk skipped rows with no operator when
    // every one of them was mailed, though filing-cycle segments remind mailed carriers too.
    const p = await planBuild(t.db, resolveBuildRules('trucking', {}, createDomainFamilies()), {
      vertical: 'trucking',
      date: '2026-11-24', // UCR touch 1 open
      warmupDay: 40,
      now: () => new Date('2026-11-24T05:00:00Z'),
    });
    expect(p.recipients.find((r) => r.recipientKey === '33')?.segment).toBe('ucr');
  });

  it('mailbox.families.byMxOperator false turns the MX rule off: by recipient domain only', async () => {
    const p = await plan(false);
    expect(p.recipients.map((r) => r.recipientKey).sort()).toEqual(['31', '32']);
  });
});
