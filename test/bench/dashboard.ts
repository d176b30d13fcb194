/**
 * Benchmark: the dashboard's data for 14 days (`GET /api/dashboard?days=14`, i.e.
 * `mailramp.history.deliveries()`) with 90 days of stored results, on PostgreSQL, through the
 * service's real HTTP server on 127.0.0.1. Target: under 200 ms. Peers measured in the same run: a
 * `select 1` round trip through the same SDK session, and `GET /healthz` on the same server. The
 * page's whole load (`/api/dashboard` and `/api/status` in parallel, as dashboard.js asks) too.
 *
 * The results are written by the committed generator the browser test uses
 * (`apps/service/src/dashboard/testing/seed-service-results.ts`) in the stored shape: 6 sending IPs
 * × 12 receiving operators × outcomes × reasons per day, report_hours per IP and hour, a
 * report_days row per day, a service run for every slot of the default schedules (report every
 * 15 minutes, watchdog every 5, …) and alarm episodes.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm tsx test/bench/dashboard.ts \
 *     [--days 90] [--runs 200] [--keep]
 */

import { seedServiceResults } from '../../apps/service/src/dashboard/testing/seed-service-results.js';
import { startTestServer } from '../../apps/service/src/dashboard/testing/start-test-server.js';
import { connect, execScript, runMigrations } from '../../packages/db/src/index.js';
import { openMailramp } from '../../packages/mailramp/src/index.js';
import { benchFlag, benchServerUrl, databaseUrl, onServer, benchOption as opt } from './bench-support.js';

const days = Number(opt('--days', '90'));
const runs = Number(opt('--runs', '200'));
const keep = benchFlag('--keep');
const url = benchServerUrl();
const now = new Date('2026-06-22T18:40:00Z');
const name = `mailramp_bench_dashboard_${days}`;
const dbUrl = databaseUrl(url, name);

const admin = (statement: string) => onServer(url, statement);

async function prepare(): Promise<void> {
  const exists = connect({ url: dbUrl, poolSize: 1 });
  try {
    const { n } = await exists
      .selectFrom('report_days')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (keep && Number(n) === days) {
      console.log(`reusing ${name} (${days} days)`);
      return;
    }
  } catch {
    // absent or not migrated: generate it below
  } finally {
    await exists.destroy();
  }
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const db = connect({ url: dbUrl, poolSize: 2 });
  try {
    await runMigrations(db);
    const start = performance.now();
    const seeded = await seedServiceResults(db, { now, days });
    await execScript(db, db, 'analyze');
    console.log(
      `seeded ${name} in ${((performance.now() - start) / 1000).toFixed(1)} s:`,
      JSON.stringify({ ...seeded, days: seeded.days.length }),
    );
  } finally {
    await db.destroy();
  }
}

/** Runs `fn` `runs` times after 10 warm-up calls; milliseconds at p50, p99 and max. */
async function measure(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2));
  return { p50: at(0.5), p99: at(0.99), max: Number(times.at(-1)!.toFixed(2)) };
}

async function get(base: string, path: string): Promise<unknown> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

await prepare();
const mailramp = await openMailramp({ database: { url: dbUrl } }, { env: {}, now: () => now });
const server = await startTestServer(mailramp, () => now);
const base = server.url;
try {
  const db = await mailramp.db();
  const check = (await get(base, '/api/dashboard?days=14')) as {
    history: { days: string[]; byIp: unknown[] };
  };
  if (check.history.days.length !== 14 || check.history.byIp.length !== 6) {
    throw new Error(`unexpected dashboard data: ${JSON.stringify(check).slice(0, 200)}`);
  }
  const rows: Record<string, { p50: number; p99: number; max: number }> = {};
  rows['peer: select 1 (SDK session)'] = await measure(() =>
    db.selectNoFrom((eb) => eb.lit(1).as('one')).execute(),
  );
  rows['peer: GET /healthz'] = await measure(() => get(base, '/healthz'));
  rows['history.deliveries (SDK)'] = await measure(() => mailramp.history.deliveries({ days: 14 }));
  rows['GET /api/dashboard?days=14'] = await measure(() => get(base, '/api/dashboard?days=14'));
  // What the page asks for on each load (dashboard.js): the charts' data and the status.
  const pagePaths = ['/api/dashboard?days=14', '/api/status'];
  rows['GET /api/status'] = await measure(() => get(base, '/api/status'));
  rows['page data: both requests in parallel'] = await measure(() =>
    Promise.all(pagePaths.map((p) => get(base, p))),
  );
  console.table(rows);
  const api = rows['GET /api/dashboard?days=14']!;
  const peer = rows['peer: GET /healthz']!;
  console.log(
    `GET /api/dashboard?days=14 over ${days} stored days: p50 ${api.p50} ms, p99 ${api.p99} ms (target < 200 ms: ${api.p99 < 200 ? 'met' : 'MISSED'}); ${(api.p50 / peer.p50).toFixed(1)}× a /healthz round trip at p50`,
  );
} finally {
  await server.close();
  await mailramp.close();
  if (!keep) await admin(`drop database if exists ${name} with (force)`);
}
