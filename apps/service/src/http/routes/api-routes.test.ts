/**
 * Every route of the HTTP API over real HTTP on 127.0.0.1, on the run's engine, against a database
 * seeded in SQL with rows shaped as the report runs, the builder and the scheduler write them:
 * /api/status, /api/runs (filters, pages, bad input), /api/alarms, /metrics (parsed with a
 * Prometheus text-format parser, values checked against the seed), POST /api/builds (dry through
 * the SDK, live through the scheduler's JobRunner, bad input), and no secret in any response or log.
 */
import { readFileSync } from 'node:fs';
import { type Engine, execScript } from '@mailramp/db';
import { testEngines } from '@mailramp/db/testing';
import type { FastifyInstance } from 'fastify';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLogger, openTestMailramp, type TestMailramp } from '../../testing/index.js';
import { createHttpServer } from '../create-http-server.js';
import type { JobRunner } from '../job-runner.js';
import { listenHttpServer } from '../listen-http-server.js';

const TOKEN = 'svc-9d1e44f0a7c2b3e58f6a0c9d2e1b4a77';
const LISTMONK_PASSWORD = 'lm-pass-7f3e9c2a1b0d';
const now = () => new Date('2026-06-22T10:05:00Z');
const templates = new URL('../../../../../templates', import.meta.url).pathname;
const demo = JSON.parse(
  readFileSync(new URL('../../../../../demo/mailramp.config.json', import.meta.url), 'utf8'),
);
const ip = (address: string, n: number) => ({
  address,
  prefix: 24,
  interface: 'eth0',
  transport: `out0${n}`,
  helo: `mta0${n}.example.net`,
});
const CONFIG = {
  templates: { dir: templates },
  build: {
    verticals: { trucking: { ...demo.build.verticals.trucking, fromEmail: 'Compliance <c@example.com>' } },
  },
  listmonk: {
    instances: {
      default: { url: 'http://127.0.0.1:9', username: 'api', token: LISTMONK_PASSWORD },
    },
  },
  warmup: {
    streams: {
      trucking: {
        start: '2026-06-10',
        ips: [ip('203.0.113.10', 1), ip('203.0.113.11', 2), ip('203.0.113.12', 3)],
        listmonk: [],
      },
    },
  },
};

const SEED = `
insert into report_days (day, sent, deferred, bounced, expired, egress, primary_egress, dkim_signed,
  dkim_messages, queue_size, read_from, read_until)
values ('2026-06-22', 180, 15, 5, 0, 200, 0, 190, 200, 41, '2026-06-22T00:00:00Z', '2026-06-22T10:00:00Z'),
       ('2026-06-21', 500, 0, 0, 0, 500, 0, 500, 500, null, '2026-06-21T00:00:00Z', '2026-06-22T00:00:00Z');
insert into report_outcomes (day, ip, operator, outcome, reason, count) values
  ('2026-06-22', '203.0.113.10', 'google', 'accepted', '', 120),
  ('2026-06-22', '203.0.113.10', 'google', 'throttled', '421 4.7.28 unusual rate of unsolicited mail', 6),
  ('2026-06-22', '203.0.113.10', 'google', 'throttled', '421 4.7.0 try again later', 4),
  ('2026-06-22', '203.0.113.11', 'microsoft', 'accepted', '', 60),
  ('2026-06-22', '203.0.113.11', 'microsoft', 'reputation_reject', '550 5.7.1 S3150 blocked', 5),
  ('2026-06-22', '203.0.113.11', 'microsoft', 'temporary_failure', '451 4.7.650 throttled', 5),
  ('2026-06-21', '203.0.113.10', 'google', 'accepted', '', 500);
insert into build_runs (vertical, build_date, dry_run, status, started_at, finished_at, counts) values
  ('trucking', '2026-06-22', false, 'succeeded', '2026-06-22T06:00:00Z', '2026-06-22T06:10:00Z',
   '{"selected": 900, "stamped": 880, "refused": 20}');
insert into service_runs (job, slot, outcome, started_at, ended_at, summary, error, worker) values
  ('report', '2026-06-22T09:45:00Z', 'ok', '2026-06-22T09:45:01Z', '2026-06-22T09:45:04.5Z', '{"days": 1}', null, 'vm:101'),
  ('report', '2026-06-22T10:00:00Z', 'failed', '2026-06-22T10:00:01Z', '2026-06-22T10:00:02Z', '{}', 'cannot read /var/log/mail.log', 'vm:101'),
  ('warmup', '2026-06-22T07:17:00Z', 'missed', null, null, '{"reason": "the service was not running at this slot"}', null, null),
  ('warmup', '2026-06-21T07:17:00Z', 'ok', '2026-06-21T07:17:00Z', '2026-06-21T07:17:02Z', '{}', null, 'vm:99');
insert into warmup_holds (stream, rate, until, reason) values ('trucking', 50, '2026-06-30', 'bad day');
insert into alarms (alarm, scope, severity, status, message, action, evidence, first_seen, last_seen, closed_at) values
  ('bind_failure', '203.0.113.11', 'critical', 'open', 'Cannot assign requested address on 203.0.113.11',
   'bind the address or take it out of the pool', '{"counts": {"bind_failures": 14}, "samples": ["connect to ... Cannot assign requested address"], "logDays": ["2026-06-22"]}',
   '2026-06-22T08:00:00Z', '2026-06-22T10:00:00Z', null),
  ('deferral_spike', '', 'warning', 'closed', 'deferrals over 20%', null, '{}',
   '2026-06-21T08:00:00Z', '2026-06-21T12:00:00Z', '2026-06-21T12:15:00Z');
`;

