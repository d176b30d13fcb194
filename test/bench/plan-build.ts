/**
 * Benchmark: the daily build's plan time (`planBuild`, a dry run) on PostgreSQL, against a peer
 * measured in the same run on the same table — one query that reads every unsent row with an address
 * (what looking at the whole table costs). Target: under 2 s at 5,000,000 carriers, growing with the
 * recipients selected (warm-up day 0 → 500/day vs day 12 → 3,000/day), not with the table size.
 *
 * The audience is generated in SQL (generate_series) in the shape of the real files, not the demo
 * seed: the SMS census has no STATUS_CODE (every status_code NULL), no import writes
 * attributes.deficiency_flags for most rows (1 in 200 carries one flag, new_carrier_startup
 * included, so every flag segment has rows), some rows have no MCS-150 date, no operation, no
 * verification result or no operator yet.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm tsx test/bench/plan-build.ts \
 *     [--sizes 100000,5000000] [--runs 3] [--dates 2026-06-22,2026-11-24] [--days 0,12,30] [--keep]
 *
 * --keep leaves each generated database (mailramp_bench_plan_v2_<size>) in place and reuses it on the
 * next run (migrations are applied again, so new indexes are built on it): generating 5M rows takes
 * minutes, the plan a fraction of that.
 */

import { planBuild, resolveBuildRules } from '../../packages/builder/src/index.js';
import { connect, execScript, runMigrations } from '../../packages/db/src/index.js';
import { createDomainFamilies } from '../../packages/mailbox/src/index.js';
import { benchFlag, benchServerUrl, databaseUrl, onServer, benchOption as opt } from './bench-support.js';

const sizes = opt('--sizes', '100000,5000000').split(',').map(Number);
const runs = Number(opt('--runs', '3'));
const keep = benchFlag('--keep');
const url = benchServerUrl();

// Two build dates: a June day, and a late-November day inside the UCR reminder window, when every
// trucking segment is open at once (the heaviest plan of the year).
const DATES = opt('--dates', '2026-06-22,2026-11-24').split(',');
const DAYS = opt('--days', '0,12,30').split(',').map(Number);
const rules = resolveBuildRules('trucking', {}, createDomainFamilies());

const admin = (statement: string) => onServer(url, statement);

/** Rows in the shape of the SMS census after import, generated in SQL (a few seconds per million). */
const GENERATE = (size: number) => `
insert into fmcsa_carriers (dot_number, legal_name, email, phy_state, phy_zip, carrier_operation,
  status_code, mcs150_date, add_date, power_units, drivers, email_verify_result, mx_provider,
  listmonk_sent_at, attributes)
select g,
  'CARRIER ' || g,
  case when h % 100 < 55 then 'office' || g || '@' ||
    (array['gmail.com','yahoo.com','hotmail.com','outlook.com','aol.com','att.net','comcast.net',
           'haul' || (g % 50000) || '.com','fleet' || (g % 30000) || '.net','trucking' || (g % 70000) || '.com'])[1 + (h / 100) % 10]
  end,
  (array['TX','CA','FL','IL','OH','PA','GA','NY','NC','MI','WA','AZ','CO','NV','OR'])[1 + (h / 7) % 15],
  lpad(((h / 11) % 99999)::text, 5, '0'),
  case when h % 50 = 0 then null else (array['A','A','A','B','C'])[1 + (h / 13) % 5] end,
  null,
  case when h % 40 = 0 then null else date '2008-01-01' + ((h / 17) % 6700)::int end,
  date '1990-01-01' + ((h / 19) % 13320)::int,
  1 + (h / 23) % 40,
  1 + (h / 29) % 50,
  case when h % 10 = 0 then null
    else (array['smtp_valid','smtp_valid','smtp_valid','send_confirmed','catch_all_domain','mx_unreachable','smtp_invalid','unknown','smtp_valid'])[1 + (h / 31) % 9] end,
  case when h % 9 = 0 then null
    else (array['google','microsoft','yahoo','godaddy','proofpoint','zoho','no_mx','mx:mixed','rackspace','comcast','self' || (h % 40)])[1 + (h / 37) % 11] end,
  case when h % 10 = 0 then timestamptz '2026-03-01 15:00Z' + ((h / 41) % 90) * interval '1 day' end,
  case when h % 200 = 7 then jsonb_build_object('deficiency_flags',
    jsonb_build_array((array['for_hire_authority','irp_ifta','intrastate_authority','state_emissions','state_weight_tax','state_permit','hazmat','new_carrier_startup'])[1 + (h / 43) % 8]))
    else '{}'::jsonb end
from (select g, abs(hashtext(g::text)) as h from generate_series(1, ${size}) g) s
`;

