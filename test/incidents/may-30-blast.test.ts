/**
 * Runbook incident, May 30: a campaign of 29,000 recipients was created by hand in Listmonk while
 * the IPs were cold (warm-up day 0: 50 messages an hour), and sent ~29k in a day before anyone
 * looked. Replayed end to end: the campaign made directly in the Listmonk stand-in (no build, so
 * no build cap applies), the mail it sends as a generated Postfix log in the real files' line
 * shapes, the service's report cycle (`report({ store: true })` then `guard.cycle()`) on a real
 * database. Only runaway_volume is a STOP alarm here, so it is what stops it.
 *
 * Time to detection: 1 report cycle (the first cycle after the blast's first quarter hour).
 * After the stop no campaign on the stream's instance is running or scheduled.
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
const ip = (address: string, transport: string) => ({
  address,
  prefix: 24,
  interface: 'eth0',
  transport,
  helo: `${transport}.mail.example.net`,
});

describe('May 30: 29,000 sends on cold IPs from a campaign made by hand in Listmonk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-may30-'));
  let clock = new Date(2026, 4, 30, 8, 0);
  let lm: ListmonkStandIn;
  let mailramp: Mailramp;
  let destroy = async () => {};
  const blast: { id?: number; later?: number } = {};

  beforeAll(async () => {
    lm = await createListmonkStandIn({
      version: 5,
      now: () => clock,
      scanIntervalMs: Number.POSITIVE_INFINITY,
    });
    const section = await createTestDatabaseSection(join(dir, 'data'));
    const { database } = section;
    destroy = section.destroy;
    mailramp = await openMailramp(
      {
        database,
        listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
        warmup: {
          primaryIp: '203.0.113.71',
          streams: {
            trucking: {
              start: '2026-05-30',
              ips: [ip('203.0.113.94', 'out05'), ip('203.0.113.95', 'out06'), ip('203.0.113.96', 'out07')],
              listmonk: ['trucking'],
            },
          },
        },
        guard: { stop: { alarms: ['runaway_volume'] } },
      },
      { env: {}, cwd: dir, now: () => clock, runner: createRecordingRunner() },
    );

    // The blast, straight in Listmonk: 29,000 subscribers, one campaign, started at 08:00.
    const client = await mailramp.listmonk('trucking');
    const list = await client.createList({ name: 'all carriers' });
    const rows = Array.from({ length: 29_000 }, (_, i) => ({
      email: `carrier${i}@haulers-inc.com`,
      name: `Carrier ${i}`,
    }));
    const imported = await client.importSubscribers({ rows, listIds: [list.id] });
    expect(imported.imported).toBe(29_000);
    const campaign = await client.createCampaign({
      name: 'everyone, now',
      subject: 'MCS-150',
      listIds: [list.id],
      body: '<p>file now</p>',
    });
    blast.id = campaign.id;
    expect((await client.changeCampaignStatus(campaign.id, 'running')).status).toBe('running');
    const later = await client.createCampaign({
      name: 'everyone, afternoon',
      subject: 'MCS-150 reminder',
      listIds: [list.id],
      body: '<p>again</p>',
      sendAt: new Date(2026, 4, 30, 14, 0),
    });
    blast.later = later.id;
    await client.changeCampaignStatus(later.id, 'scheduled');
  });

  afterAll(async () => {
    await mailramp?.close();
    await destroy();
    await lm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The service's 15-minute report cycle: store the log read, then the guard. */
  const reportCycle = async (log: string) => {
    const report = await mailramp.report({ log: [log], store: true });
    return { report, guard: await mailramp.guard.cycle() };
  };
  const campaignStatuses = async () =>
    (await (await mailramp.listmonk('trucking')).listCampaigns({ all: true }))
      .map((c) => [c.name, c.status])
      .sort();

  it('pauses the blast and drafts the next campaign within one report cycle, and nothing sends after', async () => {
    // 08:00–08:15 at the blast's pace (40 a minute across the three cold IPs), real Postfix lines.
    const chunks: string[] = [];
    const totals = generateMailLog(
      {
        lines: 4_200,
        seed: 530,
        start: new Date(2026, 4, 30, 8, 0),
        messagesPerMinute: 40,
        transportIps: TRANSPORT_IPS,
        primaryIp: '203.0.113.71',
      },
      (c) => chunks.push(c),
    );
    const log = join(dir, 'mail.log');
    writeFileSync(log, chunks.join(''));
    utimesSync(log, new Date(2026, 4, 30, 8, 15), new Date(2026, 4, 30, 8, 15));
    expect(totals.messages).toBeGreaterThan(400);

    clock = new Date(2026, 4, 30, 8, 15);
    const first = await reportCycle(log);
    const db = await mailramp.db();
    const hour8 = await db
      .selectFrom('report_hours')
      .select(['ip', 'sent', 'deferred', 'bounced'])
      .where('hour', '=', 8)
      .execute();
    expect(hour8.map((h) => h.ip).sort()).toEqual(
      expect.arrayContaining(['203.0.113.94', '203.0.113.95', '203.0.113.96']),
    );

    // Detected in this first cycle: the runaway alarm, one incident, the blast paused.
    expect(first.guard.runaway).toEqual([
      expect.objectContaining({ stream: 'trucking', alarm: 'runaway_volume' }),
    ]);
    expect(first.guard.runaway[0]!.counts.cap).toBe(50);
    expect(first.guard.streams).toEqual([
      expect.objectContaining({ stream: 'trucking', opened: true, errors: [] }),
    ]);
    expect(await campaignStatuses()).toEqual([
      ['everyone, afternoon', 'draft'],
      ['everyone, now', 'paused'],
    ]);
    const [incident] = await mailramp.guard.incidents();
    const { actions } = await mailramp.guard.incident(incident!.id);
    expect(
      actions.filter((a) => a.kind !== 'notify').map((a) => `${a.kind} ${a.targetKey} ${a.status}`),
    ).toEqual([
      `pause_campaign trucking/${blast.id} done`,
      `draft_campaign trucking/${blast.later} done`,
      'hold trucking done',
    ]);
    const alarms = await mailramp.alarms.list({ status: 'open' });
    expect(alarms.map((a) => [a.alarm, a.scope])).toContainEqual(['runaway_volume', 'trucking']);

    // The next cycles change nothing: still one incident, nothing running or scheduled again.
    clock = new Date(2026, 4, 30, 8, 30);
    const second = await reportCycle(log);
    expect(second.guard.streams[0]!.actions).toEqual([]);
    expect(await mailramp.guard.incidents()).toHaveLength(1);
    const live = (
      await (
        await mailramp.listmonk('trucking')
      ).listCampaigns({ status: ['running', 'scheduled'], all: true })
    ).length;
    expect(live).toBe(0);
  });
});
