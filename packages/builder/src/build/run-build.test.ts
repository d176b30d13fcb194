import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@mailramp/db';
import { everyTestEngine, type TestDatabase } from '@mailramp/db/testing';
import type { ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENTS } from '../segments/default-segments.js';
import { loadTemplateSet } from '../template/load-template-set.js';
import { resolveBuildRules } from './resolve-build-rules.js';
import { runBuild } from './run-build.js';
import { DATE, request, rules, useRunBuildStandIn } from './testing/use-run-build-stand-in.js';

// The backfill, fault and reconcile cases are in run-build-*.test.ts: test files run in parallel.

let brokenDir: string;
beforeAll(() => {
  brokenDir = mkdtempSync(join(tmpdir(), 'mailramp-templates-'));
  mkdirSync(join(brokenDir, 'trucking'));
  writeFileSync(
    join(brokenDir, 'trucking', 'no-unsubscribe.html'),
    '---\nsubject: Hi\n---\n<p>Hi {{ .Subscriber.Name }}</p>\n',
  );
});
afterAll(() => rmSync(brokenDir, { recursive: true, force: true }));

describe.each(everyTestEngine())('runBuild against the Listmonk stand-in on %s', (engine) => {
  let t: TestDatabase;
  let listmonk: ListmonkStandIn;
  const { setUp, deps, expectConsistent } = useRunBuildStandIn(engine, (s) => {
    ({ t, listmonk } = s);
  });

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
