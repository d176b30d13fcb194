import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierRow } from '../testing/carrier-row.js';
import { planBuild } from './plan-build.js';
import { type BuildSettings, resolveBuildRules } from './resolve-build-rules.js';

const DATE = '2026-11-24'; // UCR touch 1 is open (30 business days before Dec 31)
const now = () => new Date('2026-11-24T06:00:00Z');

describe.each(testEngines())('planBuild on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        carrierRow(11, { email: 'a@gmail.com', mcs150_date: null, mx_provider: 'google' }),
        carrierRow(12, { email: 'b@yahoo.com', mcs150_date: null, mx_provider: 'yahoo' }),
        carrierRow(13, { status_code: 'I' }),
        carrierRow(14, { mcs150_date: null, email: 'Gone@Carrier14.com' }),
        carrierRow(15, { mcs150_date: null, email_verify_result: 'mx_unreachable' }),
        carrierRow(16, { mcs150_date: null, phy_state: 'CA', phy_zip: '90001' }),
        carrierRow(17, { mcs150_date: null, status_code: 'I' }),
        carrierRow(18, { mcs150_date: null, listmonk_sent_at: '2026-10-01T15:00:00Z' }),
        carrierRow(19, { mcs150_date: null, mx_provider: 'google' }),
        carrierRow(20, { mcs150_date: null, email: 'x@deadtenant.com' }),
        carrierRow(21, { attributes: { deficiency_flags: ['hazmat'] } }),
        carrierRow(22, {
          carrier_operation: 'A',
          listmonk_sent_at: '2026-10-01T15:00:00Z',
          email: 'ops@interstate22.com',
        }),
        carrierRow(23, { mcs150_date: null, email_verify_result: 'catch_all_domain' }),
        carrierRow(24, { mcs150_date: null, email: 'not an address' }),
        carrierRow(25, { mcs150_date: null, mx_provider: 'microsoft', email: 'it@bigco25.com' }),
        carrierRow(26, { email: null, mcs150_date: null }),
      ])
      .execute();
    await t.db
      .insertInto('suppressions')
      .values({ email: 'gone@carrier14.com', reason: 'hard_bounce', source: 'test' })
      .execute();
    await t.db
      .insertInto('suppressed_domains')
      .values({ domain: 'deadtenant.com', reason: 'dead_tenant', source: 'test' })
      .execute();
  });
  afterAll(() => t.destroy());

  const rulesOf = (settings: BuildSettings = {}) =>
    resolveBuildRules('trucking', settings, createDomainFamilies());

  it('selects one segment per recipient by priority and counts every exclusion by reason', async () => {
    const plan = await planBuild(t.db, rulesOf(), { vertical: 'trucking', date: DATE, warmupDay: 3, now });
    const bySegment = Object.fromEntries(plan.recipients.map((r) => [r.recipientKey, r.segment]));
    expect(bySegment).toEqual({
      '13': 'usdot_reactivation',
      '17': 'usdot_reactivation',
      '16': 'mcs150',
      '21': 'deficiency_hazmat',
      '22': 'ucr',
    });
    expect(plan.excluded).toMatchObject({
      'family:google_consumer': 1,
      'family:yahoo': 1,
      suppressed: 1,
      suppressed_domain: 1,
      unverified: 1,
      catch_all: 1,
      invalid_address: 1,
      operator_held: 2,
    });
    expect(plan.alreadyMailed).toBe(2);
    expect(plan.segments.find((s) => s.id === 'ucr')).toMatchObject({ cycle: 'ucr:2026', touch: 1 });
  });

  it('puts each recipient in a coupon arm by e-mail: its code on lp_link, the arm kept as coupon_arm', async () => {
    const coupon = {
      arms: [
        { name: '20', code: 'SAVE20-{yyyymmdd}' },
        { name: '30', code: 'SAVE30-{yyyymmdd}' },
      ],
    };
    const plan = await planBuild(t.db, rulesOf({ verticals: { trucking: { coupon } } }), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 3,
      now,
    });
    expect(plan.recipients.length).toBeGreaterThan(1);
    for (const r of plan.recipients) {
      const attribs = (r.subscriber as { attribs: Record<string, string> }).attribs;
      expect(['20', '30']).toContain(attribs.coupon_arm);
      expect(attribs.coupon).toBe(`SAVE${attribs.coupon_arm}-20261124`);
      expect(attribs.lp_link).toMatch(new RegExp(`[?&]code=SAVE${attribs.coupon_arm}-20261124$`));
    }
    const r16 = plan.recipients.find((r) => r.recipientKey === '16');
    expect(r16?.subscriber).toMatchObject({ attribs: { coupon: 'SAVE30-20261124', coupon_arm: '30' } });
  });

  it('groups campaigns per segment × zone at the local morning, with dated names and lp_link owning the query', async () => {
    const plan = await planBuild(
      t.db,
      rulesOf({ verticals: { trucking: { siteUrl: 'https://example.net/', coupon: 'SAVE20' } } }),
      { vertical: 'trucking', date: DATE, warmupDay: 3, now },
    );
    const mcs = plan.campaigns.find((c) => c.segment === 'mcs150');
    expect(mcs).toMatchObject({
      name: 'mailramp-trucking-2026-11-24-mcs150-pacific',
      zone: 'pacific',
      recipients: 1,
    });
    expect(mcs?.sendAt.toISOString()).toBe('2026-11-24T17:00:00.000Z');
    const r16 = plan.recipients.find((r) => r.recipientKey === '16');
    expect(r16?.subscriber).toMatchObject({
      name: 'CARRIER 16',
      attribs: {
        lp_link: 'https://example.net/order/mcs150-update?dot=16&code=SAVE20',
        dot: '16',
        legal_name: 'CARRIER 16',
      },
    });
  });

  it('MAIN_EXCLUDE_OPERATORS replaces the default set: microsoft back in, google held', async () => {
    const plan = await planBuild(t.db, rulesOf({ excludeOperators: ['google'] }), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 3,
      now,
    });
    const keys = plan.recipients.map((r) => r.recipientKey);
    expect(keys).toContain('25');
    expect(keys).not.toContain('19');
    expect(plan.heldOperators).toEqual(['google']);
  });

  it('--only-segment and --max-per-segment; a dry plan writes nothing', async () => {
    const plan = await planBuild(t.db, rulesOf(), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 3,
      now,
      onlySegment: 'usdot_reactivation',
      maxPerSegment: 1,
    });
    expect(plan.recipients.map((r) => r.recipientKey)).toEqual(['13']);
    expect(plan.capsHit.segments).toEqual(['usdot_reactivation']);
    const ledger = await t.db
      .selectFrom('send_ledger')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const runs = await t.db
      .selectFrom('build_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(ledger?.n)).toBe(0);
    expect(Number(runs?.n)).toBe(0);
  });

  it('rejects an unknown segment and a passed slot before anything is written', async () => {
    await expect(
      planBuild(t.db, rulesOf(), {
        vertical: 'trucking',
        date: DATE,
        warmupDay: 3,
        now,
        onlySegment: 'nope',
      }),
    ).rejects.toThrow(/--only-segment nope is not an enabled trucking segment/);
    await expect(
      planBuild(t.db, rulesOf(), {
        vertical: 'trucking',
        date: DATE,
        warmupDay: 3,
        now: () => new Date('2026-11-24T16:00:00Z'),
      }),
    ).rejects.toMatchObject({ code: 'SLOT_PASSED' });
  });
});

