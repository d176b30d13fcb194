import type { Database } from '@mailramp/db';
import { createListmonkClient, type ListmonkClient } from '@mailramp/listmonk';
import { type Kysely, sql } from 'kysely';
import { seedDemoAudience } from '../../demo/seed-demo-audience.js';

/** The first build date of the fault tests. */
export const FAULT_START = '2026-06-22';

/** Seeds the fault tests' audience once (the slow part) and keeps its stamps and suppressions. */
export async function seedFaultAudience(db: Kysely<Database>): Promise<void> {
  await seedDemoAudience(db, { carriers: 150, providers: 0, today: FAULT_START, seed: 7 });
  // Several USDOT numbers behind one mailbox, as the SMS census lists them (issue 20): every fifth
  // carrier with an address takes its predecessor's, so the "one address, one live campaign a day"
  // promise is tested on the shape that broke it.
  await sql`
    with mailed as (
      select dot_number, email, mx_provider, email_verify_result,
        row_number() over (order by dot_number) as n,
        lag(email) over (order by dot_number) as prev_email,
        lag(mx_provider) over (order by dot_number) as prev_mx,
        lag(email_verify_result) over (order by dot_number) as prev_verify
      from fmcsa_carriers where email is not null)
    update fmcsa_carriers c
    set email = m.prev_email, mx_provider = m.prev_mx, email_verify_result = m.prev_verify
    from mailed m
    where m.dot_number = c.dot_number and m.n % 5 = 0`.execute(db);
  await sql`create table seeded_stamps as select dot_number, listmonk_sent_at from fmcsa_carriers`.execute(
    db,
  );
  await sql`create table seeded_suppressions as select * from suppressions`.execute(db);
}

/** Puts the seeded audience back as it was before any build. */
export async function restoreFaultAudience(db: Kysely<Database>): Promise<void> {
  await sql`delete from segment_touches`.execute(db);
  await sql`delete from send_ledger`.execute(db);
  await sql`delete from build_runs`.execute(db);
  await sql`delete from suppressions`.execute(db);
  await sql`insert into suppressions select * from seeded_suppressions`.execute(db);
  await sql`update fmcsa_carriers c set listmonk_sent_at = s.listmonk_sent_at
    from seeded_stamps s where s.dot_number = c.dot_number`.execute(db);
}

/** A Listmonk client that gives up fast (one try, 2 s), as a build under faults should be tested. */
export function createFaultClient(
  standIn: { url: string; username: string; token: string },
  now: () => Date,
): ListmonkClient {
  return createListmonkClient({
    url: standIn.url,
    username: standIn.username,
    token: standIn.token,
    now,
    pollIntervalMs: 2,
    timeoutMs: 2_000,
    retry: { attempts: 1 },
  });
}