async function prepare(size: number): Promise<{ url: string; name: string; seededS: number }> {
  // v2: flagged rows are unsent ones (v1 flagged only rows already mailed, so every flag segment
  // was empty); a kept v1 database is not reused.
  const name = `mailramp_bench_plan_v2_${size}`;
  const dbUrl = databaseUrl(url, name);
  if (keep) {
    const db = connect({ url: dbUrl, poolSize: 2 });
    try {
      await runMigrations(db);
      const n = await db
        .selectFrom('fmcsa_carriers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(n.n) === size) {
        await execScript(db, db, 'vacuum analyze fmcsa_carriers');
        return { url: dbUrl, name, seededS: 0 };
      }
    } catch {
      // not there yet: generate it below
    } finally {
      await db.destroy();
    }
  }
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const db = connect({ url: dbUrl, poolSize: 2 });
  try {
    await runMigrations(db);
    const start = performance.now();
    await execScript(db, db, GENERATE(size));
    await execScript(db, db, 'vacuum analyze fmcsa_carriers');
    return { url: dbUrl, name, seededS: Math.round((performance.now() - start) / 1000) };
  } finally {
    await db.destroy();
  }
}

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

const PEER = 'peer: full unsent read';
const rows: Array<Record<string, string | number>> = [];
for (const size of sizes) {
  const prepared = await prepare(size);
  const db = connect({ url: prepared.url, poolSize: 2 });
  try {
    for (const date of DATES) {
      const now = () => new Date(`${date}T06:00:00Z`);
      for (const warmupDay of DAYS) {
        let selected = 0;
        const ms = await median(async () => {
          const plan = await planBuild(db, rules, { vertical: 'trucking', date, warmupDay, now });
          selected = plan.recipients.length;
        });
        rows.push({
          carriers: size,
          date,
          warmupDay,
          selected,
          planMs: Math.round(ms),
          seededS: prepared.seededS,
        });
      }
    }
    // Peer: read every unsent row with an address — the cost of looking at the whole candidate set.
    const peerMs = await median(() =>
      db
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
    await db.destroy();
    if (!keep) await admin(`drop database if exists ${prepared.name} with (force)`);
  }
}
console.table(rows);
const at = (size: number, date: string, day: number | string) =>
  rows.find((r) => r.carriers === size && r.date === date && r.warmupDay === day);
const b = sizes[sizes.length - 1]!;
const peerBig = Number(at(b, '-', PEER)?.planMs);
let worst = 0;
for (const date of DATES) {
  for (const day of DAYS) {
    const big = at(b, date, day)!;
    worst = Math.max(worst, Number(big.planMs));
    console.log(
      `${date} day ${day} at ${b}: plan ${big.planMs} ms = ${(Number(big.planMs) / peerBig).toFixed(3)} × the full unsent read (${peerBig} ms); selected ${big.selected}`,
    );
  }
}
if (sizes.length >= 2) {
  const a = sizes[0]!;
  const peer = peerBig / Number(at(a, '-', PEER)?.planMs);
  for (const date of DATES) {
    for (const day of DAYS) {
      const small = at(a, date, day)!;
      const big = at(b, date, day)!;
      console.log(
        `${date} day ${day}: table ×${b / a} → plan time ×${(Number(big.planMs) / Number(small.planMs)).toFixed(2)} (peer full read ×${peer.toFixed(2)}); selected ${small.selected} → ${big.selected}`,
      );
    }
  }
}
console.log(`slowest plan at ${b} carriers: ${worst} ms — ${worst < 2000 ? 'under' : 'OVER'} the 2 s target`);
