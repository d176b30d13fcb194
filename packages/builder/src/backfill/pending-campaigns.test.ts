import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoAudience } from '../demo/seed-demo-audience.js';
import { BuilderError } from '../errors.js';
import { applyBackfill } from './apply-backfill.js';
import { parseBackfillFilter } from './backfill-request.js';
import { previewBackfill } from './preview-backfill.js';

const DATE = '2026-06-22';
const SEND_AT = new Date('2026-06-22T14:00:00Z');

describe.each(testEngines())('a backfill over campaigns not sent yet, on %s (issue #20)', (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.destroy();
  });

  it('is refused while the campaign waits for its send_at, and applies once it has sent', async () => {
    t = await createTestDatabase({ engine });
    await seedDemoAudience(t.db, { carriers: 60, providers: 0, today: DATE });
    // The state a morning build leaves: 30 carriers stamped, their campaign scheduled for 14:00.
    const run = await t.db
      .insertInto('build_runs')
      .values({ vertical: 'trucking', build_date: DATE, options: '{}', dry_run: false })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`with picked as (
        select dot_number, email from fmcsa_carriers where email is not null order by dot_number limit 30)
      insert into send_ledger (vertical, recipient_key, email, segment, build_date, build_run_id,
        listmonk_instance, list_name, campaign_name, send_at, state)
      select 'trucking', dot_number::text, email, 'mcs150', ${DATE}, ${run.id}, 'default',
        'mailramp-trucking-2026-06-22-mcs150-east', 'mailramp-trucking-2026-06-22-mcs150-east',
        ${SEND_AT}, 'scheduled' from picked`.execute(t.db);
    await sql`update fmcsa_carriers c set listmonk_sent_at = '2026-06-22T06:05:00Z'
      from send_ledger s where s.recipient_key = c.dot_number::text`.execute(t.db);
    const options = {
      name: 'resend_same_day',
      filter: parseBackfillFilter({ vertical: 'trucking', sentFrom: DATE, sentTo: '2026-06-23' }),
      createdBy: 'test',
    };

    const stampedBefore = await sql<{ n: number }>`
      select count(*)::int as n from fmcsa_carriers where listmonk_sent_at is not null`.execute(t.db);
    const morning = () => new Date('2026-06-22T08:00:00Z');
    // The plan (and a dry run) says what apply will refuse, instead of advising a run that fails.
    const plan = await previewBackfill(t.db, options.filter, { now: morning });
    expect(plan.pending).toEqual({ rows: 30, campaigns: 1, firstSendAt: SEND_AT });
    expect(plan.warnings.join('\n')).toContain(
      '30 rows are in 1 campaign(s) Listmonk has not sent yet (first send_at 2026-06-22T14:00:00.000Z): apply refuses them',
    );
    const refused = await applyBackfill(t.db, { ...options, now: morning }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BuilderError);
    expect((refused as BuilderError).code).toBe('BACKFILL_CONFLICT');
    expect((refused as BuilderError).message).toContain(
      '30 rows in the window are in 1 campaign(s) Listmonk has not sent yet',
    );
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from fmcsa_carriers where listmonk_sent_at is not null`.execute(t.db);
    expect(rows[0]?.n).toBe(stampedBefore.rows[0]?.n);
    expect(await t.db.selectFrom('backfills').selectAll().execute()).toEqual([]);

    const evening = () => new Date('2026-06-22T18:00:00Z');
    expect((await previewBackfill(t.db, options.filter, { now: evening })).pending.rows).toBe(0);
    const applied = await applyBackfill(t.db, { ...options, now: evening });
    expect(applied.rows).toBeGreaterThanOrEqual(30);
  });
});
