import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createListmonkClient } from '@mailramp/listmonk';
import { createListmonkStandIn, type Fault, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyBackfill } from '../backfill/apply-backfill.js';
import { parseBackfillFilter } from '../backfill/backfill-request.js';
import { revertBackfill } from '../backfill/revert-backfill.js';
import { seedDemoAudience } from '../demo/seed-demo-audience.js';
import { createListmonkPort } from '../push/create-listmonk-port.js';
import { createTemplateRenderer } from '../push/create-template-renderer.js';
import { DEFAULT_SEGMENTS } from '../segments/default-segments.js';
import { loadTemplateSet, type TemplateSet } from '../template/load-template-set.js';
import { resolveBuildRules } from './resolve-build-rules.js';
import { runBuild } from './run-build.js';

const DATE = '2026-06-22';
const now = () => new Date('2026-06-22T06:00:00Z');

const REPO_TEMPLATES = new URL('../../../../templates', import.meta.url).pathname;
const SENDER = {
  name: 'Example Compliance',
  street: '1200 Commerce Drive, Suite 300',
  city: 'Denver',
  state: 'CO',
  zip: '80202',
  reply_to: 'compliance@example.com',
  disclaimer: 'Example Compliance is a private filing service, not affiliated with FMCSA.',
};
const rules = resolveBuildRules(
  'trucking',
  { verticals: { trucking: { fromEmail: 'Compliance <c@example.com>', templateData: { sender: SENDER } } } },
  createDomainFamilies(),
);

let templates: TemplateSet;
let brokenDir: string;
beforeAll(async () => {
  templates = await loadTemplateSet(REPO_TEMPLATES);
  brokenDir = mkdtempSync(join(tmpdir(), 'mailramp-templates-'));
  mkdirSync(join(brokenDir, 'trucking'));
  writeFileSync(
    join(brokenDir, 'trucking', 'no-unsubscribe.html'),
    '---\nsubject: Hi\n---\n<p>Hi {{ .Subscriber.Name }}</p>\n',
  );
});
afterAll(() => rmSync(brokenDir, { recursive: true, force: true }));

