import { createTestDatabase, type TestDatabase } from '@mailramp/db/testing';
import { MailrampError } from 'mailramp';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalScheduler, type LocalScheduler } from './create-local-scheduler.js';
import type { JobOutcome, ScheduledJob } from './scheduled-job.js';

// The embedded engine's scheduler in one process, driven minute by minute with an injected clock
// (no waiting): ~2 s, most of it PGlite's start.
const at = (hhmmss: string) => new Date(`2026-12-07T${hhmmss}Z`);
const logger = pino({ level: 'silent' });

let t: TestDatabase;
let scheduler: LocalScheduler | undefined;
beforeAll(async () => {
  t = await createTestDatabase({ engine: 'pglite' });
});
afterAll(() => t.destroy());
beforeEach(async () => {
  await t.db.deleteFrom('service_runs').execute();
});
afterEach(async () => {
  await scheduler?.stop(0);
  scheduler = undefined;
});

function job(
  name: string,
  schedule: string,
  run: () => Promise<JobOutcome>,
  onMissed: ScheduledJob['onMissed'] = 'record',
): ScheduledJob & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    schedule,
    enabled: true,
    onMissed,
    calls,
    run: async ({ slot }) => {
      calls.push(slot.toISOString().slice(11, 16));
      return run();
    },
  };
}

const rows = async () =>
  (
    await t.db
      .selectFrom('service_runs')
      .select(['job', 'slot', 'outcome', 'summary', 'error', 'worker'])
      .orderBy('job')
      .orderBy('slot')
      .execute()
  ).map((r) => ({ ...r, slot: new Date(r.slot).toISOString().slice(11, 16) }));

