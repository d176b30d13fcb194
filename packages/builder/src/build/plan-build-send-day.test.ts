import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { carrierRow } from '../testing/carrier-row.js';
import { createBuildRun } from './build-runs-repository.js';
import { insertLedgerEntries } from './ledger-repository.js';
import { type BuildPlan, type BuildRequest, planBuild } from './plan-build.js';
import { type BuildSettings, resolveBuildRules } from './resolve-build-rules.js';

const TODAY = '2026-06-22';
const YESTERDAY = '2026-06-21';
const now = () => new Date('2026-06-22T05:00:00Z');

describe.each(testEngines())('caps per sending day on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    // Twenty carriers, every one due for its MCS-150: ten on GoDaddy, ten on Zoho.
    await t.db
      .insertInto('fmcsa_carriers')
      .values(
        Array.from({ length: 20 }, (_, i) =>
          carrierRow(100 + i, { mcs150_date: null, mx_provider: i < 10 ? 'godaddy' : 'zoho' }),
        ),
      )
      .execute();
  });
  beforeEach(async () => {
    await sql`truncate send_ledger, build_runs, warmup_holds`.execute(t.db);
  });
  afterAll(() => t.destroy());

  const rules = (settings: BuildSettings) => resolveBuildRules('trucking', settings, createDomainFamilies());
  const request = (extra: Partial<BuildRequest> = {}): BuildRequest => ({
    vertical: 'trucking',
    date: TODAY,
    warmupDay: 12,
    now,
    ...extra,
  });
  // What a live build writes before pushing (a failed push leaves these rows to resume).
  const queue = async (plan: BuildPlan) => {
    const id = await createBuildRun(t.db, { vertical: 'trucking', date: plan.date, options: {} });
    await insertLedgerEntries(
      t.db,
      { id, vertical: 'trucking', date: plan.date, listmonkInstance: 'trucking' },
      plan.recipients,
    );
  };

  it('build --date <yesterday> --next-slot counts what today already queued: daily and operator caps hold', async () => {
    const settings = { dailyCaps: [{ fromDay: 0, cap: 5 }], operatorCaps: { operators: { godaddy: 3 } } };
    const first = await planBuild(t.db, rules(settings), request());
    expect(first.recipients).toHaveLength(5);
    await queue(first);

    const late = await planBuild(t.db, rules(settings), request({ date: YESTERDAY, nextSlot: true }));
    // Its campaigns send today (the slot moved from yesterday's morning).
    expect(late.campaigns.every((c) => c.movedFrom !== undefined)).toBe(true);
    expect(late.alreadyToday).toBe(5);
    expect(late.recipients).toEqual([]);

    // With room left under the daily cap, the operator cap still counts today's rows.
    const roomy = { ...settings, dailyCaps: [{ fromDay: 0, cap: 12 }] };
    const more = await planBuild(t.db, rules(roomy), request({ date: YESTERDAY, nextSlot: true }));
    const godaddy = [...first.recipients, ...more.recipients].filter((r) => r.operator === 'godaddy');
    expect(godaddy.length).toBeLessThanOrEqual(3);
    expect(first.recipients.length + more.recipients.length).toBeLessThanOrEqual(12);
    // Nobody is queued twice for the same sending day.
    const keys = [...first.recipients, ...more.recipients].map((r) => r.recipientKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the daily cap is at most the stream’s hourly cap × sending hours, and a hold lowers it the same day', async () => {
    const stream = { name: 'trucking', hourlyCap: 4, sendingHours: 2 };
    const open = await planBuild(t.db, rules({}), request({ stream }));
    expect(open.dailyCap).toBe(8);
    expect(open.recipients).toHaveLength(8);
    expect(open.streamCap).toEqual({ stream: 'trucking', hourly: 4, sendingHours: 2 });

    await t.db
      .insertInto('warmup_holds')
      .values({
        stream: 'trucking',
        rate: 1,
        until: TODAY,
        reason: 'gmail 550',
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    const held = await planBuild(t.db, rules({}), request({ stream }));
    expect(held.dailyCap).toBe(2);
    expect(held.recipients).toHaveLength(2);
    expect(held.streamCap).toMatchObject({ hourly: 1, hold: { rate: 1, until: TODAY } });
  });

  it('a resumed build never plans past --max-per-segment for the same segment and day', async () => {
    const first = await planBuild(t.db, rules({}), request({ maxPerSegment: 4 }));
    expect(first.segments.find((s) => s.id === 'mcs150')?.recipients).toBe(4);
    await queue(first); // the push failed: the rows stay for the re-run to resume

    const again = await planBuild(t.db, rules({}), request({ maxPerSegment: 4 }));
    expect(again.recipients).toEqual([]);
    expect(again.capsHit.segments).toContain('mcs150');
    const late = await planBuild(
      t.db,
      rules({}),
      request({ date: YESTERDAY, nextSlot: true, maxPerSegment: 4 }),
    );
    expect(late.recipients).toEqual([]);
  });
});
