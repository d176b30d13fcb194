/**
 * Runbook rule: "if Gmail 550-5.7.1 or Yahoo 421 TSS04 reappear, STOP and hold for several days".
 * Replayed end to end on two streams (trucking, healthcare), each with its own Listmonk stand-in: a
 * generated Postfix log in the real files' line shapes carries Gmail `550-5.7.1 … unsolicited`
 * bounces and Yahoo `421 4.7.0 [TSS04]` deferrals; the service's report cycle (`report({ store:
 * true })` then `guard.cycle()`) stops both streams (each by the alarms its own IPs' replies raised)
 * — one incident per stream, not one per alarm —
 * drafts every scheduled campaign and holds each ramp cap. A clean day closes the alarms, and a
 * resume re-schedules only the campaigns whose send_at is still ahead.
 *
 * Time to detection: 1 report cycle. No campaign is scheduled or running between the stop and the
 * resume.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseSection } from '../../packages/db/src/testing/index.js';
import { createListmonkStandIn, type ListmonkStandIn } from '../../packages/listmonk/src/testing/index.js';
import { type Mailramp, openMailramp } from '../../packages/mailramp/src/index.js';
import { createRecordingRunner, generateMailLog } from '../../packages/ops/src/testing/index.js';

const TRANSPORT_IPS = { out05: '203.0.113.94', out06: '203.0.113.95', out07: '203.0.113.96' };
const PRIMARY = '203.0.113.71';
const ip = (address: string, transport: string) => ({
  address,
  prefix: 24,
  interface: 'eth0',
  transport,
  helo: `${transport}.mail.example.net`,
});

describe('Gmail 550-5.7.1 and Yahoo TSS04 reappear: stop, hold, resume only what is still ahead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-gmail-yahoo-'));
  let clock = new Date(2026, 5, 22, 8, 0);
  const lm: Record<string, ListmonkStandIn> = {};
  let mailramp: Mailramp;
  let destroy = async () => {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of ['trucking', 'healthcare']) {
      lm[name] = await createListmonkStandIn({
        version: 6,
        now: () => clock,
        scanIntervalMs: Number.POSITIVE_INFINITY,
      });
    }
    const section = await createTestDatabaseSection(join(dir, 'data'));
    const { database } = section;
    destroy = section.destroy;
    const instance = (s: ListmonkStandIn) => ({ url: s.url, username: s.username, token: s.token });
    mailramp = await openMailramp(
      {
        database,
        listmonk: { instances: { trucking: instance(lm.trucking!), healthcare: instance(lm.healthcare!) } },
        warmup: {
          primaryIp: PRIMARY,
          streams: {
            trucking: {
              start: '2026-05-20',
              ips: [ip('203.0.113.94', 'out05'), ip('203.0.113.95', 'out06')],
              listmonk: ['trucking'],
            },
            healthcare: {
              start: '2026-05-20',
              ips: [ip('203.0.113.96', 'out07')],
              listmonk: ['healthcare'],
              postfix: { configDir: '/etc/postfix-hc' },
            },
          },
        },
      },
      { env: {}, cwd: dir, now: () => clock, runner: createRecordingRunner() },
    );
    const schedule = async (stream: string, name: string, sendAt: Date) => {
      const client = await mailramp.listmonk(stream);
      const list = await client.createList({ name: `${name} list` });
      const c = await client.createCampaign({
        name,
        subject: name,
        listIds: [list.id],
        body: '<p>x</p>',
        sendAt,
      });
      await client.changeCampaignStatus(c.id, 'scheduled');
      ids[name] = c.id;
    };
    await schedule('trucking', 'ucr central today', new Date(2026, 5, 22, 15, 0));
    await schedule('trucking', 'ucr eastern tomorrow', new Date(2026, 5, 23, 16, 0));
    await schedule('healthcare', 'clia tomorrow', new Date(2026, 5, 23, 18, 0));
  });

  afterAll(async () => {
    await mailramp?.close();
    await destroy();
    for (const s of Object.values(lm)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const writeLog = (name: string, start: Date, keep: (line: string) => boolean = () => true) => {
    const chunks: string[] = [];
    generateMailLog(
      {
        lines: 2_400,
        seed: 622,
        start,
        messagesPerMinute: 20,
        bindFailureShare: 0,
        transportIps: TRANSPORT_IPS,
        primaryIp: PRIMARY,
      },
      (c) => chunks.push(c),
    );
    const path = join(dir, name);
    writeFileSync(path, `${chunks.join('').split('\n').filter(keep).join('\n')}\n`);
    utimesSync(path, clock, clock);
    return path;
  };
  const live = async () => {
    const out: string[] = [];
    for (const stream of ['trucking', 'healthcare']) {
      const client = await mailramp.listmonk(stream);
      for (const c of await client.listCampaigns({ status: ['running', 'scheduled'], all: true }))
        out.push(`${stream} ${c.name}`);
    }
    return out.sort();
  };
  const reportCycle = async (log: string) => {
    await mailramp.report({ log: [log], store: true });
    return mailramp.guard.cycle();
  };

  it('stops both streams in one cycle, keeps them stopped, and resumes only future campaigns', async () => {
    expect(await live()).toHaveLength(3);
    clock = new Date(2026, 5, 22, 8, 15);
    const bad = writeLog('mail.log', new Date(2026, 5, 22, 8, 0));
    const first = await reportCycle(bad);

    const open = (await mailramp.alarms.list({ status: 'open' })).map((a) => a.alarm);
    expect(open).toEqual(expect.arrayContaining(['gmail_unsolicited', 'yahoo_tss']));
    expect(first.runaway).toEqual([]);
    expect(first.streams.map((s) => [s.stream, s.opened, s.alarms.map((a) => a.alarm).sort()])).toEqual([
      ['trucking', true, ['gmail_unsolicited', 'yahoo_tss']],
      // The log's TSS04 deferrals came back to .94/.95 (and the primary), never to healthcare's .96:
      // a reply alarm stops only the streams whose IPs carried its replies.
      ['healthcare', true, ['gmail_unsolicited']],
    ]);
    expect(await live()).toEqual([]);
    const holds = await mailramp.rampcap.holds();
    expect(holds.map((h) => [h.stream, h.rate, h.until]).sort()).toEqual([
      ['healthcare', 300, '2026-06-25'],
      ['trucking', 300, '2026-06-25'],
    ]);

    // The next report cycle reads the same log: one incident per stream still, no new action.
    clock = new Date(2026, 5, 22, 8, 30);
    const second = await reportCycle(bad);
    expect(second.streams.flatMap((s) => s.actions)).toEqual([]);
    const incidents = await mailramp.guard.incidents({ status: 'open' });
    expect(incidents.map((i) => [i.stream, i.alarmIds.length]).sort()).toEqual([
      ['healthcare', 1],
      ['trucking', 2],
    ]);
    expect(await live()).toEqual([]);

    // The next morning the log is clean (only deliveries that went through): the alarms close.
    clock = new Date(2026, 5, 23, 10, 0);
    const clean = writeLog(
      'mail.log.clean',
      new Date(2026, 5, 23, 8, 0),
      (l) => !/status=(deferred|bounced)| said: /.test(l),
    );
    const third = await reportCycle(clean);
    expect((await mailramp.alarms.list({ status: 'open' })).map((a) => a.alarm)).not.toContain(
      'gmail_unsolicited',
    );
    expect(third.streams.flatMap((s) => s.actions)).toEqual([]);
    expect(await live()).toEqual([]);

    const trucking = incidents.find((i) => i.stream === 'trucking')!;
    const resumed = await mailramp.guard.resume(trucking.id, { by: 'ops' });
    expect(resumed.scheduled.map((c) => c.name)).toEqual(['ucr eastern tomorrow']);
    expect(resumed.left.map((l) => [l.campaign.name, l.why])).toEqual([
      ['ucr central today', `send_at ${new Date(2026, 5, 22, 15, 0).toISOString()} has passed: stays draft`],
    ]);
    expect(resumed.hold).toBe('kept');
    expect(await live()).toEqual(['trucking ucr eastern tomorrow']);
    // Healthcare stays stopped until someone resumes it too.
    expect((await mailramp.guard.status()).map((s) => [s.stream, s.incident?.status ?? 'sending'])).toEqual([
      ['trucking', 'sending'],
      ['healthcare', 'open'],
    ]);
  });
});
