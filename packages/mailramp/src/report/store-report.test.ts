/**
 * `report({ store: true })` on the run's engine (`testEngines`): per-day rows that a re-run
 * overwrites, a partial read that never wipes a fuller one, and alarm episodes opened, moved on
 * and closed.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, createTestDataDir, testEngines } from '@mailramp/db/testing';
import { createRecordingRunner, type GenerateMailLogOptions, generateMailLog } from '@mailramp/ops/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Mailramp, openMailramp } from '../index.js';

const TRANSPORT_IPS = { out05: '203.0.113.94', out06: '203.0.113.95' };
const PRIMARY = '203.0.113.71';
const WARMUP = {
  primaryIp: PRIMARY,
  streams: {
    trucking: {
      start: '2026-06-01',
      ips: [
        {
          address: '203.0.113.94',
          prefix: 24,
          interface: 'eth0',
          transport: 'out05',
          helo: 'out05.mail.example.net',
        },
        {
          address: '203.0.113.95',
          prefix: 24,
          interface: 'eth0',
          transport: 'out06',
          helo: 'out06.mail.example.net',
        },
      ],
    },
  },
};

/** A generated log's text, made once per file for each set of options (the generator is seeded). */
const logs = new Map<string, string>();
const generated = (options: Omit<GenerateMailLogOptions, 'transportIps' | 'primaryIp'>) => {
  const key = JSON.stringify(options);
  let text = logs.get(key);
  if (text === undefined) {
    const chunks: string[] = [];
    generateMailLog({ transportIps: TRANSPORT_IPS, primaryIp: PRIMARY, ...options }, (c) => chunks.push(c));
    text = chunks.join('');
    logs.set(key, text);
  }
  return text;
};

