import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';

/**
 * Tests only: records an open critical `yahoo_tss` alarm first and last seen at `at`, as `ops report`
 * stores the Yahoo [TSS04] deferrals: the STOP the guard and the pre-flight gate act on.
 */
export async function insertStopAlarm(
  db: Kysely<Database>,
  at: Date,
  message = 'Yahoo deferred 3 deliveries with [TSS04]-type replies',
): Promise<void> {
  await db
    .insertInto('alarms')
    .values({ alarm: 'yahoo_tss', severity: 'critical', message, first_seen: at, last_seen: at })
    .execute();
}
