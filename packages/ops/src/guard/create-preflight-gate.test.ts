import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDnsResolver } from '../dns/create-dns-resolver.js';
import { createRecordingRunner, type FixtureDnsServer, startFixtureDnsServer } from '../testing/index.js';
import { createPreflightGate, type GateStreamConfig } from './create-preflight-gate.js';
import type { GateThresholds, OpenIncident } from './plan-gate-verdict.js';

// Issue 24 §1: the pre-flight gate refuses each condition the runbook's incidents had, from the
// stored report tables (0805), a real `ip -j addr` shape and a real DNS server for SPF.
const NOW = new Date('2026-06-17T14:20:00Z');
const TODAY = '2026-06-17';
const YESTERDAY = '2026-06-16';
const DOMAIN = 'performancewest.net';
const POOL = ['207.174.124.94', '207.174.124.95', '207.174.124.96'];
// The runbook's pool sizes: 3 IPs on days 0-3.
const POOL_TABLE = [
  { from: 0, to: 3, value: 3 },
  { from: 4, value: 5 },
];

const ip = (address: string, helo: string, transport: string) => ({
  address,
  prefix: 23,
  interface: 'ens18',
  transport,
  helo,
});
const STREAMS: Record<string, GateStreamConfig> = {
  trucking: {
    ips: POOL.map((a, i) => ip(a, `mta0${5 + i}.performancewest.net`, `out0${5 + i}`)),
    retired: ['207.174.124.91'],
    pool: POOL_TABLE,
  },
  healthcare: {
    ips: [ip('207.174.124.107', 'hc1.performancewest.net', 'hcout1')],
    retired: [],
    pool: POOL_TABLE,
  },
};
const THRESHOLDS: GateThresholds = {
  dkimMinRatio: 0.9,
  dkimMinMessages: 20,
  bindFailureHours: 24,
  maxQueue: 1000,
  queueMaxAgeHours: 6,
  hourlyMargin: 0.1,
};
// Day 2 of the runbook ramp: 150/h over 10 sending hours.
const REQUEST = {
  vertical: 'trucking',
  warmupDay: 2,
  stream: { name: 'trucking', hourlyCap: 150, sendingHours: 10 },
};

// iproute2's own output (`ip -j -4 addr show dev ens18` on the runbook's host), with the bound
// addresses of the test put in its addr_info entries' shape.
const IP_J = JSON.parse(
  readFileSync(new URL('../health/fixtures/ip-j/ens18-all.json', import.meta.url), 'utf8'),
) as Array<{ addr_info: Array<Record<string, unknown>> }>;
function ipAddrJson(bound: readonly string[]): string {
  const [primary, secondary] = [IP_J[0]!.addr_info[0]!, IP_J[0]!.addr_info[1]!];
  const link = structuredClone(IP_J[0]!);
  link.addr_info = [{ ...primary }, ...bound.map((local) => ({ ...secondary, local }))];
  return JSON.stringify([link], null, 4);
}