describe.each(testEngines())('report --store on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), `mailramp-report-store-${engine}-`));
  let database: { url?: string; dataDir?: string };
  let destroy = async () => {};
  beforeAll(async () => {
    if (engine === 'postgres') {
      const t = await createTestDatabase({ engine });
      database = { url: t.url! };
      destroy = () => t.destroy();
    } else {
      await createTestDataDir(join(dir, 'data'));
      database = { dataDir: join(dir, 'data') };
    }
  });
  beforeEach(() => {
    clock = new Date(2026, 5, 21, 12);
  });
  afterAll(async () => {
    await destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a generated log in the real files' line shapes, last written at `mtime` (local clock). */
  const write = (name: string, options: Omit<GenerateMailLogOptions, 'transportIps' | 'primaryIp'>) => {
    const path = join(dir, name);
    writeFileSync(path, generated(options));
    utimesSync(path, new Date(2026, 5, 25), new Date(2026, 5, 25));
    return path;
  };
  let clock = new Date(2026, 5, 21, 12);
  /**
   * A session on the file's database, its report tables emptied first: each test starts from empty
   * tables (one database per engine for the file), emptied by its own session (one more a test
   * cost PGlite an open).
   */
  const open = async (runner = createRecordingRunner()) => {
    const mailramp = await openMailramp(
      { database, warmup: WARMUP },
      { env: {}, cwd: dir, now: () => clock, runner },
    );
    const db = await mailramp.db();
    for (const table of ['report_days', 'report_outcomes', 'report_hours', 'alarms'] as const) {
      await db.deleteFrom(table).execute();
    }
    return mailramp;
  };

  /** Everything stored, in key order. */
  const dump = async (mailramp: Mailramp) => {
    const db = await mailramp.db();
    return {
      days: await db
        .selectFrom('report_days')
        .select([
          'day',
          'sent',
          'deferred',
          'bounced',
          'expired',
          'egress',
          'primary_egress',
          'dkim_signed',
          'dkim_messages',
          'queue_size',
          'read_from',
          'read_until',
        ])
        .orderBy('day')
        .execute(),
      outcomes: await db
        .selectFrom('report_outcomes')
        .selectAll()
        .orderBy('day')
        .orderBy('ip')
        .orderBy('operator')
        .orderBy('outcome')
        .orderBy('reason')
        .execute(),
      hours: await db
        .selectFrom('report_hours')
        .selectAll()
        .orderBy('day')
        .orderBy('hour')
        .orderBy('ip')
        .execute(),
    };
  };

  // From Jun 19 22:30 past midnight: two log days, bind failures on the transports and unsigned mail.
  const across = () =>
    write('across.log', {
      lines: 24_000,
      seed: 23,
      start: new Date(2026, 5, 19, 22, 30),
      messagesPerMinute: 20,
      signedShare: 0.6,
      bindFailureShare: 0.02,
    });

  it('stores each log day read; the same run again overwrites with the same figures', async () => {
    const log = across();
    await using mailramp = await open();
    const first = await mailramp.report({ log: [log], store: true });
    const { summary } = first;
    expect(first.stored?.days).toEqual(['2026-06-19', '2026-06-20']);
    const stored = await dump(mailramp);
    expect(
      stored.days.map((d) => [d.day, d.sent, d.deferred, d.bounced, d.egress, d.primary_egress]),
    ).toEqual(summary.byDay.map((d) => [d.date, d.sent, d.deferred, d.bounced, d.egress, d.primaryEgress]));
    expect(stored.days.map((d) => [d.dkim_signed, d.dkim_messages])).toEqual(
      summary.dkim.byDay.map((d) => [d.signed, d.messages]),
    );
    expect(stored.days.every((d) => d.dkim_signed < d.dkim_messages)).toBe(true);
    // No window: the first day is read from its first line, the last up to its last line.
    expect(stored.days[0]!.read_from).toEqual(new Date(summary.firstTime!));
    expect(stored.days[0]!.read_until).toEqual(new Date(Date.UTC(2026, 5, 20)));
    expect(stored.days[1]!.read_until).toEqual(new Date(summary.lastTime! + 1000));
    const sum = (rows: Array<{ count: number }>) => rows.reduce((s, r) => s + r.count, 0);
    expect(sum(stored.outcomes)).toBe(sum(summary.outcomes));
    expect(stored.hours.reduce((s, h) => s + h.sent, 0)).toBe(summary.byIp.reduce((s, ip) => s + ip.sent, 0));
    expect(new Set(stored.hours.map((h) => h.ip))).toEqual(
      new Set([PRIMARY, ...Object.values(TRANSPORT_IPS)]),
    );

    const again = await mailramp.report({ log: [log], store: true });
    expect(again.stored?.days).toEqual(['2026-06-19', '2026-06-20']);
    expect(await dump(mailramp)).toEqual(stored);
  });

  it('replaces the days of a longer read instead of adding to them, and never lets a mid-day read wipe a fuller one', async () => {
    const whole = readFileSync(across(), 'utf8');
    const cut = whole.slice(0, whole.indexOf('\n', whole.length / 2) + 1);
    const shortLog = join(dir, 'short.log');
    writeFileSync(shortLog, cut);
    utimesSync(shortLog, new Date(2026, 5, 25), new Date(2026, 5, 25));
    const longLog = join(dir, 'long.log');
    writeFileSync(longLog, whole);
    utimesSync(longLog, new Date(2026, 5, 25), new Date(2026, 5, 25));

    await using mailramp = await open();
    await mailramp.report({ log: [shortLog], store: true });
    const short = await dump(mailramp);
    const long = await mailramp.report({ log: [longLog], store: true });
    const stored = await dump(mailramp);
    expect(stored.days.map((d) => [d.day, d.sent, d.deferred, d.bounced, d.dkim_signed])).toEqual(
      long.summary.byDay.map((d, i) => [
        d.date,
        d.sent,
        d.deferred,
        d.bounced,
        long.summary.dkim.byDay[i]!.signed,
      ]),
    );
    // The short read ended on Jun 19; the long one read more of it, and Jun 20.
    expect(short.days.map((d) => d.day)).toEqual(['2026-06-19']);
    expect(stored.days[0]!.sent).toBeGreaterThan(short.days[0]!.sent);

    // A window starting at 00:30 reads less of Jun 20 than is stored: the day is kept as it was.
    const partial = await mailramp.report({ log: [longLog], since: '2026-06-20T00:30', store: true });
    expect(partial.stored).toMatchObject({ days: [], kept: ['2026-06-20'] });
    expect(partial.summary.byDay[0]!.sent).toBeLessThan(stored.days[1]!.sent);
    expect(await dump(mailramp)).toEqual(stored);

    // A window from midnight on covers at least as much: it replaces (the same figures here).
    const fromMidnight = await mailramp.report({ log: [longLog], since: '2026-06-19', store: true });
    expect(fromMidnight.stored).toMatchObject({ days: ['2026-06-19', '2026-06-20'], kept: [] });
    const after = await dump(mailramp);
    expect(after.days.map((d) => d.sent)).toEqual(stored.days.map((d) => d.sent));
    expect(after.days[0]!.read_from).toEqual(new Date(Date.UTC(2026, 5, 19)));
  });

  it('keeps the queue size on its day, through later runs that did not read the queue', async () => {
    const queued = [
      {
        queue_name: 'deferred',
        queue_id: '4Bq3Y52bqNz1xN',
        arrival_time: 1781913601,
        message_size: 19762,
        forced_expire: false,
        sender: 'compliance@mail.example.net',
        recipients: [
          {
            address: 'office19491@gmail.com',
            delay_reason: 'connect to aspmx.l.google.com[64.233.184.27]:25: Connection timed out',
          },
        ],
      },
      {
        queue_name: 'active',
        queue_id: '4Bq3Y52bqNz1xP',
        arrival_time: 1781913605,
        message_size: 18865,
        forced_expire: false,
        sender: 'compliance@mail.example.net',
        recipients: [{ address: 'info57087@clinic.org' }],
      },
    ];
    const runner = createRecordingRunner((call) =>
      call.command === 'postqueue'
        ? { stdout: `${queued.map((q) => JSON.stringify(q)).join('\n')}\n` }
        : undefined,
    );
    const log = write('today.log', { lines: 3000, seed: 5, start: new Date(2026, 5, 21, 8) });
    clock = new Date(2026, 5, 21, 12);
    await using mailramp = await open(runner);
    await mailramp.report({ log: [log], queue: true, store: true });
    const day = async () => (await dump(mailramp)).days.find((d) => d.day === '2026-06-21');
    expect((await day())?.queue_size).toBe(2);
    const later = await mailramp.report({ log: [log], store: true });
    expect(later.stored?.days).toEqual(['2026-06-21']);
    expect((await day())?.queue_size).toBe(2);
  });

  it('opens alarm episodes per scope, moves them on while they trip, closes them when a covering run no longer does', async () => {
    const bad = across();
    await using mailramp = await open();
    clock = new Date(2026, 5, 20, 2);
    const first = await mailramp.report({ log: [bad], store: true });
    const raised = first.summary.alarms.map((a) => a.id);
    expect(raised).toEqual(expect.arrayContaining(['bind_failure', 'dkim_unsigned']));
    const open1 = await mailramp.alarms.list({ status: 'open' });
    const bindIps = first.summary.bindFailures.map((b) => b.ip).sort();
    expect(bindIps.length).toBeGreaterThan(0);
    // One bind_failure episode per IP that failed to bind; host-wide alarms have scope ''.
    expect(
      open1
        .filter((a) => a.alarm === 'bind_failure')
        .map((a) => a.scope)
        .sort(),
    ).toEqual(bindIps);
    expect(open1.find((a) => a.alarm === 'dkim_unsigned')).toMatchObject({
      scope: '',
      severity: 'critical',
      firstSeen: clock,
      lastSeen: clock,
      evidence: { logDays: ['2026-06-19', '2026-06-20'] },
    });
    const scopes = (list: typeof open1) => list.map((a) => `${a.alarm}/${a.scope}`).sort();
    expect(first.stored?.alarms).toEqual({ opened: open1.length, updated: 0, closed: 0 });

    clock = new Date(2026, 5, 20, 2, 15);
    const second = await mailramp.report({ log: [bad], store: true });
    expect(second.stored?.alarms).toEqual({ opened: 0, updated: open1.length, closed: 0 });
    const open2 = await mailramp.alarms.list({ status: 'open' });
    expect(open2.map((a) => a.id).sort()).toEqual(open1.map((a) => a.id).sort());
    expect(open2.every((a) => a.lastSeen.getTime() === clock.getTime() && a.firstSeen < clock)).toBe(true);

    // A clean log of an earlier day says nothing about Jun 19–20: nothing closes.
    const earlier = write('earlier.log', {
      lines: 3000,
      seed: 8,
      start: new Date(2026, 5, 18, 9),
      signedShare: 1,
      bindFailureShare: 0,
    });
    const old = await mailramp.report({ log: [earlier], store: true });
    expect(old.summary.alarms.filter((a) => a.id === 'bind_failure' || a.id === 'dkim_unsigned')).toEqual([]);
    expect(old.stored?.alarms.closed).toBe(0);
    expect(scopes(await mailramp.alarms.list({ status: 'open' }))).toEqual(scopes(open1));

    // A clean read from a later day on: the window has moved past them and they no longer trip.
    clock = new Date(2026, 5, 21, 12);
    const clean = write('clean.log', {
      lines: 3000,
      seed: 9,
      start: new Date(2026, 5, 21, 9),
      signedShare: 1,
      bindFailureShare: 0,
    });
    const later = await mailramp.report({ log: [clean], store: true });
    const stillRaised = new Set(later.summary.alarms.map((a) => a.id));
    const closable = open1.filter((a) => !stillRaised.has(a.alarm as never));
    expect(closable.map((a) => a.alarm)).toEqual(expect.arrayContaining(['bind_failure', 'dkim_unsigned']));
    expect(later.stored?.alarms.closed).toBe(closable.length);
    const closed = await mailramp.alarms.list({ status: 'closed' });
    expect(
      closed
        .filter((a) => closable.some((c) => c.id === a.id))
        .every((a) => a.closedAt?.getTime() === clock.getTime()),
    ).toBe(true);
    expect((await mailramp.alarms.list({ status: 'open' })).some((a) => a.alarm === 'bind_failure')).toBe(
      false,
    );
  });
});
