/**
 * Backfill apply/revert against the runbook's hand-written SQL (the peer), measured in the same run
 * on the same data: `pnpm tsx test/bench/backfill.bench.ts [rows]`. Uses PostgreSQL when
 * TEST_DATABASE_URL is set, else in-memory PGlite. Prints medians and the ratio ours / peer.
 *
 * The peer is what the Jun 22 re-send did by hand: CREATE TABLE … AS SELECT the window, UPDATE …
 * SET listmonk_sent_at = NULL, and the revert UPDATE. Ours also locks the rows, joins each to its
 * stamping ledger row, keeps updated_at, marks the ledger and writes the registry, so a ratio
 * above 1 is expected; the target is ≤ 3× on PostgreSQL (PGlite is slower at index upkeep, so
 * marking the ledger — which the peer never does — weighs more there).
 */
import { applyBackfill, parseBackfillFilter, revertBackfill } from '../../packages/builder/src/index.js';
import { execScript } from '../../packages/db/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing/index.js';
import { generateBackfillData } from './data/generate-backfill-data.js';

const ROWS = Number(process.argv[2] ?? (process.env.TEST_DATABASE_URL ? 200_000 : 50_000));
const ROUNDS = 5;

const FILTER = parseBackfillFilter({
  vertical: 'trucking',
  sentFrom: '2026-06-01',
  sentTo: '2026-06-18T00:31Z',
  verify: 'smtp_valid,send_confirmed',
  excludeOperators: 'google',
});

// The runbook's statements, verbatim in spirit (seed-runbook.md, "Re-send … Jun 22 2026").
const PEER_APPLY = `begin;
  create table resend_dkim_backup as
    select dot_number, listmonk_sent_at as old_listmonk_sent_at from fmcsa_carriers
    where listmonk_sent_at >= '2026-06-01T00:00:00Z' and listmonk_sent_at < '2026-06-18T00:31:00Z'
      and email_verify_result in ('smtp_valid', 'send_confirmed')
      and (mx_provider is null or mx_provider <> 'google');
  update fmcsa_carriers c set listmonk_sent_at = null
    from resend_dkim_backup b where c.dot_number = b.dot_number;
  commit;`;
const PEER_REVERT = `begin;
  update fmcsa_carriers c set listmonk_sent_at = b.old_listmonk_sent_at
    from resend_dkim_backup b where c.dot_number = b.dot_number;
  drop table resend_dkim_backup;
  commit;`;

const peer = (t: TestDatabase, script: string) => () => execScript(t.db, t.db, script);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const t = await createTestDatabase();
  try {
    await generateBackfillData(t, ROWS);
    await execScript(t.db, t.db, 'analyze');
    const times = {
      peerApply: [] as number[],
      peerRevert: [] as number[],
      apply: [] as number[],
      revert: [] as number[],
    };
    let rows = 0;
    for (let round = 0; round < ROUNDS; round++) {
      times.peerApply.push(await time(peer(t, PEER_APPLY)));
      times.peerRevert.push(await time(peer(t, PEER_REVERT)));
      const name = `bench_${round}`;
      times.apply.push(
        await time(async () => {
          rows = (await applyBackfill(t.db, { name, filter: FILTER, createdBy: 'bench' })).rows;
        }),
      );
      times.revert.push(await time(() => revertBackfill(t.db, { name, revertedBy: 'bench' })));
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<
      keyof typeof times,
      number
    >;
    const line = (label: string, ours: number, peer: number) =>
      `${label.padEnd(7)} ours ${ours.toFixed(0).padStart(6)} ms   hand SQL ${peer.toFixed(0).padStart(6)} ms   ratio ${(ours / peer).toFixed(2)}`;
    process.stdout.write(
      `backfill bench on ${t.engine}: ${ROWS.toLocaleString('en-US')} carriers, ${rows.toLocaleString('en-US')} reset, median of ${ROUNDS}\n` +
        `${line('apply', m.apply, m.peerApply)}\n${line('revert', m.revert, m.peerRevert)}\n`,
    );
  } finally {
    await t.destroy();
  }
}

await main();
