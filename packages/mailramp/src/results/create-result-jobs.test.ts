/**
 * The SDK's read-only views for the service (issue 23): a stored day's deliveries, the last builds,
 * the service's runs and each warm-up stream's day, pool, cap and hold — on rows shaped as the
 * report runs, the builder and the scheduler write them (reasons to sum, a running build, missed
 * runs without a start), on the run's engine (`testEngines`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Engine, execScript } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mailramp, openMailramp, type WarmupStreamStatus } from '../index.js';

const now = () => new Date('2026-06-22T10:05:00Z');
const ip = (address: string, n: number) => ({
  address,
  prefix: 24,
  interface: 'eth0',
  transport: `out0${n}`,
  helo: `mta0${n}.example.net`,
});

const SEED = `
insert into report_days (day, sent, deferred, bounced, expired, egress, primary_egress, dkim_signed,
  dkim_messages, queue_size, read_from, read_until)
values ('2026-06-22', 180, 15, 5, 0, 200, 0, 190, 200, 41, '2026-06-22T00:00:00Z', '2026-06-22T10:00:00Z'),
       ('2026-06-21', 0, 0, 0, 0, 0, 0, 0, 0, null, null, null);
insert into report_outcomes (day, ip, operator, outcome, reason, count) values
  ('2026-06-22', '203.0.113.10', 'google', 'accepted', '', 120),
  ('2026-06-22', '203.0.113.10', 'google', 'throttled', '421 4.7.28 unusual rate of unsolicited mail', 6),
  ('2026-06-22', '203.0.113.10', 'google', 'throttled', '421 4.7.0 try again later', 4),
  ('2026-06-22', '203.0.113.11', 'microsoft', 'accepted', '', 60),
  ('2026-06-22', '203.0.113.11', 'microsoft', 'reputation_reject', '550 5.7.1 S3150 blocked', 5),
  ('2026-06-22', '203.0.113.11', 'microsoft', 'temporary_failure', '451 4.7.650 throttled', 5),
  ('2026-06-21', '203.0.113.10', 'google', 'accepted', '', 999);
insert into build_runs (vertical, build_date, dry_run, status, started_at, finished_at, counts) values
  ('trucking', '2026-06-21', false, 'succeeded', '2026-06-21T06:00:00Z', '2026-06-21T06:10:00Z', '{"selected": 900, "stamped": 880, "refused": 20}'),
  ('trucking', '2026-06-22', false, 'failed', '2026-06-22T06:00:00Z', '2026-06-22T06:02:00Z', '{}'),
  ('trucking', '2026-06-22', false, 'running', '2026-06-22T07:00:00Z', null, '{}'),
  ('healthcare', '2026-06-22', false, 'succeeded', '2026-06-22T06:30:00Z', '2026-06-22T06:31:00Z', '{"selected": 40, "stamped": 40, "refused": 0}');
insert into service_runs (job, slot, outcome, started_at, ended_at, summary, error, worker) values
  ('report', '2026-06-22T09:45:00Z', 'ok', '2026-06-22T09:45:01Z', '2026-06-22T09:45:04.5Z', '{"days": 1}', null, 'vm:101'),
  ('report', '2026-06-22T10:00:00Z', 'failed', '2026-06-22T10:00:01Z', '2026-06-22T10:00:02Z', '{}', 'cannot read /var/log/mail.log', 'vm:101'),
  ('warmup', '2026-06-22T07:17:00Z', 'missed', null, null, '{"reason": "the service was not running at this slot"}', null, null),
  ('warmup', '2026-06-21T07:17:00Z', 'ok', '2026-06-21T07:17:00Z', '2026-06-21T07:17:02Z', '{}', null, 'vm:99'),
  ('watchdog', '2026-06-22T10:05:00Z', 'running', '2026-06-22T10:05:00Z', null, '{}', null, 'vm:101');
insert into warmup_holds (stream, rate, until, reason) values ('trucking', 50, '2026-06-30', 'bad day');
`;

describe.each(testEngines())('read-only jobs for the service on %s', (engine: Engine) => {
  let mailramp: Mailramp;
  let cleanup: () => Promise<void>;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailramp-results-'));
    const stamp = join(dir, 'pw-warmup-start');
    await writeFile(stamp, `${Date.parse('2026-06-17T08:30:00Z') / 1000}\n`);
    const config = {
      warmup: {
        streams: {
          trucking: {
            start: '2026-06-10',
            ips: [ip('203.0.113.10', 1), ip('203.0.113.12', 3), ip('203.0.113.13', 4)],
            listmonk: [],
          },
          healthcare: {
            start: { stampFile: stamp },
            ips: [ip('198.51.100.20', 5)],
            listmonk: [],
            postfix: { configDir: '/etc/postfix-hc' },
          },
          broken: {
            start: { stampFile: join(dir, 'missing-stamp') },
            ips: [ip('198.51.100.30', 6)],
            listmonk: [],
            postfix: { configDir: '/etc/postfix-b' },
          },
        },
      },
    };
    let database: Record<string, unknown>;
    if (engine === 'postgres') {
      const test = await createTestDatabase({ engine });
      await test.db.destroy();
      database = { url: test.url };
      cleanup = test.destroy;
    } else {
      await createTestDataDir(join(dir, 'data'));
      database = { dataDir: join(dir, 'data') };
      cleanup = async () => undefined;
    }
    mailramp = await openMailramp({ ...config, database }, { env: {}, now });
    const db = await mailramp.db();
    await execScript(db, db, SEED);
  });
  afterAll(async () => {
    await mailramp?.close();
    await cleanup?.();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads today's deliveries by IP × operator × outcome, reasons summed", async () => {
    expect(await mailramp.results.deliveries()).toEqual([
      { ip: '203.0.113.10', operator: 'google', outcome: 'accepted', count: 120 },
      { ip: '203.0.113.11', operator: 'microsoft', outcome: 'accepted', count: 60 },
      { ip: '203.0.113.10', operator: 'google', outcome: 'throttled', count: 10 },
      { ip: '203.0.113.11', operator: 'microsoft', outcome: 'reputation_reject', count: 5 },
      { ip: '203.0.113.11', operator: 'microsoft', outcome: 'temporary_failure', count: 5 },
    ]);
    expect(await mailramp.results.deliveries('2026-06-21')).toEqual([
      { ip: '203.0.113.10', operator: 'google', outcome: 'accepted', count: 999 },
    ]);
    expect(await mailramp.results.deliveries('2026-06-20')).toEqual([]);
    await expect(mailramp.results.deliveries('2026-13-01')).rejects.toThrow(/not a date/);
  });

  it("reads a day's stored totals as history gives them; a day never reported is a gap", async () => {
    const today = await mailramp.results.day();
    expect(today).toEqual({
      day: '2026-06-22',
      sent: 180,
      deferred: 15,
      bounced: 5,
      expired: 0,
      deliveryRate: 0.9,
      egress: 200,
      primaryEgress: 0,
      dkimSigned: 190,
      dkimMessages: 200,
      dkimRatio: 0.95,
      queueSize: 41,
      reported: true,
      readUntil: '2026-06-22T10:00:00.000Z',
    });
    const history = await mailramp.history.deliveries({ days: 3, until: '2026-06-22' });
    for (const day of history.totals) expect(await mailramp.results.day(day.day)).toEqual(day);
    expect(await mailramp.results.day('2026-06-20')).toMatchObject({
      reported: false,
      sent: 0,
      dkimRatio: null,
    });
    await expect(mailramp.results.day('2026-13-01')).rejects.toThrow(/not a date/);
  });

  it("reads each vertical's latest finished live build", async () => {
    expect(await mailramp.results.lastBuilds()).toMatchObject([
      {
        vertical: 'healthcare',
        date: '2026-06-22',
        status: 'succeeded',
        selected: 40,
        stamped: 40,
        refused: 0,
      },
      // The failed run (counts {}) is the latest finished one; the running one is not finished.
      { vertical: 'trucking', date: '2026-06-22', status: 'failed', selected: 0, stamped: 0, refused: 0 },
    ]);
  });

  it('lists runs latest slot first, filtered and a page at a time', async () => {
    const all = await mailramp.runs.list();
    expect(all.runs.map((r) => `${r.job}@${r.slot.toISOString().slice(11, 16)}`)).toEqual([
      'watchdog@10:05',
      'report@10:00',
      'report@09:45',
      'warmup@07:17',
      'warmup@07:17',
    ]);
    expect(all.next).toBeUndefined();
    expect(all.runs[2]).toMatchObject({
      outcome: 'ok',
      durationMs: 3500,
      summary: { days: 1 },
      worker: 'vm:101',
    });
    expect(all.runs[3]).toMatchObject({ outcome: 'missed', startedAt: null, durationMs: null });

    const first = await mailramp.runs.list({ limit: 2 });
    expect(first.runs.map((r) => r.job)).toEqual(['watchdog', 'report']);
    const second = await mailramp.runs.list({ limit: 2, after: first.next });
    expect(second.runs.map((r) => r.slot.toISOString())).toEqual([
      '2026-06-22T09:45:00.000Z',
      '2026-06-22T07:17:00.000Z',
    ]);
    const third = await mailramp.runs.list({ limit: 2, after: second.next });
    expect(third.runs.map((r) => r.slot.toISOString())).toEqual(['2026-06-21T07:17:00.000Z']);
    expect(third.next).toBeUndefined();

    const failed = await mailramp.runs.list({ job: 'report', outcome: 'failed' });
    expect(failed.runs).toMatchObject([{ error: 'cannot read /var/log/mail.log' }]);
  });

  it("reads every job's last run and last success, for named jobs too", async () => {
    const latest = await mailramp.runs.latest();
    expect(latest.map((j) => [j.job, j.last?.outcome, j.lastOk?.slot.toISOString() ?? null])).toEqual([
      ['report', 'failed', '2026-06-22T09:45:00.000Z'],
      ['warmup', 'missed', '2026-06-21T07:17:00.000Z'],
      ['watchdog', 'running', null],
    ]);
    const named = await mailramp.runs.latest(['warmup', 'suppress-sync']);
    expect(named).toEqual([
      expect.objectContaining({ job: 'warmup' }),
      { job: 'suppress-sync', last: null, lastOk: null },
    ]);
  });

  it("reads each stream's warm-up day, pool by the table, cap and hold; a bad stamp is that stream's error", async () => {
    const { date, streams } = await mailramp.warmup.status();
    expect(date).toBe('2026-06-22');
    const readable = (status: WarmupStreamStatus | undefined) => {
      if (status === undefined || status.error !== undefined) throw new Error(`unreadable: ${status?.error}`);
      return status;
    };
    const [trucking, healthcare] = [readable(streams[0]), readable(streams[1])];
    const broken = streams[2];
    // Day 12 of the runbook's ramp: the pool takes the list from the front.
    expect(trucking).toMatchObject({
      stream: 'trucking',
      start: '2026-06-10',
      day: 12,
      dailyCeiling: expect.any(Number),
    });
    expect(trucking.pool).toEqual(
      ['203.0.113.10', '203.0.113.12', '203.0.113.13'].slice(0, trucking.poolTarget),
    );
    expect(trucking.hold).toMatchObject({ rate: 50, until: '2026-06-30', reason: 'bad day' });
    expect(trucking.hourlyCap).toBe(50);
    expect(trucking.tableCap).toBeGreaterThan(50);
    expect(healthcare).toMatchObject({ stream: 'healthcare', start: '2026-06-17', day: 5, hold: null });
    expect(healthcare.hourlyCap).toBe(healthcare.tableCap);
    expect(healthcare.pool).toEqual(['198.51.100.20']);
    expect(broken?.stream).toBe('broken');
    expect(broken?.error).toMatch(/cannot read warm-up stamp .*missing-stamp/);
  });
});
