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
 * shared host falls on the peer too. The server runs in a process of its own
 * (test/bench/service-http-server.ts), as `mailramp serve` does beside a scraper: autocannon's own
 * work is not on the server's event loop.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { benchOption as opt } from './bench-support.js';

const DURATION = Number(opt('--duration', '60'));
const RATE = Number(opt('--rate', '50'));
const ROUNDS = Number(opt('--rounds', '6'));
const DAYS = opt('--days', '90');

const child = fork(new URL('./service-http-server.ts', import.meta.url), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_DAYS: DAYS },
});
const { url, seeded } = await new Promise<{ url: string; seeded: string }>((resolve, reject) => {
  child.once('message', (m) => resolve(m as { url: string; seeded: string }));
  child.once('exit', (code) => reject(new Error(`the bench server exited (${code}) before listening`)));
});
console.log(seeded);

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
  child.disconnect();
}