/** The value of one sample of a parsed exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const found = family?.metrics.find((m) =>
    Object.entries(labels).every(([key, value]) => m.labels?.[key] === value),
  );
  return found?.value === undefined ? undefined : Number(found.value);
}

describe.each(testEngines())('the HTTP API on %s', (engine: Engine) => {
  let t: TestMailramp;
  let server: FastifyInstance;
  let url: string;
  const calls: string[] = [];
  const { logger, lines } = createTestLogger();
  const bodies: string[] = [];
  const jobs: JobRunner = {
    jobNames: () => ['report', 'warmup', 'watchdog'],
    runJob: async (name) => {
      calls.push(name);
      return { job: name, slot: now() };
    },
    runBuild: async (options) => {
      calls.push(
        `build:${options.vertical}:${options.date ?? 'today'}${options.force ? `:force=${JSON.stringify(options.force)}` : ''}${
          options.nextSlot || options.sendHour !== undefined
            ? `:slot=${JSON.stringify({ nextSlot: options.nextSlot, sendHour: options.sendHour })}`
            : ''
        }`,
      );
      return { job: `build-${options.vertical}`, slot: now(), id: '42' };
    },
  };
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
  const post = async (path: string, body: unknown, token: string | null = TOKEN) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, json: () => JSON.parse(text) };
  };

  beforeAll(async () => {
    t = await openTestMailramp(engine, { now, config: CONFIG });
    const db = await t.mailramp.db();
    await execScript(db, db, SEED);
    server = createHttpServer({ mailramp: t.mailramp, token: TOKEN, logger, now, jobs });
    url = await listenHttpServer(server, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  it('GET /api/status: the stream against its ramp, today’s mix, open alarms, every job’s last run', async () => {
    const response = await get('/api/status');
    expect(response.status).toBe(200);
    const status = response.json();
    expect(status.today).toBe('2026-06-22');
    expect(status.streams).toEqual([
      expect.objectContaining({
        stream: 'trucking',
        day: 12,
        hourlyCap: 50,
        hold: expect.objectContaining({ rate: 50, until: '2026-06-30' }),
      }),
    ]);
    expect(status.streams[0].tableCap).toBeGreaterThan(50);
    expect(status.deliveries.totals).toMatchObject({
      sent: 180,
      deliveryRate: 0.9,
      dkimRatio: 0.95,
      queueSize: 41,
    });
    expect(status.deliveries.outcomes).toEqual([
      { outcome: 'accepted', count: 180 },
      { outcome: 'throttled', count: 10 },
      { outcome: 'reputation_reject', count: 5 },
      { outcome: 'temporary_failure', count: 5 },
    ]);
    expect(status.alarms).toEqual([
      expect.objectContaining({ alarm: 'bind_failure', scope: '203.0.113.11', severity: 'critical' }),
    ]);
    expect(
      status.jobs.map((j: { job: string; last: { outcome: string } | null }) => [
        j.job,
        j.last?.outcome ?? null,
      ]),
    ).toEqual([
      ['report', 'failed'],
      ['warmup', 'missed'],
      ['watchdog', null],
    ]);
  });

  it('GET /metrics: Prometheus text with the seeded values', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    const text = response.text;
    expect(
      sample(text, 'mailramp_deliveries_today', {
        ip: '203.0.113.10',
        operator: 'google',
        outcome: 'throttled',
      }),
    ).toBe(10);
    expect(
      sample(text, 'mailramp_deliveries_today', {
        ip: '203.0.113.11',
        operator: 'microsoft',
        outcome: 'accepted',
      }),
    ).toBe(60);
    // Yesterday's 500 is not today's.
    expect(
      parsePrometheusTextFormat(text)
        .find((f) => f.name === 'mailramp_deliveries_today')
        ?.metrics.reduce((n, m) => n + Number(m.value), 0),
    ).toBe(200);
    expect(sample(text, 'mailramp_delivery_rate')).toBe(0.9);
    expect(sample(text, 'mailramp_dkim_signed_ratio')).toBe(0.95);
    expect(sample(text, 'mailramp_queue_size')).toBe(41);
    expect(sample(text, 'mailramp_warmup_day', { stream: 'trucking' })).toBe(12);
    expect(sample(text, 'mailramp_pool_size', { stream: 'trucking' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'mailramp_hourly_cap', { stream: 'trucking' })).toBe(50);
    expect(sample(text, 'mailramp_hold_active', { stream: 'trucking' })).toBe(1);
    expect(sample(text, 'mailramp_hold_rate', { stream: 'trucking' })).toBe(50);
    expect(
      sample(text, 'mailramp_alarm_open', {
        alarm: 'bind_failure',
        scope: '203.0.113.11',
        severity: 'critical',
      }),
    ).toBe(1);
    expect(sample(text, 'mailramp_alarm_open', { alarm: 'deferral_spike' })).toBeUndefined();
    expect(sample(text, 'mailramp_job_last_success_timestamp_seconds', { job: 'report' })).toBe(
      Date.parse('2026-06-22T09:45:04.5Z') / 1000,
    );
    expect(sample(text, 'mailramp_job_last_duration_seconds', { job: 'report' })).toBe(1);
    expect(sample(text, 'mailramp_job_last_outcome', { job: 'report', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'mailramp_job_last_outcome', { job: 'report', outcome: 'ok' })).toBe(0);
    expect(sample(text, 'mailramp_job_last_outcome', { job: 'warmup', outcome: 'missed' })).toBe(1);
    expect(sample(text, 'mailramp_job_last_duration_seconds', { job: 'warmup' })).toBe(2);
    expect(sample(text, 'mailramp_job_last_run_timestamp_seconds', { job: 'watchdog' })).toBeUndefined();
    expect(sample(text, 'mailramp_build_recipients', { vertical: 'trucking', state: 'stamped' })).toBe(880);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('GET /api/runs: filters and pages, latest slot first', async () => {
    const first = await get('/api/runs?limit=2');
    expect(first.status).toBe(200);
    const page1 = first.json();
    expect(page1.runs.map((r: { job: string; outcome: string }) => `${r.job}:${r.outcome}`)).toEqual([
      'report:failed',
      'report:ok',
    ]);
    expect(page1.runs[1]).toMatchObject({
      durationMs: 3500,
      summary: { days: 1 },
      slot: '2026-06-22T09:45:00.000Z',
    });
    const page2 = (await get(`/api/runs?limit=2&after=${page1.next}`)).json();
    expect(page2.runs.map((r: { job: string; outcome: string }) => `${r.job}:${r.outcome}`)).toEqual([
      'warmup:missed',
      'warmup:ok',
    ]);
    expect(page2.next).toBeNull();
    const failed = (await get('/api/runs?job=report&outcome=failed')).json();
    expect(failed.runs).toMatchObject([{ job: 'report', error: 'cannot read /var/log/mail.log' }]);
  });

  it.each([
    ['/api/runs?limit=0', /bad query: limit: .*>=1/i],
    ['/api/runs?limit=ten', /bad query: limit: /],
    ['/api/runs?outcome=great', /bad query: outcome: .*"ok"/],
    ['/api/runs?after=bm9wZQ', /after: not a cursor of this API/],
    ['/api/runs?jobs=report', /bad query: .*jobs/],
    ['/api/alarms?status=burning', /bad query: status: /],
    ['/api/alarms?limit=501', /bad query: limit: /],
  ])('GET %s answers 400 with what is wrong', async (path, message) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.json().error).toEqual({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });

  it('GET /api/alarms: open by default, closed and all on request, with evidence', async () => {
    const open = (await get('/api/alarms')).json();
    expect(open.alarms).toEqual([
      expect.objectContaining({
        alarm: 'bind_failure',
        status: 'open',
        evidence: expect.objectContaining({ counts: { bind_failures: 14 }, logDays: ['2026-06-22'] }),
      }),
    ]);
    const closed = (await get('/api/alarms?status=closed')).json();
    expect(closed.alarms.map((a: { alarm: string }) => a.alarm)).toEqual(['deferral_spike']);
    expect((await get('/api/alarms?status=all&limit=1')).json().alarms).toHaveLength(1);
  });

  it('POST /api/builds: a dry build plans through the SDK and writes nothing', async () => {
    await t.mailramp.database.seedDemo({ carriers: 300, providers: 0 });
    const db = await t.mailramp.db();
    const before = await db
      .selectFrom('send_ledger')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const response = await post('/api/builds', { vertical: 'trucking', mode: 'dry', date: '2026-06-22' });
    expect(response.status).toBe(200);
    const plan = response.json();
    expect(plan).toMatchObject({ mode: 'dry', vertical: 'trucking', date: '2026-06-22', problems: [] });
    expect(plan.recipients).toBeGreaterThan(0);
    expect(plan.warmup).toMatchObject({ day: 12 });
    // What a live build would stop on now, every check with its evidence.
    expect(plan.gate).toMatchObject({ ok: expect.any(Boolean), checkedAt: expect.any(String) });
    expect(plan.gate.checks.map((c: { id: string }) => c.id)).toContain('dkim');
    const after = await db
      .selectFrom('send_ledger')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
    expect(calls).toEqual([]);
  });

  it("POST /api/builds: a passed slot is advised in the body's words; nextSlot moves it", async () => {
    const passed = await post('/api/builds', { vertical: 'trucking', mode: 'dry', date: '2026-06-21' });
    expect(passed.status).toBe(409);
    const { error } = passed.json();
    expect(error.code).toBe('SLOT_PASSED');
    expect(error.message).toContain('2026-06-21 is over: leave out "date"');
    expect(error.message).toContain('"nextSlot": true');
    expect(error.message).not.toMatch(/--next-slot|--date|--send-hour/);
    const moved = await post('/api/builds', {
      vertical: 'trucking',
      mode: 'dry',
      date: '2026-06-21',
      nextSlot: true,
    });
    expect(moved.status).toBe(200);
    expect(moved.json()).toMatchObject({ date: '2026-06-21', problems: [] });
    expect(moved.json().campaigns).toBeGreaterThan(0);
    expect(
      (await post('/api/builds', { vertical: 'trucking', mode: 'live', nextSlot: true, sendHour: 14 }))
        .status,
    ).toBe(202);
    expect(calls).toEqual(['build:trucking:today:slot={"nextSlot":true,"sendHour":14}']);
    calls.length = 0;
  });

  it('POST /api/builds: a live build goes to the scheduler (202)', async () => {
    const response = await post('/api/builds', { vertical: 'trucking', mode: 'live' });
    expect(response.status).toBe(202);
    expect(response.json()).toEqual({ job: 'build-trucking', slot: '2026-06-22T10:05:00.000Z', id: '42' });
    expect(calls).toEqual(['build:trucking:today']);
    calls.length = 0;
  });

  it('POST /api/builds: a live build can override the gate, saying why (and who)', async () => {
    const body = {
      vertical: 'trucking',
      mode: 'live',
      force: { reason: ' DKIM fixed at 09:40 ', by: 'ana' },
    };
    expect((await post('/api/builds', body)).status).toBe(202);
    expect(calls).toEqual(['build:trucking:today:force={"reason":"DKIM fixed at 09:40","by":"ana"}']);
    calls.length = 0;
  });

  it.each([
    [{ vertical: 'shipping', mode: 'dry' }, /vertical: .*"trucking"/],
    [{ vertical: 'trucking' }, /mode: /],
    [{ vertical: 'trucking', mode: 'dry', date: '2026-02-30' }, /date: /],
    [{ vertical: 'trucking', mode: 'dry', force: true }, /force/],
    [{ vertical: 'trucking', mode: 'dry', force: { reason: 'x' } }, /force is for a live build/],
    [{ vertical: 'trucking', mode: 'dry', sendHour: 24 }, /sendHour/],
    [{ vertical: 'trucking', mode: 'dry', nextSlot: 'yes' }, /nextSlot/],
    [{ vertical: 'trucking', mode: 'live', force: { reason: '  ' } }, /force.reason must say why/],
    [{ vertical: 'trucking', mode: 'live', force: { by: 'ana' } }, /force.reason/],
    ['{"vertical": "trucking",', /JSON/i],
  ])('POST /api/builds %j answers 400 with what is wrong, running nothing', async (body, message) => {
    const response = await post('/api/builds', body);
    expect(response.status).toBe(400);
    expect(response.json().error).toEqual({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
    expect(calls).toEqual([]);
  });

  it('POST /api/builds and /api/jobs/:name/run without the token: 401, nothing run', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      expect((await post('/api/builds', { vertical: 'trucking', mode: 'live' }, token)).status).toBe(401);
      expect((await post('/api/jobs/report/run', {}, token)).status).toBe(401);
    }
    expect(calls).toEqual([]);
    const ran = await post('/api/jobs/report/run', {});
    expect(ran.status).toBe(202);
    expect(calls).toEqual(['report']);
  });

  it('GET /metrics: a figure the database holds as unknown is absent, never 0', async () => {
    // No attempts, no OpenDKIM lines, no queue read today: an alert on DKIM < 0.9 must not fire.
    const db = await t.mailramp.db();
    await execScript(
      db,
      db,
      `update report_days set sent = 0, deferred = 0, bounced = 0, dkim_signed = 0, dkim_messages = 0,
         queue_size = null where day = '2026-06-22'`,
    );
    const unknown = ['mailramp_delivery_rate', 'mailramp_dkim_signed_ratio', 'mailramp_queue_size'];
    const families = (text: string) => parsePrometheusTextFormat(text).map((f) => f.name);
    const partial = (await get('/metrics')).text;
    for (const name of unknown) expect(families(partial)).not.toContain(name);
    expect(sample(partial, 'mailramp_report_read_until_timestamp_seconds')).toBe(
      Date.parse('2026-06-22T10:00:00Z') / 1000,
    );
    // No report row today at all: the window read is unknown too.
    await execScript(db, db, `delete from report_days where day = '2026-06-22'`);
    const none = (await get('/metrics')).text;
    for (const name of [...unknown, 'mailramp_report_read_until_timestamp_seconds'])
      expect(families(none)).not.toContain(name);
    expect(sample(none, 'mailramp_warmup_day', { stream: 'trucking' })).toBe(12);
  });

  it('never puts the token or the Listmonk password in a response or a log line', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const text of [...lines, ...bodies]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(LISTMONK_PASSWORD);
    }
  });
});
