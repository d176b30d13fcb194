import { type TestDatabase, testEngines } from '@mailramp/db/testing';
import type { ListmonkStandIn } from '@mailramp/listmonk/testing';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import type { TemplateSet } from '../template/load-template-set.js';
import { runBuild } from './run-build.js';
import { DATE, request, rules, useRunBuildStandIn } from './testing/use-run-build-stand-in.js';

describe.each(testEngines())('runBuild reconciling earlier dates on %s', (engine) => {
  let t: TestDatabase;
  let listmonk: ListmonkStandIn;
  let templates: TemplateSet;
  const { setUp, deps, breakFirstStamp } = useRunBuildStandIn(engine, (s) => {
    ({ t, listmonk, templates } = s);
  });

  // Issue 20 (2): day 1's campaigns reached "scheduled" in Listmonk after the client gave up (or
  // the process died between scheduling and stamping); day 2 is another date, so only a reconcile of
  // earlier dates keeps day 2 from mailing the same people again.
  const DAY2 = '2026-06-23';
  const now2 = () => new Date('2026-06-23T06:00:00Z');
  const day2 = { ...request, date: DAY2, now: now2 };

  /** Day 1 leaves campaigns scheduled in Listmonk with their rows unstamped. */
  async function dayOneLeftScheduledUnstamped(how: 'late status change' | 'crash before stamp') {
    let release = () => {};
    if (how === 'late status change') {
      const until = new Promise<void>((resolve) => {
        release = resolve;
      });
      listmonk.injectFault({
        method: 'PUT',
        path: /^\/api\/campaigns\/\d+\/status$/,
        kind: 'lose-reply',
        until,
        times: 1000,
      });
    } else {
      await breakFirstStamp('killed');
    }
    // A few per segment, so day 2 has other people to choose from.
    const first = await runBuild(t.db, rules, { ...request, maxPerSegment: 4 }, deps());
    expect(first.status).toBe('failed');
    release();
    await vi.waitFor(
      () => expect([...listmonk.state.campaigns.values()].every((c) => c.status === 'scheduled')).toBe(true),
      { timeout: 10_000 },
    );
    listmonk.clearFaults();
    const open = await t.db
      .selectFrom('send_ledger')
      .select(['recipient_key', 'email', 'campaign_name'])
      .where('build_date', '=', DATE)
      .where('state', '<>', 'scheduled')
      .execute();
    expect(open.length).toBeGreaterThan(0);
    return { first, open };
  }

  /** Day 1's rows are all scheduled and each of its recipients was stamped exactly once. */
  async function expectDayOneSettled(keys: ReadonlySet<string>): Promise<void> {
    const rows = await t.db.selectFrom('send_ledger').selectAll().where('build_date', '=', DATE).execute();
    expect(rows.map((r) => r.state)).toEqual(rows.map(() => 'scheduled'));
    expect(new Set(rows.map((r) => r.recipient_key))).toEqual(keys);
    const stamps = await sql<{ key: string; n: number }>`
      select dot_number::text as key, count(*)::int as n from stamp_log group by dot_number`.execute(t.db);
    const day1 = stamps.rows.filter((r) => keys.has(r.key));
    expect(day1).toHaveLength(keys.size);
    expect(day1.every((r) => r.n === 1)).toBe(true);
  }

  it.each(['late status change', 'crash before stamp'] as const)(
    'a %s on day 1: day 2 first stamps day 1 from Listmonk and selects none of its recipients again',
    async (how) => {
      await setUp();
      const { first, open } = await dayOneLeftScheduledUnstamped(how);
      const day1Keys = new Set(first.plan.recipients.map((r) => r.recipientKey));
      const events: string[] = [];
      const second = await runBuild(t.db, rules, day2, {
        ...deps(templates, now2),
        onEvent: (e) => events.push(e.type),
      });
      // The incident: day 2 selected day 1's people again, and day 1 stayed unstamped.
      expect(second.plan.recipients.filter((r) => day1Keys.has(r.recipientKey))).toEqual([]);
      await expectDayOneSettled(day1Keys);
      expect(events.slice(0, 2)).toEqual(['reconciled', 'planned']);
      expect(second.reconciled).toMatchObject({ stamped: open.length, lapsed: 0, unreconciled: 0 });
      expect(new Set(second.reconciled.campaigns.map((c) => c.name))).toEqual(
        new Set(open.map((r) => r.campaign_name)),
      );
      expect(
        second.reconciled.campaigns.every((c) => c.outcome === 'stamped' && c.status === 'scheduled'),
      ).toBe(true);
      // Day 2 mails other people.
      expect(second.plan.recipients.length).toBeGreaterThan(0);
      expect(second.status).toBe('succeeded');
      const run = await t.db
        .selectFrom('build_runs')
        .select('counts')
        .where('build_date', '=', DAY2)
        .executeTakeFirstOrThrow();
      expect(run.counts).toMatchObject({ reconciled: { stamped: open.length, unreconciled: 0 } });
    },
  );

  it('an earlier campaign Listmonk cannot be asked about stays unreconciled: its recipients are not selected and the run fails naming it', async () => {
    await setUp();
    const { first, open } = await dayOneLeftScheduledUnstamped('late status change');
    // Listmonk answers the first campaign look-up of day 2 with a 500.
    listmonk.injectFault({ method: 'GET', path: '/api/campaigns', kind: 'status', status: 500 });
    const second = await runBuild(t.db, rules, day2, deps(templates, now2));
    const unreconciled = second.reconciled.campaigns.filter((c) => c.outcome === 'unreconciled');
    expect(unreconciled).toHaveLength(1);
    expect(unreconciled[0]!.reason).toContain('Listmonk could not be asked');
    const held = open.filter((r) => r.campaign_name === unreconciled[0]!.name).map((r) => r.recipient_key);
    expect(second.reconciled.unreconciled).toBe(held.length);
    expect(second.plan.unreconciled).toBe(held.length);
    expect(second.plan.recipients.filter((r) => held.includes(r.recipientKey))).toEqual([]);
    // The others were stamped, so day 2 mails none of day 1's people.
    const day1Keys = new Set(first.plan.recipients.map((r) => r.recipientKey));
    expect(second.plan.recipients.filter((r) => day1Keys.has(r.recipientKey))).toEqual([]);
    expect(second.status).toBe('failed');
    const run = await t.db
      .selectFrom('build_runs')
      .select('error')
      .where('build_date', '=', DAY2)
      .executeTakeFirstOrThrow();
    expect(run.error).toContain(`${unreconciled[0]!.name} (${DATE}): unreconciled`);

    // The next build asks again and settles it.
    const third = await runBuild(t.db, rules, { ...day2, date: '2026-06-24' }, deps(templates, now2));
    expect(third.reconciled).toMatchObject({ stamped: held.length, unreconciled: 0 });
    await expectDayOneSettled(day1Keys);
  });

  it('an earlier campaign queued through another Listmonk instance stays unreconciled, never lapsed', async () => {
    await setUp();
    const { open } = await dayOneLeftScheduledUnstamped('late status change');
    // Day 1's campaigns went to another server (the vertical moved instance since).
    await t.db
      .updateTable('send_ledger')
      .set({ listmonk_instance: 'old-host' })
      .where('build_date', '=', DATE)
      .execute();
    const second = await runBuild(t.db, rules, day2, deps(templates, now2));
    expect(second.reconciled).toMatchObject({ stamped: 0, lapsed: 0, unreconciled: open.length });
    expect(second.reconciled.campaigns.every((c) => c.reason?.includes('instance old-host'))).toBe(true);
    const keys = new Set(open.map((r) => r.recipient_key));
    expect(second.plan.recipients.filter((r) => keys.has(r.recipientKey))).toEqual([]);
    const states = await t.db
      .selectFrom('send_ledger')
      .select('state')
      .where('build_date', '=', DATE)
      .execute();
    expect(states.filter((r) => r.state === 'lapsed')).toEqual([]);
  });

  it('an earlier campaign Listmonk never scheduled lapses: its draft is deleted and its recipients may be selected again', async () => {
    await setUp();
    // Day 1 dies at the status change of every campaign: drafts in Listmonk, rows unfinished.
    listmonk.injectFault({
      method: 'PUT',
      path: /^\/api\/campaigns\/\d+\/status$/,
      kind: 'status',
      status: 500,
      times: 1000,
    });
    const first = await runBuild(t.db, rules, request, deps());
    expect(first.campaigns.every((c) => c.state === 'failed')).toBe(true);
    listmonk.clearFaults();
    const drafts = [...listmonk.state.campaigns.values()];
    expect(drafts.every((c) => c.status === 'draft')).toBe(true);

    const second = await runBuild(t.db, rules, day2, deps(templates, now2));
    expect(second.reconciled).toMatchObject({
      stamped: 0,
      lapsed: first.plan.recipients.length,
      unreconciled: 0,
    });
    expect(second.reconciled.campaigns.every((c) => c.outcome === 'lapsed' && c.status === 'draft')).toBe(
      true,
    );
    for (const d of drafts) expect(listmonk.state.campaigns.has(d.id)).toBe(false);
    const day1 = await t.db.selectFrom('send_ledger').selectAll().where('build_date', '=', DATE).execute();
    expect(day1.every((r) => r.state === 'lapsed' && r.refusal!.includes('never scheduled'))).toBe(true);
    const stamped = await sql<{ n: number }>`select count(*)::int as n from stamp_log`.execute(t.db);
    expect(stamped.rows[0]!.n).toBe(second.stamped);
    // Never mailed: day 2 may take them again.
    const day1Keys = new Set(first.plan.recipients.map((r) => r.recipientKey));
    expect(second.plan.recipients.some((r) => day1Keys.has(r.recipientKey))).toBe(true);
    expect(second.status).toBe('succeeded');
  });
});
