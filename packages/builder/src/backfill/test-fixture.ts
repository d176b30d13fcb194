import type { Database, NewFmcsaCarrier, NewHcProvider } from '@mailramp/db';
import { type Insertable, type Kysely, sql } from 'kysely';

/** Test data for backfills (not exported from the package). */

const OPERATORS = ['google', 'microsoft', null, 'proofpoint', 'mx:comcast.net'] as const;
const VERIFY = ['smtp_valid', 'send_confirmed', 'mx_unreachable'] as const;
type NewSendLedger = Insertable<Database['send_ledger']>;

/** Carrier `n`'s stamp: 1–30 inside the Jun 1–18 window (with microseconds), 31–35 after it, 36–40 never. */
export function sentAtOf(n: number): string | null {
  if (n <= 30)
    return `2026-06-${String(1 + (n % 17)).padStart(2, '0')}T10:11:12.${String(100000 + n * 7).slice(0, 6)}Z`;
  if (n <= 35) return `2026-06-20T08:00:00.5${n}Z`;
  return null;
}

export const operatorOf = (n: number) => OPERATORS[n % OPERATORS.length] ?? null;
export const verifyOf = (n: number) => VERIFY[n % VERIFY.length] ?? null;

/**
 * Seeds 40 carriers, 40 providers (same pattern) and their ledger rows; returns the build run id.
 * One insert a table (every test seeds afresh; a row a statement cost PGlite most of a test).
 */
export async function seedBackfillFixture(db: Kysely<Database>): Promise<number> {
  const run = await db
    .insertInto('build_runs')
    .values({ vertical: 'trucking', build_date: '2026-06-01' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const carriers: NewFmcsaCarrier[] = [];
  const providers: NewHcProvider[] = [];
  // In the order the ledger ids are given: per carrier, trucking then healthcare, older send first.
  const ledger: NewSendLedger[] = [];
  for (let n = 1; n <= 40; n++) {
    const common = {
      email: `owner${n}@carrier${n}.example`,
      email_verify_result: verifyOf(n),
      mx_provider: operatorOf(n),
      listmonk_sent_at: sentAtOf(n),
      updated_at: `2026-05-0${1 + (n % 9)}T01:02:03.45678${n % 10}Z`,
    };
    carriers.push({ dot_number: 1000 + n, legal_name: `Carrier ${n}`, ...common });
    providers.push({ npi: String(1_000_000_000 + n), name: `Provider ${n}`, ...common });
    const sentAt = sentAtOf(n);
    if (sentAt === null) continue;
    for (const vertical of ['trucking', 'healthcare'] as const) {
      const key = vertical === 'trucking' ? String(1000 + n) : String(1_000_000_000 + n);
      // An older scheduled send: the backfill must mark only the last one (the one that stamped).
      if (n % 4 === 0) ledger.push(ledgerRow(run.id, vertical, key, n, '2026-05-20', 'mcs150', 'scheduled'));
      ledger.push(
        ledgerRow(
          run.id,
          vertical,
          key,
          n,
          sentAt.slice(0, 10),
          n % 2 === 0 ? 'mcs150' : 'ifta',
          'scheduled',
        ),
      );
    }
  }
  await db.insertInto('fmcsa_carriers').values(carriers).execute();
  await db.insertInto('hc_providers').values(providers).execute();
  await db.insertInto('send_ledger').values(ledger).execute();
  return run.id;
}

/** Inserts one send_ledger row: `insertLedger(db, runId, vertical, key, n, buildDate, segment, state)`. */
export async function insertLedger(
  db: Kysely<Database>,
  ...row: Parameters<typeof ledgerRow>
): Promise<void> {
  await db
    .insertInto('send_ledger')
    .values(ledgerRow(...row))
    .execute();
}

/** One send_ledger row of the fixture's pattern. */
function ledgerRow(
  runId: number,
  vertical: string,
  key: string,
  n: number,
  buildDate: string,
  segment: string,
  state: 'planned' | 'imported' | 'scheduled',
): NewSendLedger {
  return {
    vertical,
    recipient_key: key,
    email: `owner${n}@carrier${n}.example`,
    operator: operatorOf(n),
    segment,
    build_date: buildDate,
    build_run_id: runId,
    listmonk_instance: vertical,
    list_name: `${vertical}-${buildDate}`,
    campaign_name: `${segment}-${buildDate}`,
    send_at: `${buildDate}T15:00:00Z`,
    state,
    updated_at: `${buildDate}T15:00:01.234567Z`,
  };
}

/** md5 of the ordered row text of every table a backfill touches: equal means byte-identical. */
export async function checksumAudience(db: Kysely<Database>): Promise<Record<string, string>> {
  const one = async (table: string, key: string) => {
    const r = await sql<{
      c: string;
    }>`select md5(coalesce(string_agg(t::text, '|' order by ${sql.ref(`t.${key}`)}), '')) as c
      from ${sql.table(table)} t`.execute(db);
    return r.rows[0]?.c ?? '';
  };
  return {
    fmcsa_carriers: await one('fmcsa_carriers', 'dot_number'),
    hc_providers: await one('hc_providers', 'npi'),
    send_ledger: await one('send_ledger', 'id'),
  };
}

/** True when a table of that name exists. */
export async function tableExists(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await sql<{ present: boolean }>`select to_regclass(${name}) is not null as present`.execute(db);
  return r.rows[0]?.present === true;
}
