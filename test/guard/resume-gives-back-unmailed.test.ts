/**
 * Issue 24 × issue 20 ("never lost"): a campaign the guard returned to draft and a resume leaves
 * draft (its send_at passed) mailed nobody, yet its build stamped its recipients. The resume takes
 * the stamp back, so the next build selects them again; the campaign it re-schedules keeps its own.
 * On the run's engine (`testEngines`), with the Listmonk stand-in over HTTP and real live builds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_TRUCKING_VERTICAL,
  SHIPPED_TEMPLATES_DIR,
} from '../../apps/cli/src/commands/fixtures/write-live-build-config.js';
import { releaseUnmailedCampaign, seedDemoAudience } from '../../packages/builder/src/index.js';
import type { Engine } from '../../packages/db/src/index.js';
import { createTestDatabaseSection, testEngines } from '../../packages/db/src/testing/index.js';
import { createListmonkStandIn, type ListmonkStandIn } from '../../packages/listmonk/src/testing/index.js';
import { type Mailramp, openMailramp } from '../../packages/mailramp/src/index.js';
import { createRecordingRunner, insertStopAlarm, oneIpStream } from '../../packages/ops/src/testing/index.js';

let clock = new Date('2026-06-22T06:00:00Z');
const now = () => clock;
const force = { by: 'test', reason: 'no report data in this test' };

describe.each(testEngines())(
  'a resume gives back the recipients of a campaign it leaves draft (%s)',
  (engine: Engine) => {
    let lm: ListmonkStandIn;
    let mailramp: Mailramp;
    let db: Awaited<ReturnType<Mailramp['db']>>;
    let dir: string;
    let cleanup: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      clock = new Date('2026-06-22T06:00:00Z');
      dir = await mkdtemp(join(tmpdir(), 'mailramp-guard-release-'));
      lm = await createListmonkStandIn({
        version: 6,
        now,
        importBatchDelayMs: 1,
        scanIntervalMs: Number.POSITIVE_INFINITY,
      });
      const section = await createTestDatabaseSection(join(dir, 'data'), engine);
      cleanup = section.destroy;
      const database = section.database;
      mailramp = await openMailramp(
        {
          database,
          listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
          templates: { dir: SHIPPED_TEMPLATES_DIR },
          build: { verticals: { trucking: LIVE_TRUCKING_VERTICAL } },
          warmup: {
            streams: {
              trucking: oneIpStream({ start: '2026-06-10', listmonk: ['trucking'] }),
            },
          },
        },
        {
          env: {},
          now,
          cwd: dir,
          runner: createRecordingRunner(),
          listmonk: { retry: { baseDelayMs: 1, maxDelayMs: 4 } },
        },
      );
      db = await mailramp.db();
      await seedDemoAudience(db, { carriers: 600, providers: 0, today: '2026-06-22' });
    });

    afterAll(async () => {
      await mailramp?.close();
      await lm?.close();
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    const ledger = async (date: string) =>
      (
        await db
          .selectFrom('send_ledger')
          .select(['recipient_key', 'state', 'refusal'])
          .where('build_date', '=', date)
          .orderBy('recipient_key')
          .execute()
      ).map((r) => ({ key: r.recipient_key, state: r.state, refusal: r.refusal }));
    const sentAt = async (keys: readonly string[]) =>
      (
        await db
          .selectFrom('fmcsa_carriers')
          .select(['dot_number', 'listmonk_sent_at'])
          .where('dot_number', 'in', keys.map(Number))
          .orderBy('dot_number')
          .execute()
      ).map((r) => ({ key: String(r.dot_number), sent: r.listmonk_sent_at }));
    const snapshot = async () => ({
      ledger: await db.selectFrom('send_ledger').selectAll().orderBy('id').execute(),
      carriers: await db
        .selectFrom('fmcsa_carriers')
        .select(['dot_number', 'listmonk_sent_at', 'updated_at'])
        .orderBy('dot_number')
        .execute(),
      actions: await db.selectFrom('incident_actions').selectAll().orderBy('id').execute(),
      campaigns: [...lm.state.campaigns.values()].map((c) => [c.id, c.status]),
    });

    it('stop → send_at passes → resume: the drafted campaign goes back to the audience, the re-scheduled one does not', async () => {
      // Today's campaigns at 14:00 UTC, tomorrow's at 14:00 UTC tomorrow.
      const today = await mailramp.build.run({
        vertical: 'trucking',
        date: '2026-06-22',
        warmupDay: 12,
        maxPerSegment: 3,
        sendHour: 14,
        force,
      });
      expect(today.status, JSON.stringify(today.campaigns.map((c) => c.error))).toBe('succeeded');
      const tomorrow = await mailramp.build.run({
        vertical: 'trucking',
        date: '2026-06-23',
        warmupDay: 12,
        maxPerSegment: 3,
        sendHour: 14,
        force,
      });
      expect(tomorrow.status, JSON.stringify(tomorrow.campaigns.map((c) => c.error))).toBe('succeeded');
      const passed = (await ledger('2026-06-22')).map((r) => r.key);
      const ahead = (await ledger('2026-06-23')).map((r) => r.key);
      expect(passed.length).toBeGreaterThan(0);
      expect(ahead.length).toBeGreaterThan(0);
      expect((await sentAt([...passed, ...ahead])).every((r) => r.sent !== null)).toBe(true);

      await insertStopAlarm(db, clock, 'Yahoo [TSS04]');
      const stopped = await mailramp.guard.cycle();
      expect(stopped.streams[0]?.errors).toEqual([]);
      expect([...lm.state.campaigns.values()].every((c) => c.status === 'draft')).toBe(true);
      const [incident] = await mailramp.guard.incidents({ status: 'open' });
      await db.updateTable('alarms').set({ status: 'closed', closed_at: clock }).execute();
      clock = new Date('2026-06-22T16:00:00Z'); // today's send_at has passed, tomorrow's is ahead

      const before = await snapshot();
      const dry = await mailramp.guard.resume(incident!.id, { dryRun: true });
      expect(dry.released.reduce((n, r) => n + r.recipients, 0)).toBe(passed.length);
      expect(await snapshot()).toEqual(before);

      const done = await mailramp.guard.resume(incident!.id, { by: 'ops' });
      expect(done.scheduled.length).toBe(tomorrow.campaigns.length);
      expect(done.released.map((r) => r.campaign.campaignId).sort()).toEqual(
        today.campaigns.map((c) => c.campaignId).sort(),
      );
      expect(done.released.reduce((n, r) => n + r.recipients, 0)).toBe(passed.length);
      expect(
        (await ledger('2026-06-22')).every(
          (r) => r.state === 'lapsed' && /never mailed/.test(r.refusal ?? ''),
        ),
      ).toBe(true);
      expect((await ledger('2026-06-23')).every((r) => r.state === 'scheduled')).toBe(true);
      expect((await sentAt(passed)).every((r) => r.sent === null)).toBe(true);
      expect((await sentAt(ahead)).every((r) => r.sent !== null)).toBe(true);
      const { actions } = await mailramp.guard.incident(incident!.id);
      expect(
        actions.filter((a) => a.kind === 'release_recipients').map((a) => [a.status, a.result?.recipients]),
      ).toEqual(done.released.map((r) => ['done', r.recipients]));

      // The next build selects the recipients nobody mailed, and not those still scheduled.
      const next = await mailramp.build.plan({
        vertical: 'trucking',
        date: '2026-06-24',
        warmupDay: 40,
        sendHour: 14,
      });
      const selected = new Set(next.plan.recipients.map((r) => r.recipientKey));
      expect(passed.filter((k) => !selected.has(k))).toEqual([]);
      expect(ahead.filter((k) => selected.has(k))).toEqual([]);

      // A re-run of the resume changes nothing.
      const after = await snapshot();
      const again = await mailramp.guard.resume(incident!.id, { by: 'ops' });
      expect(again).toMatchObject({ alreadyResolved: true, released: [] });
      expect(await snapshot()).toEqual(after);
      for (const r of done.released) {
        expect(await releaseUnmailedCampaign(db, r.campaign, 'again', clock)).toBe(0);
      }
      expect(await snapshot()).toEqual(after);
    });
  },
);