describe('the embedded (PGlite) scheduler', () => {
  it('gives each matching slot one run row: ok, skipped with the reason, failed with the error', async () => {
    const ok = job('ok', '* * * * *', async () => ({ outcome: 'ok', summary: { n: 1 } }));
    const skip = job('skip', '*/2 * * * *', async () => ({
      outcome: 'skipped',
      summary: { reason: 'no warm-up streams configured' },
    }));
    const refused = job('refused', '2 * * * *', async () => {
      throw new MailrampError('WARMUP_NOT_CONFIGURED', 'no warm-up streams configured');
    });
    const broken = job('broken', '1 * * * *', async () => {
      throw new Error('Listmonk answered 500');
    });
    const off = { ...job('off', '* * * * *', async () => ({ outcome: 'ok', summary: {} })), enabled: false };
    let now = at('10:00:30');
    scheduler = await createLocalScheduler({
      db: t.db,
      jobs: [ok, skip, refused, broken, off],
      logger,
      worker: 'host:1',
      now: () => now,
      manual: true,
    });
    now = at('10:01:00');
    await scheduler.tick(at('10:01:00'));
    now = at('10:02:00');
    await scheduler.tick(at('10:02:00'));
    // The same minute again (a late timer catching up twice) runs nothing twice.
    await scheduler.tick(at('10:02:00'));
    expect(ok.calls).toEqual(['10:01', '10:02']);
    expect(off.calls).toEqual([]);
    expect(await rows()).toEqual([
      {
        job: 'broken',
        slot: '10:01',
        outcome: 'failed',
        summary: {},
        error: 'Listmonk answered 500',
        worker: 'host:1',
      },
      { job: 'ok', slot: '10:01', outcome: 'ok', summary: { n: 1 }, error: null, worker: 'host:1' },
      { job: 'ok', slot: '10:02', outcome: 'ok', summary: { n: 1 }, error: null, worker: 'host:1' },
      {
        job: 'refused',
        slot: '10:02',
        outcome: 'failed',
        summary: {},
        error: 'WARMUP_NOT_CONFIGURED: no warm-up streams configured',
        worker: 'host:1',
      },
      {
        job: 'skip',
        slot: '10:02',
        outcome: 'skipped',
        summary: { reason: 'no warm-up streams configured' },
        error: null,
        worker: 'host:1',
      },
    ]);
  });

  it('closes a dead process’s run as abandoned, records downtime missed, runs the newest for run-once', async () => {
    const every = job('every', '* * * * *', async () => ({ outcome: 'ok', summary: {} }));
    const daily = job('daily', '*/2 * * * *', async () => ({ outcome: 'ok', summary: {} }), 'run-once');
    await t.db
      .insertInto('service_runs')
      .values([
        {
          job: 'every',
          slot: at('10:02:00'),
          outcome: 'running',
          started_at: at('10:02:00'),
          worker: 'host:99',
        },
        { job: 'daily', slot: at('10:00:00'), outcome: 'ok', started_at: at('10:00:00'), worker: 'host:99' },
        { job: 'never-ran-before', slot: at('09:00:00'), outcome: 'ok', worker: 'host:99' },
      ])
      .execute();
    scheduler = await createLocalScheduler({
      db: t.db,
      jobs: [every, daily],
      logger,
      worker: 'host:2',
      now: () => at('10:07:30'),
      manual: true,
    });
    await scheduler.ready;
    const after = await rows();
    expect(after.filter((r) => r.job === 'every').map((r) => [r.slot, r.outcome])).toEqual([
      ['10:02', 'abandoned'],
      ['10:03', 'missed'],
      ['10:04', 'missed'],
      ['10:05', 'missed'],
      ['10:06', 'missed'],
      // 30 s late: run, not missed.
      ['10:07', 'ok'],
    ]);
    expect(after.find((r) => r.job === 'every' && r.slot === '10:02')?.error).toContain(
      'ended without closing it',
    );
    expect(after.filter((r) => r.job === 'daily').map((r) => [r.slot, r.outcome])).toEqual([
      ['10:00', 'ok'],
      ['10:02', 'missed'],
      ['10:04', 'missed'],
      ['10:06', 'ok'],
    ]);
    expect(daily.calls).toEqual(['10:06']);
  });

  it('records as missed only downtime, not the time a re-enabled job was disabled', async () => {
    const watchdog = job('watchdog', '*/5 * * * *', async () => ({ outcome: 'ok', summary: {} }));
    const report = job('report', '*/15 * * * *', async () => ({ outcome: 'ok', summary: {} }));
    // report was disabled from 08:00 while the service ran the watchdog until it stopped at 10:00.
    const ran = [];
    for (let m = 0; m <= 120; m += 5) {
      const slot = new Date(at('08:00:00').getTime() + m * 60_000);
      ran.push({ job: 'watchdog', slot, outcome: 'ok' as const, started_at: slot, worker: 'host:99' });
    }
    await t.db
      .insertInto('service_runs')
      .values([...ran, { job: 'report', slot: at('08:00:00'), outcome: 'ok', worker: 'host:99' }])
      .execute();
    // Re-enabled, and started again at 10:30:30 after half an hour down.
    scheduler = await createLocalScheduler({
      db: t.db,
      jobs: [watchdog, report],
      logger,
      worker: 'host:2',
      now: () => at('10:30:30'),
      manual: true,
    });
    await scheduler.ready;
    const after = await rows();
    expect(after.filter((r) => r.job === 'report').map((r) => [r.slot, r.outcome])).toEqual([
      ['08:00', 'ok'],
      // The service's last minute (10:00) may have ended before it reached this job: missed, to be safe.
      ['10:00', 'missed'],
      ['10:15', 'missed'],
      ['10:30', 'ok'],
    ]);
    expect(after.filter((r) => r.job === 'watchdog' && r.outcome === 'missed').map((r) => r.slot)).toEqual([
      '10:05',
      '10:10',
      '10:15',
      '10:20',
      '10:25',
    ]);
  });

  it('skips a slot while the run of an earlier one goes on, and abandons it when the stop grace ends', async () => {
    let release: () => void = () => undefined;
    let aborted = false;
    const slow: ScheduledJob = {
      name: 'slow',
      schedule: '* * * * *',
      enabled: true,
      onMissed: 'record',
      run: ({ signal }) =>
        new Promise<JobOutcome>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          release = () => resolve({ outcome: 'ok', summary: {} });
        }),
    };
    scheduler = await createLocalScheduler({
      db: t.db,
      jobs: [slow],
      logger,
      worker: 'host:3',
      now: () => at('10:02:30'),
      manual: true,
    });
    const first = scheduler.tick(at('10:01:00'));
    await new Promise((r) => setTimeout(r, 200));
    await scheduler.tick(at('10:02:00'));
    expect((await rows()).map((r) => [r.slot, r.outcome])).toEqual([
      ['10:01', 'running'],
      ['10:02', 'skipped'],
    ]);
    expect((await rows())[1]?.summary).toEqual({
      reason: 'the run of 2026-12-07T10:01:00.000Z is still going (host:3); runs of one job never overlap',
    });
    await scheduler.stop(50);
    scheduler = undefined;
    expect(aborted).toBe(true);
    const cut = (await rows())[0];
    expect(cut?.outcome).toBe('abandoned');
    expect(cut?.error).toContain('after SIGTERM');
    // A late end does not reopen the closed row.
    release();
    await first;
    expect((await rows())[0]?.outcome).toBe('abandoned');
  });
});
