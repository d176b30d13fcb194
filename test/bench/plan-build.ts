/**
 * Benchmark: the daily build's plan time (`planBuild`, a dry run) at 100k and 1M carriers on
 * PostgreSQL, against a peer measured in the same run — one query that reads every row a segment
 * could take (what a table scan costs). Target: under 2 s at 1M, growing with the recipients
 * selected (warm-up day 0 → 500/day vs day 12 → 3,000/day), not with the table size.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm tsx test/bench/plan-build.ts [--sizes 100000,1000000] [--runs 3]
 */

import { planBuild, resolveBuildRules, seedDemoAudience } from '../../packages/builder/src/index.js';
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

const DATE = '2026-06-22';
const now = () => new Date('2026-06-22T06:00:00Z');
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

const rows: Array<Record<string, string | number>> = [];
for (const size of sizes) {
  const t = await createTestDatabase({ engine: 'postgres' });
  try {
    const seedStart = performance.now();
    await seedDemoAudience(t.db, { carriers: size, providers: 0, today: DATE });
    const seeded = (performance.now() - seedStart) / 1000;
    for (const warmupDay of [0, 12]) {
      let selected = 0;
      const ms = await median(async () => {
        const plan = await planBuild(t.db, rules, { vertical: 'trucking', date: DATE, warmupDay, now });
        selected = plan.recipients.length;
      });
      rows.push({ carriers: size, warmupDay, selected, planMs: Math.round(ms), seededS: Math.round(seeded) });
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
      warmupDay: 'peer: full unsent read',
      selected: '-',
      planMs: Math.round(peerMs),
      seededS: '-',
    });
  } finally {
    await t.destroy();
  }
}
console.table(rows);
const at = (size: number, day: number | string) =>
  rows.find((r) => r.carriers === size && r.warmupDay === day);
if (sizes.length >= 2) {
  const [a, b] = [sizes[0]!, sizes[sizes.length - 1]!];
  const plan = Number(at(b, 12)?.planMs) / Number(at(a, 12)?.planMs);
  const peer =
    Number(at(b, 'peer: full unsent read')?.planMs) / Number(at(a, 'peer: full unsent read')?.planMs);
  console.log(`table ×${b / a}: plan time ×${plan.toFixed(2)}, peer (full read) ×${peer.toFixed(2)}`);
  console.log(
    `at ${b}: day 0 → 12 selects ×${(Number(at(b, 12)?.selected) / Number(at(b, 0)?.selected)).toFixed(1)} recipients, plan time ×${(Number(at(b, 12)?.planMs) / Number(at(b, 0)?.planMs)).toFixed(2)}`,
  );
  const worst = Number(at(b, 12)?.planMs);
  console.log(`plan at ${b} carriers: ${worst} ms — ${worst < 2000 ? 'under' : 'OVER'} the 2 s target`);
}