describe.each(testEngines())('runBuild against the Listmonk stand-in on %s', (engine) => {
  let t: TestDatabase;
  let listmonk: ListmonkStandIn;
  afterEach(async () => {
    await listmonk?.close();
    await t?.destroy();
  });

  async function setUp(): Promise<void> {
    t = await createTestDatabase({ engine });
    await seedDemoAudience(t.db, { carriers: 1500, providers: 0, today: DATE });
    // Count every change of listmonk_sent_at: "stamped exactly once" is checked, not assumed.
    await sql`create table stamp_log (dot_number bigint, at timestamptz)`.execute(t.db);
    await sql`create function log_stamp() returns trigger language plpgsql as $$
      begin insert into stamp_log values (new.dot_number, new.listmonk_sent_at); return new; end $$`.execute(
      t.db,
    );
    await sql`create trigger log_stamp after update of listmonk_sent_at on fmcsa_carriers for each row
      when (old.listmonk_sent_at is distinct from new.listmonk_sent_at) execute function log_stamp()`.execute(
      t.db,
    );
    listmonk = await createListmonkStandIn({ version: 5, now, importBatchDelayMs: 1 });
  }

  function deps(set: TemplateSet = templates, clock: () => Date = now) {
    const client = createListmonkClient({
      url: listmonk.url,
      username: listmonk.username,
      token: listmonk.token,
      now: clock,
      pollIntervalMs: 5,
      timeoutMs: 2_000,
      retry: { attempts: 1 },
    });
    return { listmonk: createListmonkPort(client), renderer: createTemplateRenderer(set) };
  }

  const request = { vertical: 'trucking' as const, date: DATE, warmupDay: 12, now };

  /** The first stamp of the test fails with `message` (a sequence survives the rollback). */
  async function breakFirstStamp(message: string): Promise<void> {
    await sql`create sequence break_stamp_seq`.execute(t.db);
    await sql`create function break_stamp() returns trigger language plpgsql as $$
      begin if nextval('break_stamp_seq') = 1 then raise exception '%', ${sql.lit(message)}; end if; return new; end $$`.execute(
      t.db,
    );
    await sql`create trigger break_stamp before update of listmonk_sent_at on fmcsa_carriers
      for each statement execute function break_stamp()`.execute(t.db);
  }

  /** Every selected recipient is in exactly one scheduled campaign and stamped exactly once. */
  async function expectConsistent(selected: number): Promise<void> {
    const ledger = await t.db.selectFrom('send_ledger').selectAll().where('build_date', '=', DATE).execute();
    expect(ledger).toHaveLength(selected);
    expect(ledger.every((r) => r.state === 'scheduled')).toBe(true);
    const campaigns = [...listmonk.state.campaigns.values()];
    const names = campaigns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of campaigns) {
      expect(c.status).toBe('scheduled');
      expect(c.altbody ?? '').toContain('UnsubscribeURL');
      expect(c.body).toContain(SENDER.street);
      expect(c.sendAt!.getTime()).toBeGreaterThan(now().getTime());
      expect(c.listIds).toHaveLength(1);
      expect(listmonk.state.lists.get(c.listIds[0]!)?.name).toBe(c.name);
    }
    const listOfCampaign = new Map(campaigns.map((c) => [c.listIds[0]!, c.name]));
    const byEmail = new Map([...listmonk.state.subscribers.values()].map((s) => [s.email, s]));
    for (const row of ledger) {
      const sub = byEmail.get(row.email);
      const inCampaigns = [...(sub?.lists.keys() ?? [])].filter((id) => listOfCampaign.has(id));
      expect(inCampaigns.map((id) => listOfCampaign.get(id))).toEqual([row.campaign_name]);
      expect(sub?.attribs).toEqual((row.subscriber as { attribs: unknown }).attribs);
    }
    const stamps = await sql<{ dot_number: number; n: number }>`
      select dot_number, count(*)::int as n from stamp_log group by dot_number`.execute(t.db);
    expect(stamps.rows).toHaveLength(selected);
    expect(stamps.rows.every((r) => r.n === 1)).toBe(true);
    const keys = new Set(ledger.map((r) => Number(r.recipient_key)));
    expect(stamps.rows.every((r) => keys.has(r.dot_number))).toBe(true);
  }

  it('a live build creates scheduled campaigns with an altbody and a future send_at, stamps, and records the run', async () => {
    await setUp();
    const result = await runBuild(t.db, rules, request, deps());
    expect(result.status).toBe('succeeded');
    expect(result.plan.recipients.length).toBeGreaterThan(50);
    expect(result.stamped).toBe(result.plan.recipients.length);
    await expectConsistent(result.plan.recipients.length);
    const run = await t.db.selectFrom('build_runs').selectAll().executeTakeFirstOrThrow();
    expect(run).toMatchObject({
      status: 'succeeded',
      vertical: 'trucking',
      build_date: DATE,
      dry_run: false,
    });
    expect(run.counts).toMatchObject({ stamped: result.stamped, failedCampaigns: 0 });

    // Re-running the date finds nothing left to do and duplicates nothing.
    const again = await runBuild(t.db, rules, request, deps());
    expect(again.campaigns).toHaveLength(0);
    await expectConsistent(result.plan.recipients.length);
  });

  // Issue 18 (6): O(campaigns + recipients/1,000) requests — the date's lists, campaigns and
  // members are read by one search each, not once per campaign, and a lost create is still found.
  it("reads the date's lists, campaigns and members in a fixed number of requests, whatever the campaign count", async () => {
    await setUp();
    const result = await runBuild(t.db, rules, request, deps());
    expect(result.status).toBe('succeeded');
    expect(result.campaigns.length).toBeGreaterThan(4);
    // Before the creates, and once after them (a late duplicate draft goes).
    expect(listmonk.requestsTo('GET', '/api/campaigns')).toHaveLength(2);
    // The date's campaign lists, and the import list.
    expect(listmonk.requestsTo('GET', '/api/lists')).toHaveLength(2);
    // The import list's members, then every campaign's list at once after the subscribes.
    expect(listmonk.requestsTo('GET', '/api/subscribers')).toHaveLength(2);
    expect(listmonk.requestsTo('POST', '/api/lists')).toHaveLength(result.campaigns.length + 1);
    await expectConsistent(result.plan.recipients.length);
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

  const faults: Array<[string, Fault | 'import-batch' | 'stamp']> = [
    ['list', { method: 'POST', path: '/api/lists', kind: 'status', status: 500, times: 2 }],
    ['import', { method: 'POST', path: '/api/import/subscribers', kind: 'status', status: 500, times: 2 }],
    ['import (failed mid-way)', 'import-batch'],
    ['create', { method: 'POST', path: '/api/campaigns', kind: 'status', status: 500, times: 2 }],
    [
      'schedule',
      { method: 'PUT', path: /^\/api\/campaigns\/\d+\/status$/, kind: 'status', status: 500, times: 2 },
    ],
    [
      'schedule (accepted, answer lost)',
      { method: 'PUT', path: /^\/api\/campaigns\/\d+\/status$/, kind: 'drop', times: 1 },
    ],
    ['stamp', 'stamp'],
  ];

  it.each(faults)(
    'a fault at %s, then a re-run: every recipient in exactly one scheduled campaign, stamped once',
    async (_, fault) => {
      await setUp();
      if (fault === 'import-batch') {
        listmonk.setImportSpeed({ batchSize: 5, batchDelayMs: 2 });
        listmonk.failImportAtNextBatch();
      } else if (fault === 'stamp') {
        await breakFirstStamp('disk full');
      } else {
        listmonk.injectFault(fault);
      }
      const first = await runBuild(t.db, rules, request, deps());
      expect(first.status).toBe('failed');
      const failed = first.campaigns.filter((c) => c.state === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      // Nothing is stamped without a scheduled campaign.
      const stampedEarly = await sql<{ n: number }>`select count(*)::int as n from stamp_log`.execute(t.db);
      expect(stampedEarly.rows[0]?.n).toBe(first.stamped);
      const run1 = await t.db.selectFrom('build_runs').select(['status', 'error']).executeTakeFirstOrThrow();
      expect(run1.status).toBe('failed');
      expect(run1.error).toContain(failed[0]!.name);

      listmonk.clearFaults();
      const second = await runBuild(t.db, rules, request, deps());
      expect(second.campaigns.filter((c) => c.state === 'failed')).toEqual([]);
      expect(second.status).toBe('succeeded');
      expect(second.resumed).toBeGreaterThan(0);
      expect(second.plan.recipients).toHaveLength(0);
      await expectConsistent(first.plan.recipients.length);
    },
  );

  // Issue 20 (6): a campaign create is not retried, but its answer can be lost after Listmonk made it.
  it('a create whose answer is lost: the build finds the campaign Listmonk made and schedules it, one per name', async () => {
    await setUp();
    listmonk.injectFault({ method: 'POST', path: '/api/campaigns', kind: 'lose-reply' });
    const result = await runBuild(t.db, rules, request, deps());
    expect(listmonk.requestsTo('POST', '/api/campaigns')[0]!.status).toBeUndefined();
    expect(result.campaigns.filter((c) => c.state === 'failed')).toEqual([]);
    expect(result.status).toBe('succeeded');
    await expectConsistent(result.plan.recipients.length);
  });

  it('a create that lands after the client gave up: the re-run keeps one campaign and deletes the late draft', async () => {
    await setUp();
    let release = () => {};
    const until = new Promise<void>((resolve) => {
      release = resolve;
    });
    listmonk.injectFault({ method: 'POST', path: '/api/campaigns', kind: 'lose-reply', until });
    const first = await runBuild(t.db, rules, request, deps());
    const lost = first.campaigns.filter((c) => c.failedAt === 'create').map((c) => c.name);
    expect(lost).toHaveLength(1);
    expect([...listmonk.state.campaigns.values()].filter((c) => c.name === lost[0])).toEqual([]);

    // The re-run looks the name up and finds nothing; the late create lands right before its own.
    const base = deps();
    const second = await runBuild(t.db, rules, request, {
      ...base,
      listmonk: {
        ...base.listmonk,
        async createCampaign(c) {
          release();
          await vi.waitFor(
            () => expect([...listmonk.state.campaigns.values()].some((x) => x.name === c.name)).toBe(true),
            { timeout: 10_000 },
          );
          return base.listmonk.createCampaign(c);
        },
      },
    });
    expect(second.status).toBe('succeeded');
    const named = [...listmonk.state.campaigns.values()].filter((c) => c.name === lost[0]);
    expect(named.map((c) => c.status)).toEqual(['scheduled']);
    expect(named[0]!.id).toBe(second.campaigns.find((c) => c.name === lost[0])!.campaignId);
    await expectConsistent(first.plan.recipients.length);
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

  it('a lint error stops the build before Listmonk is touched: nothing pushed, nothing written but a failed run', async () => {
    await setUp();
    const broken = resolveBuildRules(
      'trucking',
      {
        verticals: {
          trucking: {
            segments: { mcs150: { ...DEFAULT_SEGMENTS.trucking.mcs150!, template: 'no-unsubscribe' } },
          },
        },
      },
      createDomainFamilies(),
    );
    const set = await loadTemplateSet(brokenDir);
    await expect(
      runBuild(t.db, broken, { ...request, onlySegment: 'mcs150' }, deps(set)),
    ).rejects.toMatchObject({ code: 'TEMPLATE_LINT_FAILED' });
    expect(listmonk.state.lists.size).toBe(0);
    expect(listmonk.state.campaigns.size).toBe(0);
    expect(await t.db.selectFrom('send_ledger').selectAll().execute()).toHaveLength(0);
    expect(await t.db.selectFrom('build_runs').select('status').execute()).toEqual([{ status: 'failed' }]);
  });

  it.runIf(engine === 'postgres')(
    'two builds of one vertical never run at once (advisory lock)',
    async () => {
      await setUp();
      const second = connect({ url: t.url, poolSize: 1 });
      try {
        await second.connection().execute(async (holder) => {
          await sql`select pg_advisory_lock(7323100, 1)`.execute(holder);
          await expect(runBuild(t.db, rules, request, deps())).rejects.toMatchObject({
            code: 'BUILD_LOCKED',
          });
          await sql`select pg_advisory_unlock(7323100, 1)`.execute(holder);
        });
        expect(listmonk.state.lists.size).toBe(0);
      } finally {
        await second.destroy();
      }
    },
  );
});
