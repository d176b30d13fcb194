import { type TestDatabase, testEngines } from '@mailramp/db/testing';
import type { Fault, ListmonkStandIn } from '@mailramp/listmonk/testing';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { runBuild } from './run-build.js';
import { request, rules, useRunBuildStandIn } from './testing/use-run-build-stand-in.js';

describe.each(testEngines())('runBuild under Listmonk and database faults on %s', (engine) => {
  let t: TestDatabase;
  let listmonk: ListmonkStandIn;
  const { setUp, deps, breakFirstStamp, expectConsistent } = useRunBuildStandIn(engine, (s) => {
    ({ t, listmonk } = s);
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
});
