import { type TestDatabase, testEngines } from '@mailramp/db/testing';
import type { ListmonkStandIn } from '@mailramp/listmonk/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { applyBackfill } from '../backfill/apply-backfill.js';
import { parseBackfillFilter } from '../backfill/backfill-request.js';
import { revertBackfill } from '../backfill/revert-backfill.js';
import { runBuild } from './run-build.js';
import { DATE, now, request, rules, useRunBuildStandIn } from './testing/use-run-build-stand-in.js';

describe.each(testEngines())('runBuild after a backfill of its date, on %s', (engine) => {
  let t: TestDatabase;
  let listmonk: ListmonkStandIn;
  const { setUp, deps } = useRunBuildStandIn(engine, (s) => {
    ({ t, listmonk } = s);
  });

  it('a backfill reset of the date, then a same-date rebuild: the reset recipients are queued again in a new batch, imported and stamped once more', async () => {
    await setUp();
    const first = await runBuild(t.db, rules, { ...request, maxPerSegment: 3 }, deps());
    const reset = first.plan.recipients.map((r) => r.recipientKey);
    await applyBackfill(t.db, {
      name: 'resend_same_day',
      filter: parseBackfillFilter({ vertical: 'trucking', sentFrom: DATE, sentTo: '2026-06-23' }),
      createdBy: 'test',
    });

    const second = await runBuild(t.db, rules, request, deps());
    const selected = second.plan.recipients.map((r) => r.recipientKey);
    expect(selected).toEqual(expect.arrayContaining(reset));
    expect(selected.length).toBeGreaterThan(reset.length);
    expect(second.status).toBe('succeeded');
    expect(second.stamped).toBe(selected.length);
    // Listmonk still has the first run's campaigns, scheduled: the rebuild must not reuse their names.
    const firstNames = new Set(first.campaigns.map((c) => c.name));
    expect(second.campaigns.filter((c) => firstNames.has(c.name) || !c.name.endsWith('-b2'))).toEqual([]);
    const ledger = await t.db.selectFrom('send_ledger').selectAll().where('build_date', '=', DATE).execute();
    expect(ledger.filter((r) => r.build_run_id === first.runId).every((r) => r.state === 'reset')).toBe(true);
    const queued = ledger.filter((r) => r.build_run_id === second.runId);
    expect(queued.map((r) => r.recipient_key).sort()).toEqual([...selected].sort());
    // Stamped means imported into the list of a campaign Listmonk scheduled.
    const listOf = new Map([...listmonk.state.campaigns.values()].map((c) => [c.name, c.listIds[0]!]));
    const byEmail = new Map([...listmonk.state.subscribers.values()].map((s) => [s.email, s]));
    for (const row of queued) {
      expect(row.state).toBe('scheduled');
      expect(byEmail.get(row.email)?.lists.has(listOf.get(row.campaign_name)!)).toBe(true);
    }
    const stamps = await sql<{ dot_number: number; n: number }>`
      select dot_number::int, count(*)::int as n from stamp_log group by dot_number`.execute(t.db);
    const resetKeys = new Set(reset);
    // Stamped, reset and stamped again; everyone else stamped once.
    for (const r of stamps.rows) expect(r.n).toBe(resetKeys.has(String(r.dot_number)) ? 3 : 1);
    expect(stamps.rows).toHaveLength(selected.length);

    // The re-sent rows are reported, not clobbered; a forced revert keeps the rebuild's row for the date.
    const revert = await revertBackfill(t.db, { name: 'resend_same_day', revertedBy: 'test' });
    expect(revert).toMatchObject({ restored: 0, state: 'partially_reverted' });
    expect(revert.resent).toHaveLength(reset.length);
    const forced = await revertBackfill(t.db, { name: 'resend_same_day', revertedBy: 'test', force: true });
    expect(forced).toMatchObject({ restored: reset.length, state: 'reverted' });
    const states = await t.db
      .selectFrom('send_ledger')
      .select(['build_run_id', 'state'])
      .where('build_date', '=', DATE)
      .execute();
    expect(states.filter((r) => r.state === 'reset')).toHaveLength(reset.length);
    expect(states.filter((r) => r.state === 'scheduled')).toHaveLength(selected.length);
  });

  // Issue 20 (5): a backfill over campaigns that have not sent yet is refused unless told to include
  // them; then it takes those recipients off the pending campaign's list in Listmonk first.
  it('a backfill --include-pending takes the pending recipients off their campaign, and the same-day rebuild mails each once', async () => {
    await setUp();
    const first = await runBuild(t.db, rules, { ...request, maxPerSegment: 3 }, deps());
    expect(first.status).toBe('succeeded');
    const reset = first.plan.recipients.map((r) => r.email.toLowerCase());
    const filter = parseBackfillFilter({ vertical: 'trucking', sentFrom: DATE, sentTo: '2026-06-23' });
    const options = { name: 'resend_pending', filter, createdBy: 'test', now };
    await expect(applyBackfill(t.db, options)).rejects.toMatchObject({
      code: 'BACKFILL_CONFLICT',
      message: expect.stringContaining('--include-pending'),
    });

    const port = deps().listmonk;
    const applied = await applyBackfill(t.db, { ...options, includePending: { listmonk: () => port } });
    expect(applied.rows).toBe(reset.length);
    expect(applied.takenOff.map((x) => x.campaign).sort()).toEqual(first.campaigns.map((c) => c.name).sort());
    expect(applied.takenOff.reduce((n, x) => n + x.recipients, 0)).toBe(reset.length);
    // The pending campaigns are still scheduled, their lists now without the reset recipients.
    const byEmail = new Map([...listmonk.state.subscribers.values()].map((s) => [s.email, s]));
    for (const c of first.campaigns) {
      const stored = listmonk.state.campaigns.get(c.campaignId!)!;
      expect(stored.status).toBe('scheduled');
      for (const email of reset) expect(byEmail.get(email)?.lists.has(stored.listIds[0]!)).toBe(false);
    }

    // The same-day rebuild queues them again: each address on exactly one scheduled campaign's list.
    const second = await runBuild(t.db, rules, { ...request, maxPerSegment: 3 }, deps());
    expect(second.status).toBe('succeeded');
    expect(second.plan.recipients.map((r) => r.email.toLowerCase()).sort()).toEqual([...reset].sort());
    const lists = [...listmonk.state.campaigns.values()]
      .filter((c) => c.status === 'scheduled')
      .map((c) => c.listIds[0]!);
    for (const email of reset) {
      const on = lists.filter((id) => byEmail.get(email)?.lists.get(id) === 'confirmed');
      expect(on, email).toHaveLength(1);
    }
  });

  it('reverting an --include-pending backfill leaves the recipients taken off unstamped: they were never mailed', async () => {
    await setUp();
    const first = await runBuild(t.db, rules, { ...request, maxPerSegment: 3 }, deps());
    expect(first.status).toBe('succeeded');
    const keys = first.plan.recipients.map((r) => r.recipientKey).sort();
    const filter = parseBackfillFilter({ vertical: 'trucking', sentFrom: DATE, sentTo: '2026-06-23' });
    const port = deps().listmonk;
    await applyBackfill(t.db, {
      name: 'resend_pending_revert',
      filter,
      createdBy: 'test',
      now,
      includePending: { listmonk: () => port },
    });
    const revert = await revertBackfill(t.db, { name: 'resend_pending_revert', revertedBy: 'test' });
    expect(revert).toMatchObject({ restored: 0, state: 'reverted', resent: [] });
    expect(revert.takenOff).toEqual(keys);
    const stamped = await t.db
      .selectFrom('fmcsa_carriers')
      .select('dot_number')
      .where('dot_number', 'in', keys.map(Number))
      .where('listmonk_sent_at', 'is not', null)
      .execute();
    expect(stamped, 'stamped but on no campaign: never mailed').toEqual([]);
    // The next build of the day picks them again.
    const again = await runBuild(t.db, rules, { ...request, maxPerSegment: 3 }, deps());
    expect(again.plan.recipients.map((r) => r.recipientKey).sort()).toEqual(keys);
  });

  it('a backfill --include-pending that cannot take the recipients off their campaign is refused and changes nothing', async () => {
    await setUp();
    const first = await runBuild(t.db, rules, { ...request, maxPerSegment: 3 }, deps());
    const filter = parseBackfillFilter({ vertical: 'trucking', sentFrom: DATE, sentTo: '2026-06-23' });
    listmonk.injectFault({
      method: 'PUT',
      path: '/api/subscribers/lists',
      kind: 'status',
      status: 500,
      times: 5,
    });
    const port = deps().listmonk;
    await expect(
      applyBackfill(t.db, {
        name: 'resend_pending',
        filter,
        createdBy: 'test',
        now,
        includePending: { listmonk: () => port },
      }),
    ).rejects.toMatchObject({
      code: 'BACKFILL_CONFLICT',
      message: expect.stringContaining('Nothing was reset'),
    });
    expect(await t.db.selectFrom('backfills').selectAll().execute()).toEqual([]);
    const ledger = await t.db.selectFrom('send_ledger').select('state').execute();
    expect(ledger.map((r) => r.state)).toEqual(first.plan.recipients.map(() => 'scheduled'));
    const stamps = await sql<{ n: number }>`select count(*)::int as n from stamp_log`.execute(t.db);
    expect(stamps.rows[0]!.n).toBe(first.plan.recipients.length);
  });
});
