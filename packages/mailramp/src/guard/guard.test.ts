/**
 * Issue 24 §2–3: the guard's stop on a real database (PostgreSQL when TEST_DATABASE_URL is set,
 * else embedded PGlite) and the Listmonk stand-in over HTTP: a crash between its actions and a
 * re-run, notifications on a local webhook and through sendmail's argument array, and a resume.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@mailramp/db';
import { createTestDatabaseSection, type TestDatabaseSection } from '@mailramp/db/testing';
import { createListmonkStandIn, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { createRecordingRunner, insertStopAlarm, oneIpStream } from '@mailramp/ops/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mailramp, openMailramp } from '../index.js';

let clock = new Date('2026-06-22T15:00:00Z');
const now = () => clock;
const hours = (n: number) => new Date(clock.getTime() + n * 3_600_000);

interface Hook {
  url: string;
  bodies: { text: string; blocks: unknown[] }[];
  /** Answers per request, in order; then 200. 'hang' never answers. */
  script: (number | 'hang')[];
  server: Server;
}

async function startHook(): Promise<Hook> {
  const hook = { bodies: [], script: [] } as unknown as Hook;
  hook.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      hook.bodies.push(JSON.parse(body));
      const answer = hook.script.shift() ?? 200;
      if (answer === 'hang') return;
      res.writeHead(answer).end(answer === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/hooks/T0/B0/secret`;
  return hook;
}

describe('the guard on a stream with a STOP alarm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-guard-'));
  let t: TestDatabaseSection | undefined;
  let lm: ListmonkStandIn;
  let hook: Hook;
  let mailramp: Mailramp;
  let db: Kysely<Database>;
  const runner = createRecordingRunner();
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    lm = await createListmonkStandIn({ version: 6, now, scanIntervalMs: Number.POSITIVE_INFINITY });
    hook = await startHook();
    t = await createTestDatabaseSection(join(dir, 'data'));
    mailramp = await openMailramp(
      {
        database: t.database,
        listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
        warmup: { streams: { trucking: oneIpStream({ start: '2026-06-20', listmonk: ['trucking'] }) } },
        guard: {
          notify: {
            webhook: { url: hook.url, timeoutMs: 300, attempts: 3, backoffMs: 10 },
            email: { to: ['ops@example.net', 'oncall@example.net'], from: 'mailramp@example.net' },
          },
        },
      },
      { env: {}, now, cwd: dir, runner, listmonk: { retry: { baseDelayMs: 1, maxDelayMs: 4 } } },
    );
    db = await mailramp.db();

    const client = await mailramp.listmonk('trucking');
    const list = await client.createList({ name: 'carriers' });
    const make = async (name: string, sendAt: Date | null) =>
      (
        await client.createCampaign({
          name,
          subject: name,
          listIds: [list.id],
          body: '<p>hi</p>',
          ...(sendAt ? { sendAt } : {}),
        })
      ).id;
    // Created straight in Listmonk, not by a build: the guard stops whatever sends on the stream.
    ids.running = await make('blast made by hand', null);
    await client.changeCampaignStatus(ids.running, 'running');
    ids.soon = await make('mcs150 central', hours(3));
    await client.changeCampaignStatus(ids.soon, 'scheduled');
    ids.tomorrow = await make('mcs150 eastern tomorrow', hours(20));
    await client.changeCampaignStatus(ids.tomorrow, 'scheduled');
    ids.draft = await make('a draft nobody scheduled', hours(30));
  });

  afterAll(async () => {
    await mailramp?.close();
    await t?.destroy();
    await lm?.close();
    hook?.server.closeAllConnections();
    hook?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const statuses = async () => {
    const client = await mailramp.listmonk('trucking');
    const out: Record<string, string> = {};
    for (const [key, id] of Object.entries(ids)) out[key] = (await client.getCampaign(id)).status;
    return out;
  };

  it('crashes between two actions, and a re-run leaves one incident and every campaign stopped', async () => {
    await insertStopAlarm(db, clock);
    // The first webhook attempt fails (500) and the second times out: the third gets through.
    hook.script.push(500, 'hang');
    let planned = 0;
    await expect(
      mailramp.guard.cycle({
        onEvent: (e) => {
          if (e.type === 'planned' && ++planned === 2) throw new Error('killed mid-cycle');
        },
      }),
    ).rejects.toThrow('killed mid-cycle');
    const afterCrash = await db
      .selectFrom('incident_actions')
      .select(['kind', 'status'])
      .orderBy('id')
      .execute();
    expect(afterCrash.filter((a) => a.kind !== 'notify')).toEqual([
      { kind: 'pause_campaign', status: 'done' },
      { kind: 'draft_campaign', status: 'planned' },
    ]);
    expect(await statuses()).toMatchObject({ running: 'paused', soon: 'scheduled', tomorrow: 'scheduled' });
    // As if the draft had reached Listmonk just before the crash.
    await (await mailramp.listmonk('trucking')).changeCampaignStatus(ids.soon!, 'draft');

    const rerun = await mailramp.guard.cycle();
    expect(rerun.streams).toHaveLength(1);
    expect(rerun.streams[0]!.errors).toEqual([]);
    expect(await statuses()).toEqual({ running: 'paused', soon: 'draft', tomorrow: 'draft', draft: 'draft' });
    const again = await mailramp.guard.cycle();
    expect(again.streams[0]!.actions).toEqual([]);

    const incidents = await mailramp.guard.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ stream: 'trucking', status: 'open' });
    const { actions } = await mailramp.guard.incident(incidents[0]!.id);
    const work = actions.filter((a) => a.kind !== 'notify');
    expect(work.map((a) => [a.kind, a.targetKey, a.status])).toEqual([
      ['pause_campaign', `trucking/${ids.running}`, 'done'],
      ['draft_campaign', `trucking/${ids.soon}`, 'done'],
      ['draft_campaign', `trucking/${ids.tomorrow}`, 'done'],
      ['hold', 'trucking', 'done'],
    ]);
    expect(work[0]!.result).toEqual({ status: 'paused' });
    expect(work[1]!.result).toEqual({ status: 'draft', note: 'already draft' });
    expect(work[1]!.target).toMatchObject({ previousStatus: 'scheduled', sendAt: hours(3).toISOString() });
    // Day 2 of the runbook ramp: 150/h, frozen for guard.stop.holdDays (3).
    expect(await mailramp.rampcap.holds()).toMatchObject([
      { stream: 'trucking', rate: 150, until: '2026-06-25' },
    ]);

    // Notifications: opened (500, timeout, then delivered), then one "actions" notice.
    expect(hook.bodies.map((b) => b.text)).toEqual([
      `[mailramp] incident ${incidents[0]!.id} STOPPED: stream trucking`,
      `[mailramp] incident ${incidents[0]!.id} STOPPED: stream trucking`,
      `[mailramp] incident ${incidents[0]!.id} STOPPED: stream trucking`,
      `[mailramp] incident ${incidents[0]!.id} acted: stream trucking`,
    ]);
    expect(JSON.stringify(hook.bodies[3]!.blocks)).toContain(`draft campaign ${ids.tomorrow}`);
    const mails = runner.calls.filter((c) => c.command === '/usr/sbin/sendmail');
    expect(mails.map((c) => c.args)).toEqual([
      ['-i', '-f', 'mailramp@example.net', '--', 'ops@example.net', 'oncall@example.net'],
      ['-i', '-f', 'mailramp@example.net', '--', 'ops@example.net', 'oncall@example.net'],
    ]);
    expect(mails[0]!.input).toMatch(
      /^From: mailramp@example.net\nTo: ops@example.net, oncall@example.net\nSubject: \[mailramp\] incident \d+ STOPPED/,
    );
    const notices = actions.filter((a) => a.kind === 'notify').map((a) => [a.targetKey, a.status]);
    expect(notices).toEqual([
      ['opened/webhook', 'done'],
      ['opened/email', 'done'],
      [expect.stringMatching(/^actions-\d+\/webhook$/), 'done'],
      [expect.stringMatching(/^actions-\d+\/email$/), 'done'],
    ]);
    expect(actions.find((a) => a.targetKey === 'opened/webhook')!.result).toEqual({ attempts: 3 });
  });

  it('refuses to resume while the alarm is open, then re-schedules only campaigns still ahead', async () => {
    const [incident] = await mailramp.guard.incidents({ status: 'open' });
    await expect(mailramp.guard.resume(incident!.id)).rejects.toMatchObject({
      code: 'INCIDENT_STILL_ALARMING',
    });
    await db.updateTable('alarms').set({ status: 'closed', closed_at: clock }).execute();
    clock = hours(5); // "soon" (send_at +3 h) has passed; "tomorrow" is still ahead

    const dry = await mailramp.guard.resume(incident!.id, { dryRun: true });
    expect(dry.scheduled.map((c) => c.campaignId)).toEqual([ids.tomorrow]);
    expect(dry.left.map((l) => [l.campaign.campaignId, l.why])).toEqual([
      [ids.running, 'was running when stopped; it stays paused'],
      [ids.soon, `send_at ${new Date('2026-06-22T18:00:00Z').toISOString()} has passed: stays draft`],
    ]);
    expect(await statuses()).toEqual({ running: 'paused', soon: 'draft', tomorrow: 'draft', draft: 'draft' });

    const done = await mailramp.guard.resume(incident!.id, { by: 'dispatcher' });
    expect(done).toMatchObject({ alreadyResolved: false, hold: 'kept' });
    expect(await statuses()).toEqual({
      running: 'paused',
      soon: 'draft',
      tomorrow: 'scheduled',
      draft: 'draft',
    });
    expect(await mailramp.rampcap.holds()).toHaveLength(1);
    const after = await mailramp.guard.incident(incident!.id);
    expect(after.incident).toMatchObject({ status: 'resolved', resolvedBy: 'dispatcher' });
    expect(hook.bodies.at(-1)!.text).toBe(`[mailramp] incident ${incident!.id} resumed: stream trucking`);
    expect(await mailramp.guard.resume(incident!.id)).toMatchObject({ alreadyResolved: true });
    // Nothing is open: the next cycle leaves everything alone.
    expect((await mailramp.guard.cycle()).streams).toEqual([]);
  });
});