describe.each(testEngines())('planBuild paging on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    // 600 overdue carriers where only every 7th is sendable: the walk must page past the rest.
    const rows = Array.from({ length: 600 }, (_, i) =>
      carrierRow(1000 + i, {
        mcs150_date: null,
        email_verify_result: i % 7 === 0 ? 'smtp_valid' : 'mx_unreachable',
        mx_provider: `mx:host${i % 40}.net`,
      }),
    );
    await t.db.insertInto('fmcsa_carriers').values(rows).execute();
  });
  afterAll(() => t.destroy());

  it('fetches more rows until the caps are filled or the segment is exhausted, counting each exclusion once', async () => {
    const plan = await planBuild(t.db, resolveBuildRules('trucking', {}, createDomainFamilies()), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 3,
      now,
    });
    expect(plan.recipients).toHaveLength(86);
    expect(plan.excluded).toEqual({ unverified: 514 });
    expect(new Set(plan.recipients.map((r) => r.recipientKey)).size).toBe(86);
  });
});

describe.each(testEngines())('planBuild catch-all measurement on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        carrierRow(23, { mcs150_date: null, email_verify_result: 'catch_all_domain' }),
        carrierRow(24, { mcs150_date: null }),
      ])
      .execute();
    const run = await t.db
      .insertInto('build_runs')
      .values({ vertical: 'trucking', build_date: '2026-11-21', status: 'succeeded' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // 300 recipients sent three days ago, and one sent a month ago that bounced (outside the window).
    const sent = (i: number, at: string) => ({
      vertical: 'trucking',
      recipient_key: String(5000 + i),
      email: `r${i}@sent.example`,
      segment: 'mcs150',
      build_date: at.slice(0, 10),
      build_run_id: run.id,
      listmonk_instance: 'default',
      list_name: 'l',
      campaign_name: 'c',
      send_at: at,
      state: 'scheduled' as const,
    });
    await t.db
      .insertInto('send_ledger')
      .values([
        ...Array.from({ length: 300 }, (_, i) => sent(i, '2026-11-21T15:00:00Z')),
        sent(999, '2026-10-21T15:00:00Z'),
      ])
      .execute();
  });
  afterAll(() => t.destroy());

  const failures = async (from: number, to: number, policy: boolean) => {
    const rows = [];
    for (let i = from; i < to; i += 1) {
      rows.push({
        key: `${policy ? 'p' : 'r'}${i}`,
        email: `r${i}@sent.example`,
        dsn: policy ? '5.7.1' : '5.1.1',
        policy,
        source: 'test',
        at: '2026-11-22T10:00:00Z',
      });
    }
    await t.db.insertInto('recipient_failures').values(rows).execute();
  };
  const plan = () =>
    planBuild(t.db, resolveBuildRules('trucking', {}, createDomainFamilies()), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 25,
      now,
    });

  it('lets catch-all results in from day 21 while recipient bounces stay under 8 % of 300+ recent sends', async () => {
    await failures(0, 20, false); // 6.7 %
    await failures(20, 200, true); // a reputation blast: never counts against recipients
    await failures(999, 1000, false); // bounced, but sent outside the 5-day window
    const first = await plan();
    expect(first.catchAll).toMatchObject({ included: true });
    expect(first.catchAll.why).toContain('6.7 % over 300 sends');
    expect(first.recipients.map((r) => r.recipientKey)).toContain('23');

    await failures(200, 210, false); // 30 of 300: 10 %
    const second = await plan();
    expect(second.catchAll).toMatchObject({ included: false });
    expect(second.catchAll.why).toContain('10.0 %');
    expect(second.recipients.map((r) => r.recipientKey)).not.toContain('23');
    expect(second.excluded.catch_all).toBe(1);

    const early = await planBuild(t.db, resolveBuildRules('trucking', {}, createDomainFamilies()), {
      vertical: 'trucking',
      date: DATE,
      warmupDay: 20,
      now,
    });
    expect(early.catchAll.why).toBe('warm-up day 20 < 21');
  });
});
