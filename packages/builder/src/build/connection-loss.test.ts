import { connect, isConnectionLost } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createListmonkClient } from '@mailramp/listmonk';
import { createListmonkStandIn, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { applyBackfill } from '../backfill/apply-backfill.js';
import { parseBackfillFilter } from '../backfill/backfill-request.js';
import { seedDemoAudience } from '../demo/seed-demo-audience.js';
import { createListmonkPort } from '../push/create-listmonk-port.js';
import { createTemplateRenderer } from '../push/create-template-renderer.js';
import type { ListmonkPort } from '../push/listmonk-port.js';
import { loadTemplateSet } from '../template/load-template-set.js';
import { runBuild } from './run-build.js';
import { memoizeRenderer } from './testing/memoize-renderer.js';
import { DATE, now, REPO_TEMPLATES, rules } from './testing/use-run-build-stand-in.js';

/** Ends every other session on the test's database, as `pg_terminate_backend` from an operator would. */
async function terminateOthers(url: string): Promise<number> {
  const admin = connect({ url, poolSize: 1 });
  try {
    const { rows } = await sql<{ n: number }>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()`.execute(admin);
    return rows[0]?.n ?? 0;
  } finally {
    await admin.destroy();
  }
}

/** A client of the stand-in that tries once and polls fast. */
function clientOf(standIn: ListmonkStandIn) {
  return createListmonkClient({
    url: standIn.url,
    username: standIn.username,
    token: standIn.token,
    now,
    pollIntervalMs: 5,
    // Generous: under CI load the import can outlast a short timeout, and the build would then
    // fail on Listmonk before the injected connection loss (seen once: terminated stayed 0).
    timeoutMs: 30_000,
    retry: { attempts: 1 },
  });
}

// Each test's database and stand-in, closed after it.
let t: TestDatabase | undefined;
let listmonk: ListmonkStandIn | undefined;
afterEach(async () => {
  await listmonk?.close();
  await t?.destroy();
  listmonk = undefined;
  t = undefined;
});

// pg_terminate_backend needs a server: PGlite is one session in this process.
describe.skipIf(!process.env.TEST_DATABASE_URL)('a lost database connection (issue #20)', () => {
  it('during a build: the build fails with a connection-lost error, its run row is closed, a re-run succeeds', async () => {
    t = await createTestDatabase({ engine: 'postgres' });
    const url = t.url as string;
    await seedDemoAudience(t.db, { carriers: 300, providers: 0, today: DATE });
    listmonk = await createListmonkStandIn({ version: 5, now, importBatchDelayMs: 1 });
    const client = clientOf(listmonk);
    const port = createListmonkPort(client);
    // The build's sessions end while it waits on Listmonk's first campaign create. Creates can run
    // concurrently: each waits on the one termination, and none starts a second one (a second would
    // find nothing left to end, and once overwrote the count with 0).
    let termination: Promise<number> | undefined;
    const faulty: ListmonkPort = {
      ...port,
      createCampaign: async (campaign) => {
        termination ??= terminateOthers(url);
        await termination;
        return port.createCampaign(campaign);
      },
    };
    const templates = await loadTemplateSet(REPO_TEMPLATES);
    // Both builds render the same campaigns.
    const renderer = memoizeRenderer(createTemplateRenderer(templates));
    const request = { vertical: 'trucking' as const, date: DATE, warmupDay: 12, now };

    const error = await runBuild(t.db, rules, request, { listmonk: faulty, renderer }).catch(
      (e: unknown) => e,
    );
    const terminated = termination === undefined ? 0 : await termination;
    expect(terminated, `the build ended before its first campaign create: ${String(error)}`).toBeGreaterThan(
      0,
    );
    expect(isConnectionLost(error), String(error)).toBe(true);
    const runs = await t.db.selectFrom('build_runs').selectAll().orderBy('id').execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('failed');

    const again = await runBuild(t.db, rules, request, { listmonk: port, renderer });
    expect(again.status).toBe('succeeded');
    const after = await t.db.selectFrom('build_runs').select(['status']).orderBy('id').execute();
    expect(after.map((r) => r.status)).toEqual(['failed', 'succeeded']);
  });

  it('during a backfill: it fails with a connection-lost error, nothing is applied, a re-run applies it', async () => {
    t = await createTestDatabase({ engine: 'postgres' });
    const url = t.url as string;
    await seedDemoAudience(t.db, { carriers: 100, providers: 0, today: DATE });
    await sql`update fmcsa_carriers set listmonk_sent_at = '2026-06-10T12:00Z'`.execute(t.db);
    const options = {
      name: 'resend_lost',
      filter: parseBackfillFilter({ vertical: 'trucking', sentFrom: '2026-06-01', sentTo: '2026-06-18' }),
      createdBy: 'test',
    };
    // The backfill waits on a lock held here, and its session is ended while it waits.
    const holder = connect({ url, poolSize: 1 });
    const applied = await holder.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`lock table fmcsa_carriers in access exclusive mode`.execute(conn);
      const pending = applyBackfill(t!.db, options).catch((e: unknown) => e);
      for (let i = 0; i < 400; i++) {
        const { rows } = await sql<{ pid: number }>`
          select pid from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`.execute(
          conn,
        );
        if (rows.length > 0) {
          await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(conn);
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      await sql`rollback`.execute(conn);
      return pending;
    });
    await holder.destroy();
    expect(isConnectionLost(applied), String(applied)).toBe(true);
    const stillSent = await sql<{ n: number }>`
      select count(*)::int as n from fmcsa_carriers where listmonk_sent_at is not null`.execute(t.db);
    expect(stillSent.rows[0]?.n).toBe(100);

    const again = await applyBackfill(t.db, options);
    expect(again).toBeDefined();
    const reset = await sql<{ n: number }>`
      select count(*)::int as n from fmcsa_carriers where listmonk_sent_at is null`.execute(t.db);
    expect(reset.rows[0]?.n).toBe(100);
  });
});

// A killed build (kill -9, on either engine: an embedded one's process holds the data directory
// alone) leaves its run row `running`; the next build closes it.
describe.each(testEngines())('a build run left running (%s)', (engine) => {
  it('a run row left running by a killed build is closed as abandoned by the next build', async () => {
    t = await createTestDatabase({ engine });
    await seedDemoAudience(t.db, { carriers: 50, providers: 0, today: DATE });
    listmonk = await createListmonkStandIn({ version: 5, now, importBatchDelayMs: 1 });
    await t.db
      .insertInto('build_runs')
      .values({ vertical: 'trucking', build_date: '2026-06-21', options: '{}', dry_run: false })
      .execute();
    const client = clientOf(listmonk);
    const templates = await loadTemplateSet(REPO_TEMPLATES);
    await runBuild(
      t.db,
      rules,
      { vertical: 'trucking', date: DATE, warmupDay: 12, now },
      { listmonk: createListmonkPort(client), renderer: createTemplateRenderer(templates) },
    );
    const runs = await t.db.selectFrom('build_runs').select(['status', 'error']).orderBy('id').execute();
    expect(runs[0]?.status).toBe('failed');
    expect(runs[0]?.error).toContain('abandoned');
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
  });
});
