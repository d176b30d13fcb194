/**
 * Benchmark: the daily build's plan time (`planBuild`, a dry run) at 100k and 1M carriers on
 * PostgreSQL, against a peer measured in the same run — one query that reads every row a segment
 * could take (what a table scan costs). Target: under 2 s at 1M, growing with the recipients
 * selected (warm-up day 0 → 500/day vs day 12 → 3,000/day), not with the table size.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm tsx test/bench/plan-build.ts [--sizes 100000,1000000] [--runs 3] [--dates 2026-06-22,2026-11-24] [--days 0,12,30]
 */

import { planBuild, resolveBuildRules, seedDemoAudience } from '../../packages/builder/src/index.js';
import { execScript } from '../../packages/db/src/index.js';
import { createTestDatabase } from '../../packages/db/src/testing/index.js';
import { createDomainFamilies } from '../../packages/mailbox/src/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
};
const sizes = opt('--sizes', '100000,1000000').split(',').map(Number);
const runs = Number(opt('--runs', '3'));
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!url) {
  console.error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server URL');
  process.exit(2);
}
process.env.TEST_DATABASE_URL = url;

// Two build dates: a June day, and a late-November day inside the UCR reminder window, when every
// trucking segment is open at once (the heaviest plan of the year).
const DATES = opt('--dates', '2026-06-22,2026-11-24').split(',');
const rules = resolveBuildRules('trucking', {}, createDomainFamilies());

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await fn(); // warm the cache and the plan once
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const DAYS = opt('--days', '0,12,30').split(',').map(Number);
const PEER = 'peer: full unsent read';
const rows: Array<Record<string, string | number>> = [];
for (const size of sizes) {
  const t = await createTestDatabase({ engine: 'postgres' });
  try {
    const seedStart = performance.now();
    await seedDemoAudience(t.db, { carriers: size, providers: 0, today: DATES[0]! });
    await execScript(t.db, t.db, 'vacuum analyze fmcsa_carriers');
    const seeded = (performance.now() - seedStart) / 1000;
    for (const date of DATES) {
      const now = () => new Date(`${date}T06:00:00Z`);
      for (const warmupDay of DAYS) {
        let selected = 0;
        const ms = await median(async () => {
          const plan = await planBuild(t.db, rules, { vertical: 'trucking', date, warmupDay, now });
          selected = plan.recipients.length;
        });
        rows.push({
          carriers: size,
          date,
          warmupDay,
          selected,
          planMs: Math.round(ms),
          seededS: Math.round(seeded),
        });
      }
    }
    // Peer: read every row the segments could take — the cost of looking at the whole unsent set.
    const peerMs = await median(() =>
      t.db
        .selectFrom('fmcsa_carriers')
        .select(['dot_number', 'email', 'email_domain', 'mx_provider', 'email_verify_result'])
        .where('listmonk_sent_at', 'is', null)
        .where('email', 'is not', null)
        .orderBy('dot_number')
        .execute(),
    );
    rows.push({
      carriers: size,
      date: '-',
      warmupDay: PEER,
      selected: '-',
      planMs: Math.round(peerMs),
      seededS: '-',
    });
  } finally {
    await t.destroy();
  }
}
console.table(rows);
if (sizes.length >= 2) {
  const [a, b] = [sizes[0]!, sizes[sizes.length - 1]!];
  const at = (size: number, date: string, day: number | string) =>
    rows.find((r) => r.carriers === size && r.date === date && r.warmupDay === day);
  const peer = Number(at(b, '-', PEER)?.planMs) / Number(at(a, '-', PEER)?.planMs);
  let worst = 0;
  for (const date of DATES) {
    for (const day of DAYS) {
      const small = at(a, date, day)!;
      const big = at(b, date, day)!;
      worst = Math.max(worst, Number(big.planMs));
      console.log(
        `${date} day ${day}: table ×${b / a} → plan time ×${(Number(big.planMs) / Number(small.planMs)).toFixed(2)} (peer full read ×${peer.toFixed(2)}); selected ${small.selected} → ${big.selected}`,
      );
    }
    const first = at(b, date, DAYS[0]!)!;
    const last = at(b, date, DAYS[DAYS.length - 1]!)!;
    console.log(
      `${date} at ${b}: day ${DAYS[0]} → ${DAYS[DAYS.length - 1]} selects ×${(Number(last.selected) / Number(first.selected)).toFixed(1)} recipients, plan time ×${(Number(last.planMs) / Number(first.planMs)).toFixed(2)}`,
    );
  }
  console.log(
    `slowest plan at ${b} carriers: ${worst} ms — ${worst < 2000 ? 'under' : 'OVER'} the 2 s target`,
  );
}
