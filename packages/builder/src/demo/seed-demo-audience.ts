import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { IsoDate } from '../calendar/calendar-date.js';
import { BuilderError } from '../errors.js';
import {
  createRandom,
  type DemoCarrier,
  type DemoProvider,
  generateDemoCarriers,
  generateDemoProviders,
} from './generate-demo-audience.js';

/** Options for {@link seedDemoAudience}. */
export interface SeedDemoOptions {
  carriers: number;
  providers: number;
  today: IsoDate;
  seed?: number;
  /** Called after each batch with rows written so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link seedDemoAudience} wrote. */
export interface SeedDemoResult {
  carriers: number;
  providers: number;
  suppressions: number;
}

const BATCH = 5000;

/**
 * Fills the audience tables with a generated demo audience (rows marked `attributes.demo`).
 * Idempotent: the same options write the same keys, so a second run adds nothing. Refuses when the
 * tables hold rows that are not demo rows: demo data never mixes with a real audience.
 *
 * @example
 * await seedDemoAudience(db, { carriers: 5000, providers: 1000, today: '2026-06-22' });
 */
export async function seedDemoAudience(
  db: Kysely<Database>,
  options: SeedDemoOptions,
): Promise<SeedDemoResult> {
  const real = await sql<{ n: number }>`
    select (select count(*) from (select 1 from fmcsa_carriers where not (attributes ? 'demo') limit 1) a)::int
         + (select count(*) from (select 1 from hc_providers where not (attributes ? 'demo') limit 1) b)::int as n
  `.execute(db);
  if ((real.rows[0]?.n ?? 0) > 0) {
    throw new BuilderError(
      'DEMO_REFUSED',
      'the audience tables hold real (non-demo) rows; seed the demo into an empty database (e.g. --data-dir .mailramp/demo)',
    );
  }
  const carriers = generateDemoCarriers(options.carriers, { today: options.today, seed: options.seed });
  const providers = generateDemoProviders(options.providers, { today: options.today, seed: options.seed });
  const total = carriers.length + providers.length;
  let done = 0;
  let insertedCarriers = 0;
  let insertedProviders = 0;
  for (let i = 0; i < carriers.length; i += BATCH) {
    insertedCarriers += await insertCarriers(db, carriers.slice(i, i + BATCH));
    done += Math.min(BATCH, carriers.length - i);
    options.onProgress?.(done, total);
  }
  for (let i = 0; i < providers.length; i += BATCH) {
    insertedProviders += await insertProviders(db, providers.slice(i, i + BATCH));
    done += Math.min(BATCH, providers.length - i);
    options.onProgress?.(done, total);
  }
  const suppressions = await insertSuppressions(db, [...carriers, ...providers], options.seed ?? 7);
  // Fresh statistics, so the first build plans against the seeded sizes, not empty tables.
  await sql`analyze fmcsa_carriers, hc_providers, suppressions, suppressed_domains`.execute(db);
  return { carriers: insertedCarriers, providers: insertedProviders, suppressions };
}

async function insertCarriers(db: Kysely<Database>, rows: readonly DemoCarrier[]): Promise<number> {
  const col = <K extends keyof DemoCarrier>(k: K) => rows.map((r) => r[k]);
  const result = await sql`
    insert into fmcsa_carriers (dot_number, legal_name, email, phy_state, phy_zip, carrier_operation, status_code,
      mcs150_date, add_date, power_units, email_verify_result, mx_provider, listmonk_sent_at, attributes)
    select d, n, e, s, z, o, sc, m::date, a::date, p, v, x, t::timestamptz, j::jsonb
    from unnest(${col('dot_number')}::bigint[], ${col('legal_name')}::text[], ${col('email')}::text[],
      ${col('phy_state')}::text[], ${col('phy_zip')}::text[], ${col('carrier_operation')}::text[],
      ${col('status_code')}::text[], ${col('mcs150_date')}::text[], ${col('add_date')}::text[],
      ${col('power_units')}::int[], ${col('email_verify_result')}::text[], ${col('mx_provider')}::text[],
      ${col('listmonk_sent_at')}::text[], ${rows.map((r) => JSON.stringify(r.attributes))}::text[])
      as u(d, n, e, s, z, o, sc, m, a, p, v, x, t, j)
    on conflict (dot_number) do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

async function insertProviders(db: Kysely<Database>, rows: readonly DemoProvider[]): Promise<number> {
  const col = <K extends keyof DemoProvider>(k: K) => rows.map((r) => r[k]);
  const result = await sql`
    insert into hc_providers (npi, clia_number, name, email, state, zip, deactivated_at, revalidation_due,
      clia_expires, email_verify_result, mx_provider, listmonk_sent_at, attributes)
    select i, c, n, e, s, z, da::date, r::date, ce::date, v, x, t::timestamptz, j::jsonb
    from unnest(${col('npi')}::text[], ${col('clia_number')}::text[], ${col('name')}::text[], ${col('email')}::text[],
      ${col('state')}::text[], ${col('zip')}::text[], ${col('deactivated_at')}::text[],
      ${col('revalidation_due')}::text[], ${col('clia_expires')}::text[], ${col('email_verify_result')}::text[],
      ${col('mx_provider')}::text[], ${col('listmonk_sent_at')}::text[], ${rows.map((r) => JSON.stringify(r.attributes))}::text[])
      as u(i, c, n, e, s, z, da, r, ce, v, x, t, j)
    on conflict do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** About 1 % of addresses suppressed (bounces, unsubscribes), plus one dead Microsoft 365 tenant domain. */
async function insertSuppressions(
  db: Kysely<Database>,
  rows: ReadonlyArray<{ email: string | null }>,
  seed: number,
): Promise<number> {
  const random = createRandom(seed + 2);
  const emails = rows
    .map((r) => r.email?.trim().toLowerCase())
    .filter((e): e is string => e !== undefined && /^[^@\s]+@[^@\s]+$/.test(e) && random() < 0.01);
  const reasons = emails.map((_, i) => (i % 3 === 0 ? 'unsubscribe' : 'hard_bounce'));
  let n = 0;
  if (emails.length > 0) {
    const result = await sql`
      insert into suppressions (email, reason, source)
      select e, r, 'demo' from unnest(${emails}::text[], ${reasons}::text[]) as u(e, r)
      on conflict do nothing
    `.execute(db);
    n += Number(result.numAffectedRows ?? 0);
  }
  await sql`insert into suppressed_domains (domain, reason, source) values ('eaglefreight7.com', 'dead_tenant', 'demo')
    on conflict do nothing`.execute(db);
  return n;
}