describe.each(testEngines())('the pre-flight gate on %s', (engine) => {
  let t: TestDatabase;
  let dns: FixtureDnsServer;
  let spfRecord: string;
  let bound: string[];
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    dns = await startFixtureDnsServer([{ name: DOMAIN, type: 'TXT', data: 'placeholder' }]);
  });
  afterAll(async () => {
    await dns.close();
    await t.destroy();
  });

  const runner = createRecordingRunner((call) => {
    if (call.command === 'ip' && call.args.join(' ') === '-j -4 addr show dev ens18')
      return { stdout: ipAddrJson(bound) };
    return { code: 1, stderr: `Cannot find device "${call.args.at(-1)}"` };
  });
  let incidents: OpenIncident[] | undefined;
  const gate = (overrides: { spf?: boolean; thresholds?: Partial<GateThresholds> } = {}) =>
    createPreflightGate({
      runner,
      now: () => NOW,
      thresholds: { ...THRESHOLDS, ...overrides.thresholds },
      streams: STREAMS,
      primaryIp: '207.174.124.71',
      ...(overrides.spf === false
        ? {}
        : {
            spf: {
              domain: DOMAIN,
              resolver: createDnsResolver({ servers: [dns.address], port: dns.port, timeoutMs: 1000 }),
            },
          }),
      ...(incidents === undefined ? {} : { incidents: { listOpenIncidents: async () => incidents! } }),
    });
  const checkOf = async (id: string, overrides?: Parameters<typeof gate>[0]) => {
    const verdict = await gate(overrides).check(REQUEST, t.db);
    const check = verdict.checks.find((c) => c.id === id)!;
    return { verdict, check };
  };

  // A healthy host: signed mail, every pool IP bound and in SPF, a small queue, sends within the ramp.
  beforeEach(async () => {
    for (const table of ['report_days', 'report_hours', 'report_outcomes', 'alarms'] as const) {
      await sql`delete from ${sql.table(table)}`.execute(t.db);
    }
    await t.db
      .insertInto('report_days')
      .values([
        {
          day: YESTERDAY,
          sent: 1400,
          dkim_signed: 1500,
          dkim_messages: 1502,
          queue_size: 40,
          read_until: `${YESTERDAY}T23:59:59Z`,
        },
        {
          day: TODAY,
          sent: 600,
          dkim_signed: 640,
          dkim_messages: 641,
          queue_size: 12,
          read_until: '2026-06-17T14:15:00Z',
        },
      ])
      .execute();
    await t.db
      .insertInto('report_hours')
      .values(
        [12, 13, 14].flatMap((hour) => POOL.map((ip) => ({ day: TODAY, hour, ip, sent: 45, bounced: 2 }))),
      )
      .execute();
    bound = [...POOL, '207.174.124.107'];
    spfRecord = `v=spf1 mx ip4:${POOL.join(' ip4:')} ip4:207.174.124.107 -all`;
    await setSpf(spfRecord);
    incidents = undefined;
  });
  afterEach(() => {
    runner.calls.length = 0;
  });

  async function setSpf(record: string): Promise<void> {
    await dns.close();
    dns = await startFixtureDnsServer([
      { name: DOMAIN, type: 'TXT', data: record },
      { name: DOMAIN, type: 'MX', exchange: `mail.${DOMAIN}`, priority: 10 },
      { name: `mail.${DOMAIN}`, type: 'A', address: '207.174.124.71' },
    ]);
  }

  async function alarm(values: {
    alarm: string;
    scope?: string;
    severity?: 'critical' | 'warning';
    status?: 'open' | 'closed';
    lastSeen: string;
    evidence?: Record<string, unknown>;
  }): Promise<void> {
    await t.db
      .insertInto('alarms')
      .values({
        alarm: values.alarm,
        scope: values.scope ?? '',
        severity: values.severity ?? 'critical',
        status: values.status ?? 'open',
        message: `${values.alarm} seen`,
        evidence: JSON.stringify(values.evidence ?? {}),
        first_seen: values.lastSeen,
        last_seen: values.lastSeen,
        closed_at: values.status === 'closed' ? values.lastSeen : null,
      })
      .execute();
  }

  it('passes a healthy host, every check judged, after one `ip -j -4 addr` per interface', async () => {
    const verdict = await gate().check(REQUEST, t.db);
    expect(verdict.checks.map((c) => [c.id, c.status])).toEqual([
      ['dkim', 'pass'],
      ['ips_bound', 'pass'],
      ['bind_failures', 'pass'],
      ['alarms', 'pass'],
      ['spf', 'pass'],
      ['queue', 'pass'],
      ['volume', 'pass'],
    ]);
    expect(verdict.ok).toBe(true);
    expect(runner.calls).toEqual([{ command: 'ip', args: ['-j', '-4', 'addr', 'show', 'dev', 'ens18'] }]);
    expect(verdict.checks.find((c) => c.id === 'volume')!.evidence).toMatchObject({
      total: 423,
      dayCap: 1500,
    });
  });

  it('refuses mail leaving unsigned (the Jun 17 ratio), and does not judge too few messages', async () => {
    await t.db
      .updateTable('report_days')
      .set({ dkim_signed: 0, dkim_messages: 2620 })
      .where('day', '=', TODAY)
      .execute();
    const { verdict, check } = await checkOf('dkim');
    expect(verdict.ok).toBe(false);
    expect(check.status).toBe('fail');
    expect(check.evidence).toMatchObject({ signed: 1500, messages: 4122 });
    expect(check.message).toContain('mail is leaving unsigned');

    await t.db.updateTable('report_days').set({ dkim_signed: 0, dkim_messages: 5 }).execute();
    expect((await checkOf('dkim')).check).toMatchObject({ status: 'not_judged' });
    // A day older than 24 h does not count.
    await t.db.updateTable('report_days').set({ day: '2026-06-15' }).where('day', '=', YESTERDAY).execute();
    await t.db.updateTable('report_days').set({ dkim_signed: 3, dkim_messages: 300 }).execute();
    expect((await checkOf('dkim')).check.evidence).toMatchObject({ messages: 300 });
  });

  it('refuses a pool IP that is not bound (the Jun 24 dropped IPs), naming it and the repair', async () => {
    bound = ['207.174.124.94'];
    const { verdict, check } = await checkOf('ips_bound');
    expect(verdict.ok).toBe(false);
    expect(check.status).toBe('fail');
    expect(check.evidence).toMatchObject({
      missing: ['207.174.124.95 on ens18', '207.174.124.96 on ens18'],
      bound: { ens18: ['207.174.124.71', '207.174.124.94'] },
    });
    expect(check.message).toContain('mailramp ops watchdog --apply');
  });

  it('refuses when `ip` cannot read the interface, rather than guessing', async () => {
    const failing = createPreflightGate({
      runner: createRecordingRunner(() => ({ code: 1, stderr: 'Device "ens18" does not exist.' })),
      now: () => NOW,
      thresholds: THRESHOLDS,
      streams: STREAMS,
    });
    const verdict = await failing.check(REQUEST, t.db);
    expect(verdict.checks.find((c) => c.id === 'ips_bound')).toMatchObject({ status: 'fail' });
    expect(verdict.checks.find((c) => c.id === 'ips_bound')!.message).toContain('does not exist');
  });

  it('refuses a bind failure of the pool within the window, open or closed; an older one or another stream’s passes', async () => {
    await alarm({
      alarm: 'bind_failure',
      status: 'closed',
      lastSeen: '2026-06-17T11:05:00Z',
      evidence: { counts: { '207.174.124.95': 37 } },
    });
    const { check } = await checkOf('bind_failures');
    expect(check.status).toBe('fail');
    expect(check.evidence).toMatchObject({ alarms: [{ alarm: 'bind_failure', status: 'closed' }] });

    await sql`delete from alarms`.execute(t.db);
    await alarm({
      alarm: 'bind_failure',
      status: 'closed',
      lastSeen: '2026-06-16T10:00:00Z',
      evidence: { counts: { '207.174.124.95': 3 } },
    });
    await alarm({
      alarm: 'bind_failure',
      status: 'closed',
      lastSeen: '2026-06-17T12:00:00Z',
      evidence: { counts: { '207.174.124.107': 3 } },
    });
    expect((await checkOf('bind_failures')).check.status).toBe('pass');
  });

  it('refuses an open STOP alarm host-wide or for the stream; a warning, a closed one or another stream’s does not', async () => {
    await alarm({ alarm: 'gmail_unsolicited', severity: 'warning', lastSeen: '2026-06-17T13:00:00Z' });
    await alarm({ alarm: 'yahoo_tss', status: 'closed', lastSeen: '2026-06-17T13:00:00Z' });
    await alarm({ alarm: 'runaway_volume', scope: 'healthcare', lastSeen: '2026-06-17T13:00:00Z' });
    await alarm({ alarm: 'primary_ip_egress', scope: '207.174.124.107', lastSeen: '2026-06-17T13:00:00Z' });
    expect((await checkOf('alarms')).check.status).toBe('pass');

    await alarm({ alarm: 'yahoo_tss', lastSeen: '2026-06-17T13:30:00Z' });
    await alarm({ alarm: 'runaway_volume', scope: 'trucking', lastSeen: '2026-06-17T13:30:00Z' });
    const { verdict, check } = await checkOf('alarms');
    expect(verdict.ok).toBe(false);
    expect(check.status).toBe('fail');
    expect((check.evidence.alarms as Array<{ alarm: string }>).map((a) => a.alarm)).toEqual([
      'yahoo_tss',
      'runaway_volume',
    ]);
  });

  it('takes a host-wide reply alarm as the stop does: only the streams whose IPs carried its replies', async () => {
    const reply = (ip: string) =>
      `550-5.7.1 [${ip}] Our system has detected that this message is likely unsolicited mail`;
    const outcome = (ip: string) => ({
      day: TODAY,
      ip,
      operator: 'google',
      outcome: 'reputation_reject',
      reason: reply(ip),
      count: 40,
    });
    await alarm({
      alarm: 'gmail_unsolicited',
      lastSeen: '2026-06-17T13:30:00Z',
      evidence: { counts: { gmailUnsolicited: 40 }, days: { [TODAY]: { gmailUnsolicited: 40 } } },
    });
    // Gmail refused healthcare's IP only: trucking's build may go on, healthcare's may not.
    await t.db.insertInto('report_outcomes').values(outcome('207.174.124.107')).execute();
    expect((await checkOf('alarms')).check.status).toBe('pass');
    const healthcare = await gate().check(
      {
        vertical: 'healthcare',
        warmupDay: 2,
        stream: { name: 'healthcare', hourlyCap: 150, sendingHours: 10 },
      },
      t.db,
    );
    expect(healthcare.checks.find((c) => c.id === 'alarms')!.status).toBe('fail');
    // Once a trucking IP carried the replies too, trucking is refused as well.
    await t.db.insertInto('report_outcomes').values(outcome(POOL[0]!)).execute();
    expect((await checkOf('alarms')).check.status).toBe('fail');
  });

  it('refuses an open guard incident of the stream (read through the incident port)', async () => {
    incidents = [
      { id: 7, stream: 'healthcare', summary: 'Yahoo TSS04', openedAt: new Date('2026-06-17T09:00:00Z') },
    ];
    expect((await checkOf('alarms')).check.status).toBe('pass');
    incidents.push({
      id: 8,
      stream: 'trucking',
      summary: 'Gmail 550-5.7.1',
      openedAt: new Date('2026-06-17T10:00:00Z'),
    });
    const { check } = await checkOf('alarms');
    expect(check.status).toBe('fail');
    expect(check.message).toContain('mailramp guard resume 8');
  });

  it('refuses a pool IP the envelope domain’s SPF no longer covers; no envelope domain is not judged', async () => {
    await setSpf(`v=spf1 mx ip4:${POOL[0]} ip4:${POOL[1]} -all`);
    const { check } = await checkOf('spf');
    expect(check.status).toBe('fail');
    expect(check.evidence).toMatchObject({
      domain: DOMAIN,
      results: { [POOL[0]!]: 'pass', [POOL[1]!]: 'pass', [POOL[2]!]: 'fail' },
    });
    expect((await checkOf('spf', { spf: false })).check.status).toBe('not_judged');
  });

  it('refuses an exploding queue; a stale reading is not judged', async () => {
    await t.db.updateTable('report_days').set({ queue_size: 1846 }).where('day', '=', TODAY).execute();
    const { check } = await checkOf('queue');
    expect(check.status).toBe('fail');
    expect(check.evidence).toMatchObject({ size: 1846, max: 1000 });
    await t.db
      .updateTable('report_days')
      .set({ read_until: '2026-06-17T06:00:00Z' })
      .where('day', '=', TODAY)
      .execute();
    expect((await checkOf('queue')).check.status).toBe('not_judged');
  });

  it('refuses sends above the ramp: one hour over the hourly cap (the May 30 blast), or the day over its cap', async () => {
    await t.db
      .insertInto('report_hours')
      .values({ day: TODAY, hour: 9, ip: '207.174.124.96', sent: 160, bounced: 20 })
      .execute();
    const { check } = await checkOf('volume');
    expect(check.status).toBe('fail');
    expect(check.message).toContain('09:00 (180)');
    expect(check.evidence).toMatchObject({ hourLimit: 165, perHour: { '9': 180 } });

    // Within the hourly cap every hour, but more hours than the day's cap allows.
    await sql`delete from report_hours`.execute(t.db);
    await t.db
      .insertInto('report_hours')
      .values(Array.from({ length: 12 }, (_, hour) => ({ day: TODAY, hour, ip: POOL[hour % 3]!, sent: 140 })))
      .execute();
    const day = await checkOf('volume');
    expect(day.check.status).toBe('fail');
    expect(day.check.evidence).toMatchObject({ total: 1680, dayCap: 1500 });
    // Within the ramp for the stream, but all of it through one IP: above its share (1500 / 3 + 10%).
    await sql`delete from report_hours`.execute(t.db);
    await t.db
      .insertInto('report_hours')
      .values(
        Array.from({ length: 5 }, (_, hour) => ({ day: TODAY, hour: 8 + hour, ip: POOL[0]!, sent: 120 })),
      )
      .execute();
    const oneIp = await checkOf('volume');
    expect(oneIp.check.status).toBe('fail');
    expect(oneIp.check.evidence).toMatchObject({ total: 600, ipLimit: 550, perIp: { [POOL[0]!]: 600 } });
    expect(oneIp.check.message).toContain("207.174.124.94 sent 600 today, above one IP's share");
    // No stored report for today: today's sends are unknown, not zero.
    await t.db.updateTable('report_days').set({ day: '2026-06-15' }).where('day', '=', TODAY).execute();
    expect((await checkOf('volume')).check.status).toBe('not_judged');
    await t.db.updateTable('report_days').set({ day: TODAY }).where('day', '=', '2026-06-15').execute();
    // Another stream's IP and yesterday's hours do not count.
    await sql`delete from report_hours`.execute(t.db);
    await t.db
      .insertInto('report_hours')
      .values([
        { day: TODAY, hour: 9, ip: '207.174.124.107', sent: 5000 },
        { day: YESTERDAY, hour: 9, ip: POOL[0]!, sent: 5000 },
      ])
      .execute();
    expect((await checkOf('volume')).check.status).toBe('pass');
  });

  it('does not judge what a vertical without a warm-up stream cannot have', async () => {
    const verdict = await gate().check({ vertical: 'healthcare', warmupDay: 0 }, t.db);
    expect(Object.fromEntries(verdict.checks.map((c) => [c.id, c.status]))).toEqual({
      dkim: 'pass',
      ips_bound: 'not_judged',
      bind_failures: 'pass',
      alarms: 'pass',
      spf: 'not_judged',
      queue: 'pass',
      volume: 'not_judged',
    });
    expect(runner.calls).toEqual([]);
  });
});
