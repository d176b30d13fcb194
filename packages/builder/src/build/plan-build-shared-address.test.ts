import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies, normalizeEmail } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCarriers } from '../audience/import-carriers.js';
import { importVerification } from '../audience/import-verification.js';
import { readCsvRecords } from '../audience/read-csv-records.js';

import { createBuildRun } from './build-runs-repository.js';
import { insertLedgerEntries } from './ledger-repository.js';
import { type BuildPlan, planBuild } from './plan-build.js';
import { resolveBuildRules } from './resolve-build-rules.js';

// The SMS census lists several USDOT numbers behind one address (a fleet and its leasing company,
// two entities of one owner). Listmonk keeps one subscriber per address: two campaigns the same day
// mail it twice, and the second import gives one carrier the other's lp_link.
const CENSUS = readFileSync(
  new URL('../../../../test/fixtures/audience/fmcsa-sms-census-shared-address.csv', import.meta.url),
  'utf8',
);
async function* chunk(s: string): AsyncGenerator<string> {
  yield s;
}
const csv = (s: string) => readCsvRecords(chunk(s));

const JUNE = '2026-06-22'; // every fixture carrier's biennial update is overdue (mcs150)
const NOVEMBER = '2026-11-24'; // UCR open: the interstate carriers are in ucr, the others in mcs150

describe.each(testEngines())('one address, one campaign a day (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    const census = await importCarriers(t.db, csv(CENSUS), { yearPivot: 26 });
    expect(census.rejected).toEqual({});
    const addresses = ['dispatch@alphafleet.com', 'office@twinroutes.com', 'owner@solohaul.com'];
    await importVerification(t.db, csv(['email,result', ...addresses.map((a) => `${a},valid`)].join('\n')));
  });
  afterAll(() => t.destroy());

  const rules = resolveBuildRules('trucking', {}, createDomainFamilies());
  const build = (date: string, on = date): Promise<BuildPlan> =>
    planBuild(t.db, rules, {
      vertical: 'trucking',
      date,
      warmupDay: 12,
      now: () => new Date(`${on}T05:00:00Z`),
    });
  /** What a scheduled push of `plan` leaves: its ledger rows scheduled, its keys stamped. */
  const pushed = async (plan: BuildPlan, date: string): Promise<void> => {
    const runId = await createBuildRun(t.db, { vertical: 'trucking', date, options: {} });
    await insertLedgerEntries(
      t.db,
      { id: runId, vertical: 'trucking', date, listmonkInstance: 'trucking' },
      plan.recipients,
    );
    await sql`update send_ledger set state = 'scheduled'`.execute(t.db);
    await sql`update fmcsa_carriers set listmonk_sent_at = now()
      where dot_number::text = any(${plan.recipients.map((r) => r.recipientKey)}::text[])`.execute(t.db);
  };
  const unpush = async (): Promise<void> => {
    await sql`update fmcsa_carriers set listmonk_sent_at = null`.execute(t.db);
    await sql`delete from send_ledger`.execute(t.db);
  };
  const keysOf = (plan: BuildPlan) => plan.recipients.map((r) => r.recipientKey).sort();

  it('the census import keeps the shared addresses: three keys behind one, two behind another', async () => {
    const rows = await t.db
      .selectFrom('fmcsa_carriers')
      .select(['email', sql<number>`count(*)::int`.as('n')])
      .groupBy('email')
      .orderBy('email')
      .execute();
    expect(rows).toEqual([
      { email: 'dispatch@alphafleet.com', n: 3 },
      { email: 'office@twinroutes.com', n: 2 },
      { email: 'owner@solohaul.com', n: 1 },
    ]);
  });

  it('selects one key per address (the lowest of a segment) and names the others as shared_address', async () => {
    const plan = await build(JUNE);
    expect(keysOf(plan)).toEqual(['3100001', '3200001', '3300001']);
    expect(plan.excluded).toEqual({ shared_address: 3 });
    // Each address's subscriber carries the selected key's attributes.
    for (const r of plan.recipients) {
      const attribs = (r.subscriber as { attribs: Record<string, string> }).attribs;
      expect(attribs.dot).toBe(r.recipientKey);
      expect(attribs.lp_link).toContain(`dot=${r.recipientKey}`);
    }
  });

  it('across segments too: an address in ucr and in mcs150 gets one campaign', async () => {
    const plan = await build(NOVEMBER);
    const addresses = plan.recipients.map((r) => normalizeEmail(r.email));
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.sort()).toEqual([
      'dispatch@alphafleet.com',
      'office@twinroutes.com',
      'owner@solohaul.com',
    ]);
    expect(plan.excluded).toEqual({ shared_address: 3 });
  });

  it('an address goes to its highest-priority key: the UCR reminder beats MCS-150 for twinroutes', async () => {
    // USDOT 3200001 (interstate) is in ucr (priority 16), 3200002 (intrastate) behind the same
    // address in mcs150 (priority 20): the time-critical UCR reminder and its carrier's attributes win.
    const ucrAlone = await planBuild(t.db, rules, {
      vertical: 'trucking',
      date: NOVEMBER,
      warmupDay: 12,
      onlySegment: 'ucr',
      now: () => new Date(`${NOVEMBER}T05:00:00Z`),
    });
    expect(ucrAlone.recipients.map((r) => [r.email, r.recipientKey])).toContainEqual([
      'office@twinroutes.com',
      '3200001',
    ]);
    const plan = await build(NOVEMBER);
    const twin = plan.recipients.filter((r) => r.email === 'office@twinroutes.com');
    expect(twin.map((r) => [r.segment, r.recipientKey])).toEqual([['ucr', '3200001']]);
    const attribs = (twin[0]!.subscriber as { attribs: Record<string, string> }).attribs;
    expect(attribs.dot).toBe('3200001');
    expect(attribs.lp_link).toContain('/order/ucr-registration?dot=3200001');
    // Every address goes to the highest-priority segment holding one of its keys (no cap bites here).
    expect(plan.recipients.map((r) => [r.segment, r.recipientKey]).sort()).toEqual([
      ['ucr', '3100001'],
      ['ucr', '3200001'],
      ['ucr', '3300001'],
    ]);
    expect(plan.excluded).toEqual({ shared_address: 3 });
  });

  it('a later run of the day does not pick an address an earlier run queued under another key', async () => {
    // The selected keys are never re-selected (stamped); their address-mates are not, by address.
    await pushed(await build(JUNE), JUNE);
    try {
      const later = await build(JUNE);
      expect(keysOf(later)).toEqual([]);
      expect(later.excluded).toEqual({ shared_address: 3 });
    } finally {
      await unpush();
    }
  });

  // Listmonk renders a campaign's mail at send time from the subscriber as it is then: an address
  // queued under one key for a campaign that has not sent yet (tomorrow's, built today) must not be
  // re-imported today under another key, or tomorrow's mail carries today's carrier's lp_link.
  it('does not pick an address queued under another key for a campaign that has not sent yet', async () => {
    const TOMORROW = '2026-06-23';
    const ahead = await build(TOMORROW, JUNE);
    expect(keysOf(ahead)).toEqual(['3100001', '3200001', '3300001']);
    await pushed(ahead, TOMORROW);
    try {
      const today = await build(JUNE);
      expect(keysOf(today)).toEqual([]);
      expect(today.excluded).toEqual({ shared_address: 3 });
      // Once tomorrow's campaigns have sent, the address-mates take their own reminders.
      expect(keysOf(await build('2026-06-24'))).toEqual(['3100002', '3200002']);
    } finally {
      await unpush();
    }
  });
});
