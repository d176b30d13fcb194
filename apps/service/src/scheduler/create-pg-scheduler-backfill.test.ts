/**
 * graphile-worker back-fills a crontab item from its `known_crontabs.last_execution` at start-up.
 * A job whose schedule changed while the service was down (a daily job made every-minute) gets
 * back-filled slots its old schedule never had, during hours the service ran: those are not
 * `missed`. Only the slots after the service's newest run of any job are. In process, real time.
 */
import { createTestDatabase, type TestDatabase } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgScheduler } from './create-pg-scheduler.js';
import type { ScheduledJob } from './scheduled-job.js';

const MINUTE = 60_000;
const logger = pino({ level: 'silent' });
const every = (name: string): ScheduledJob => ({
  name,
  schedule: '* * * * *',
  enabled: true,
  onMissed: 'record',
  run: async () => ({ outcome: 'ok', summary: {} }),
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('the PostgreSQL scheduler after a schedule change', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine: 'postgres' });
  });
  afterAll(() => t?.destroy());

  it('records missed only the slots after the service last ran, not those the old schedule lacked', async () => {
    const options = { connectionString: t.url!, db: t.db, logger, worker: 'test:1', pollInterval: 200 };
    // First start: graphile-worker installs its schema and knows both crontab items.
    await (await createPgScheduler({ ...options, jobs: [every('report'), every('warmup')] })).stop(0);
    await sql`delete from service_runs`.execute(t.db);

    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const at = (minutesAgo: number) => new Date(minute - minutesAgo * MINUTE);
    // Until 4 minutes ago the service ran the report every minute; warmup was daily (last 40 min ago).
    const ran = [];
    for (let m = 40; m >= 4; m--) {
      ran.push({ job: 'report', slot: at(m), outcome: 'ok' as const, worker: 'test:0', started_at: at(m) });
    }
    await t.db.insertInto('service_runs').values(ran).execute();
    await sql`update graphile_worker._private_known_crontabs set last_execution = case identifier
        when 'report' then ${at(4)}::timestamptz when 'warmup' then ${at(40)}::timestamptz end`.execute(t.db);

    const scheduler = await createPgScheduler({
      ...options,
      worker: 'test:2',
      jobs: [every('report'), every('warmup')],
    });
    try {
      const rows = async (job: string) =>
        (
          await t.db
            .selectFrom('service_runs')
            .select(['slot', 'outcome'])
            .where('job', '=', job)
            .where('slot', '>', at(41))
            .orderBy('slot')
            .execute()
        ).map((r) => ({
          ago: Math.round((minute - new Date(r.slot).getTime()) / MINUTE),
          outcome: r.outcome,
        }));
      // Both jobs' back-fill is settled once the report's downtime slots (3, 2 minutes ago) are rows.
      for (let i = 0; i < 150; i++) {
        if ((await rows('report')).filter((r) => r.outcome === 'missed').length >= 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1500));
      const missed = async (job: string) =>
        (await rows(job)).filter((r) => r.outcome === 'missed').map((r) => r.ago);
      // Minutes 39…5 were no downtime (the report ran then): not recorded. From the service's last
      // minute on (4 ago, which it may not have reached) they are missed; a slot under a minute old
      // runs late instead (which of the last two that is depends on when in the minute this ran).
      const warmup = await missed('warmup');
      expect(warmup.slice(0, 3)).toEqual([4, 3, 2]);
      expect(warmup.every((ago) => ago >= 0 && ago <= 4)).toBe(true);
      expect((await rows('warmup')).every((r) => r.ago <= 4)).toBe(true);
      const report = await missed('report');
      expect(report.slice(0, 2)).toEqual([3, 2]);
      expect(report.every((ago) => ago >= 0 && ago <= 3)).toBe(true);
    } finally {
      await scheduler.stop(0);
    }
  }, 60_000);
});
