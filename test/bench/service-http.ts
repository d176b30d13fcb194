/**
 * Benchmark: `GET /metrics` and `GET /api/status` under a steady 50 requests/s with 90 days of
 * stored results, against `GET /healthz` (the peer: the same server, HTTP stack and logger, no
 * database) measured in the same run. Target (issue 23): p99 under 50 ms for 60 s each.
 *
 * The results are generated in SQL (apps/service/src/testing/seed-service-results.ts) at a busy
 * host's size: 6 sending IPs × 12 operators × 7 outcome/reason pairs per day, 24 hours × 6 IPs,
 * the report every 15 minutes (96 runs a day), the watchdog every 5, the daily jobs, a build per
 * vertical a day, alarm episodes through the span; two warm-up streams, one held.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm tsx test/bench/service-http.ts \
 *     [--duration 60] [--rate 50] [--rounds 6] [--days 90]
 *
 * PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite. autocannon paces the requests
 * (`overallRate`) over 10 connections; every answer's latency is kept and the percentiles are taken
 * over all of a path's answers. The paths take turns in `--rounds` windows so a busy moment of a
 * shared host falls on the peer too. autocannon runs in this process beside the server, as a scraper
 * on the same host would, so the figures include its share of the event loop.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { createHttpServer } from '../../apps/service/src/http/create-http-server.js';
import type { JobRunner } from '../../apps/service/src/http/job-runner.js';
import { listenHttpServer } from '../../apps/service/src/http/listen-http-server.js';
import {
  createTestLogger,
  openTestMailramp,
  seedServiceResults,
} from '../../apps/service/src/testing/index.js';
import { execScript } from '../../packages/db/src/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
};
const DURATION = Number(opt('--duration', '60'));
const RATE = Number(opt('--rate', '50'));
const ROUNDS = Number(opt('--rounds', '6'));
const DAYS = Number(opt('--days', '90'));
const TODAY = '2026-06-22';
const engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const ip = (n: number) => ({
  address: `203.0.113.${10 + n}`,
  prefix: 24,
  interface: 'eth0',
  transport: `out0${n}`,
  helo: `mta0${n}.example.net`,
});
const config = {
  warmup: {
    streams: {
      trucking: { start: '2026-06-01', ips: [0, 1, 2, 3].map(ip), listmonk: [] },
      healthcare: {
        start: '2026-06-15',
        ips: [4, 5].map(ip),
        listmonk: [],
        postfix: { configDir: '/etc/postfix-hc' },
      },
    },
  },
};

const now = () => new Date(`${TODAY}T10:05:00Z`);
const t = await openTestMailramp(engine, { now, config });
const db = await t.mailramp.db();
const seeded = performance.now();
await seedServiceResults(db, { days: DAYS, until: TODAY });
await execScript(
  db,
  db,
  `insert into warmup_holds (stream, rate, until, reason) values ('trucking', 150, '2026-06-30', 'bench'); analyze;`,
);
const rows = await db
  .selectNoFrom((eb) => [
    eb.selectFrom('report_outcomes').select(eb.fn.countAll<string>().as('n')).as('outcomes'),
    eb.selectFrom('report_hours').select(eb.fn.countAll<string>().as('n')).as('hours'),
    eb.selectFrom('service_runs').select(eb.fn.countAll<string>().as('n')).as('runs'),
    eb.selectFrom('alarms').select(eb.fn.countAll<string>().as('n')).as('alarms'),
  ])
  .executeTakeFirstOrThrow();
console.log(
  `${engine}: ${DAYS} days seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s — report_outcomes ${rows.outcomes}, report_hours ${rows.hours}, service_runs ${rows.runs}, alarms ${rows.alarms}`,
);

const jobs: JobRunner = {
  jobNames: () => [
    'report',
    'watchdog',
    'warmup',
    'rampcap',
    'build-trucking',
    'build-healthcare',
    'suppress-sync',
    'classify-mx',
  ],
  runJob: async () => {
    throw new Error('not in this benchmark');
  },
  runBuild: async () => {
    throw new Error('not in this benchmark');
  },
};
// Logs go through pino as in the service (JSON lines), to a sink instead of a terminal.
const { logger } = createTestLogger({ keep: false });
const server = createHttpServer({ mailramp: t.mailramp, token: 'bench', logger, now, jobs });
const url = await listenHttpServer(server, { port: 0 });

const PATHS = ['/healthz', '/metrics', '/api/status'];

/** The request's own cost: the median of requests one at a time (also warms JIT, plans and the pool). */
const alone = async (path: string) => {
  const times: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const started = performance.now();
    await (await fetch(`${url}${path}`)).arrayBuffer();
    times.push(performance.now() - started);
  }
  return percentile(times, 0.5);
};

/** One paced window on one path; every answer's latency is added to `into`. */
const paced = (path: string, seconds: number, into: number[]) =>
  new Promise<void>((resolve, reject) => {
    const options = { url: `${url}${path}`, connections: 10, overallRate: RATE, duration: seconds };
    const instance = autocannon(options, (error, result) => {
      if (error) reject(error);
      else if (result.non2xx > 0 || result.errors > 0) {
        reject(new Error(`${path}: ${result.non2xx} non-2xx answers and ${result.errors} errors`));
      } else resolve();
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => into.push(responseTime));
  });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

try {
  const serial = new Map<string, number>();
  for (const path of PATHS) serial.set(path, await alone(path));
  // The paths take turns in ROUNDS windows, so a busy moment of the host falls on all of them alike.
  const latencies = new Map(PATHS.map((path) => [path, [] as number[]]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const path of PATHS) await paced(path, DURATION / ROUNDS, latencies.get(path)!);
  }
  const results = PATHS.map((path) => {
    const times = latencies.get(path)!;
    return {
      path,
      serial: serial.get(path)!,
      requests: times.length,
      p50: percentile(times, 0.5),
      p90: percentile(times, 0.9),
      p99: percentile(times, 0.99),
      max: Math.max(...times),
    };
  });
  const peer = results[0]!;
  console.log(
    `\n${RATE} requests/s for ${DURATION} s per path, in ${ROUNDS} turns (latency in ms; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}):`,
  );
  console.log(
    'path          alone   requests    p50    p90    p99    max   p99 vs /healthz   target p99 < 50 ms',
  );
  for (const r of results) {
    console.log(
      `${r.path.padEnd(12)} ${r.serial.toFixed(1).padStart(6)} ${String(r.requests).padStart(9)} ${r.p50.toFixed(1).padStart(6)} ${r.p90.toFixed(1).padStart(6)} ${r.p99.toFixed(1).padStart(6)} ${r.max.toFixed(1).padStart(6)}   ${(r.p99 / Math.max(peer.p99, 0.1)).toFixed(1).padStart(8)}×        ${r.path === '/healthz' ? '(peer)' : r.p99 < 50 ? 'met' : 'MISSED'}`,
    );
  }
} finally {
  await server.close();
  await t.destroy();
}
