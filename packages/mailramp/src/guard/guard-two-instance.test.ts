/**
 * The guard on the runbook's two-instance host (test/fixtures/two-instance-host, config as shipped:
 * no `warmup.streams.<s>.listmonk`), with a Listmonk stand-in per vertical over HTTP: a stop must
 * reach the instance of the vertical the stream feeds, and only the stream whose IPs drew the alarm.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@mailramp/db';
import { createTestDatabaseSection, type TestDatabaseSection } from '@mailramp/db/testing';
import { createListmonkStandIn, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { openTwoInstanceHost, type TwoInstanceHost } from '@mailramp/ops/testing';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Mailramp, openMailramp } from '../index.js';
import { unreachedStreamWarnings } from '../warmup/stream-listmonk-instances.js';

const clock = new Date('2026-06-22T15:00:00Z');
const now = () => clock;
const GMAIL_550 =
  '550-5.7.1 [207.174.124.94] Gmail has detected that this message is likely unsolicited mail';

describe('the guard on the two-instance host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-guard2-'));
  let t: TestDatabaseSection | undefined;
  const lm: Record<'trucking' | 'healthcare', ListmonkStandIn> = {} as never;
  let host: TwoInstanceHost;
  let mailramp: Mailramp | undefined;
  let db: Kysely<Database>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    lm.trucking = await createListmonkStandIn({ version: 6, now, scanIntervalMs: Number.POSITIVE_INFINITY });
    lm.healthcare = await createListmonkStandIn({
      version: 6,
      now,
      scanIntervalMs: Number.POSITIVE_INFINITY,
    });
    t = await createTestDatabaseSection(join(dir, 'data'));
  });

  afterAll(async () => {
    await t?.destroy();
    await lm.trucking?.close();
    await lm.healthcare?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the SDK on the fixture's config as shipped, with the Listmonk instances named. */
  const open = async (instances: readonly ('trucking' | 'healthcare')[]) => {
    host = openTwoInstanceHost();
    const config = {
      ...host.config(),
      database: t!.database,
      listmonk: {
        instances: Object.fromEntries(
          instances.map((i) => [i, { url: lm[i].url, username: lm[i].username, token: lm[i].token }]),
        ),
      },
    };
    mailramp = await openMailramp(config as never, { env: {}, now, cwd: dir, runner: host.runner });
    db = await mailramp.db();
    for (const table of [
      'incident_actions',
      'incident_alarms',
      'incidents',
      'alarms',
      'report_outcomes',
      'report_hours',
      'report_days',
    ] as const)
      await db.deleteFrom(table).execute();
    await db.deleteFrom('warmup_holds').execute();
    for (const i of instances) {
      const client = await mailramp.listmonk(i);
      const list = await client.createList({ name: `${i} list` });
      const c = await client.createCampaign({
        name: `${i} tomorrow`,
        subject: 'x',
        listIds: [list.id],
        body: '<p>hi</p>',
        sendAt: new Date(clock.getTime() + 20 * 3_600_000),
      });
      await client.changeCampaignStatus(c.id, 'scheduled');
      ids[i] = c.id;
    }
  };
  const status = async (i: 'trucking' | 'healthcare') =>
    (await (await mailramp!.listmonk(i)).getCampaign(ids[i]!)).status;
  const alarm = (scope: string, days?: Record<string, unknown>, id = 'gmail_unsolicited') =>
    db
      .insertInto('alarms')
      .values({
        alarm: id,
        scope,
        severity: 'critical',
        message: 'Gmail answered 12 deliveries with unsolicited-mail blocks or rate limits',
        evidence: { counts: { gmail_unsolicited: 12 }, ...(days ? { days } : {}), samples: [] } as never,
        first_seen: clock,
        last_seen: clock,
      })
      .execute();

  beforeEach(() => {
    mailramp = undefined;
  });
  afterEach(async () => {
    await mailramp?.close();
  });

  it("drafts the trucking vertical's campaigns though the stream names no Listmonk instance", async () => {
    await open(['trucking', 'healthcare']);
    expect(host.config().warmup.streams.trucking!.listmonk).toBeUndefined();
    await alarm('207.174.124.94');
    const result = await mailramp!.guard.cycle();
    expect(result.streams.map((s) => [s.stream, s.instances, s.warning, s.errors])).toEqual([
      ['trucking', ['trucking'], undefined, []],
    ]);
    expect(result.streams[0]!.actions.map((a) => [a.kind, a.targetKey, a.status])).toEqual([
      ['draft_campaign', `trucking/${ids.trucking}`, 'done'],
      ['hold', 'trucking', 'done'],
    ]);
    expect(await status('trucking')).toBe('draft');
    expect(await status('healthcare')).toBe('scheduled');
  });

  it('says loudly when a stopped stream reaches no Listmonk instance (cycle and config check)', async () => {
    await open(['healthcare']);
    const [trucking] = unreachedStreamWarnings(mailramp!.config);
    expect(trucking).toMatch(/^warmup\.streams\.trucking reaches no Listmonk instance/);
    expect(unreachedStreamWarnings(mailramp!.config)).toHaveLength(1);
    await alarm('trucking');
    const result = await mailramp!.guard.cycle();
    expect(result.streams).toHaveLength(1);
    expect(result.streams[0]).toMatchObject({ stream: 'trucking', instances: [] });
    expect(result.streams[0]!.warning).toMatch(/reaches no Listmonk instance: its campaigns were NOT paused/);
  });

  /** The day's stored outcomes: Gmail's 550s came back to trucking's .94; healthcare's mail was accepted. */
  const storeOutcomes = async () => {
    await db
      .insertInto('report_days')
      .values({
        day: '2026-06-22',
        sent: 300,
        deferred: 0,
        bounced: 12,
        expired: 0,
        egress: 312,
        primary_egress: 0,
        dkim_signed: 312,
        dkim_messages: 312,
      } as never)
      .execute();
    await db
      .insertInto('report_outcomes')
      .values([
        {
          day: '2026-06-22',
          ip: '207.174.124.94',
          operator: 'google',
          outcome: 'accepted',
          reason: '',
          count: 100,
        },
        {
          day: '2026-06-22',
          ip: '207.174.124.94',
          operator: 'google',
          outcome: 'reputation_reject',
          reason: GMAIL_550,
          count: 12,
        },
        {
          day: '2026-06-22',
          ip: '207.174.124.107',
          operator: 'google',
          outcome: 'accepted',
          reason: '',
          count: 200,
        },
        {
          day: '2026-06-22',
          ip: '207.174.124.108',
          operator: 'microsoft',
          outcome: 'temporary_failure',
          reason: '451 4.7.650 throttled',
          count: 3,
        },
      ])
      .execute();
  };

  it('stops only the stream whose IPs drew a host-wide Gmail 550 (report_outcomes name .94)', async () => {
    await open(['trucking', 'healthcare']);
    await storeOutcomes();
    await alarm('', { '2026-06-22': { gmail_unsolicited: 12 } });
    const result = await mailramp!.guard.cycle();
    expect(result.streams.map((s) => s.stream)).toEqual(['trucking']);
    expect(await status('trucking')).toBe('draft');
    expect(await status('healthcare')).toBe('scheduled');
    expect((await mailramp!.guard.status()).map((s) => [s.stream, s.stopAlarms])).toEqual([
      ['trucking', ['gmail_unsolicited']],
      ['healthcare', []],
    ]);
  });

  it('stops every stream for an alarm about the host (DKIM ratio: unsigned mail)', async () => {
    await open(['trucking', 'healthcare']);
    await storeOutcomes();
    await alarm('', undefined, 'dkim_unsigned');
    const result = await mailramp!.guard.cycle();
    expect(result.streams.map((s) => s.stream)).toEqual(['trucking', 'healthcare']);
    expect(await status('trucking')).toBe('draft');
    expect(await status('healthcare')).toBe('draft');
  });

  it('stays host-wide when no stored outcome traces the Gmail replies to an IP', async () => {
    await open(['trucking', 'healthcare']);
    await alarm('', { '2026-06-22': { gmail_unsolicited: 12 } });
    const result = await mailramp!.guard.cycle();
    expect(result.streams.map((s) => s.stream)).toEqual(['trucking', 'healthcare']);
  });
});
