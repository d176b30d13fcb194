/**
 * The SDK end to end on the run's engine (PostgreSQL with TEST_DATABASE_URL, else embedded PGlite)
 * and the Listmonk stand-in: a session opened from a config object plus LISTMONK_* (issue #22), the
 * build, a backfill with its revert, suppression, holds and the report window, each with typed
 * results and events, nothing printed, resources released.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoAudience } from '@mailramp/builder';
import { DbError, runMigrations } from '@mailramp/db';
import { createTestDatabaseSection } from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { oneIpStream } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { MailrampError } from './errors.js';
import { type BuildEvent, openMailramp } from './index.js';
import { planReportWindow } from './report/plan-report-window.js';

const now = () => new Date('2026-06-22T06:00:00Z');
const templates = new URL('../../../templates', import.meta.url).pathname;
// The shipped demo config holds the footer's sender block (CAN-SPAM) the templates need.
const demo = JSON.parse(readFileSync(new URL('../../../demo/mailramp.config.json', import.meta.url), 'utf8'));
const trucking = demo.build.verticals.trucking as Record<string, unknown>;
// One warm-up stream on one sending IP, for the hold jobs.
const oneStreamWarmup = { streams: { trucking: oneIpStream({ start: '2026-06-20' }) } };

describe('openMailramp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-sdk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The test's own database, as a `database` config section (a data directory under `dir` on PGlite). */
  const database = async (name: string, options: { migrate?: boolean } = {}) => {
    const section = await createTestDatabaseSection(join(dir, name), undefined, options);
    onTestFinished(() => section.destroy());
    return section.database;
  };

  it('builds, backfills and reverts through LISTMONK_* alone, printing nothing', async () => {
    // Migrated from the run's snapshot or template (a fresh data dir costs PGlite's initdb, several
    // CPU-seconds): runMigrations below then has nothing to apply (apps/cli db.test.ts migrates a fresh one).
    const section = await database('data');
    const listmonk = await createListmonkStandIn({ version: 6, now });
    const print = vi.spyOn(process.stdout, 'write');
    const printErr = vi.spyOn(process.stderr, 'write');
    try {
      const config = {
        database: section,
        templates: { dir: templates },
        build: {
          verticals: {
            trucking: {
              ...trucking,
              fromEmail: 'Compliance <c@example.com>',
            },
          },
        },
      };
      // No listmonk.instances: LISTMONK_* define the one instance every vertical uses.
      const env = {
        LISTMONK_URL: listmonk.url,
        LISTMONK_USERNAME: listmonk.username,
        LISTMONK_TOKEN: listmonk.token,
      };
      {
        await using mailramp = await openMailramp(config, { env, now, cwd: dir });
        expect(mailramp.listmonkInstanceOf('trucking')).toBe('default');
        expect(mailramp.listmonkInstanceOf('healthcare')).toBe('default');
        const db = await mailramp.db();
        await runMigrations(db);
        await seedDemoAudience(db, { carriers: 600, providers: 0, today: '2026-06-22' });

        const planned = await mailramp.build.plan({ vertical: 'trucking', warmupDay: 12 });
        expect(planned.problems).toEqual([]);
        expect(planned.warmup).toMatchObject({ day: 12, source: '--warmup-day' });
        expect(planned.plan.recipients.length).toBeGreaterThan(0);
        expect(listmonk.requests).toHaveLength(0);

        const events: BuildEvent[] = [];
        const result = await mailramp.build.run(
          { vertical: 'trucking', warmupDay: 12 },
          { onEvent: (e) => events.push(e) },
        );
        expect(result.status, JSON.stringify(result.campaigns.map((c) => c.error))).toBe('succeeded');
        expect(result.stamped).toBe(result.plan.recipients.length);
        expect(events[0]).toMatchObject({ type: 'planned', warmup: { day: 12 } });
        expect(events.filter((e) => e.type === 'campaign')).toHaveLength(result.campaigns.length);
        // Read back what arrived: every campaign Listmonk holds is scheduled.
        const campaigns = [...listmonk.state.campaigns.values()];
        expect(campaigns).toHaveLength(result.campaigns.length);
        expect(campaigns.every((c) => c.status === 'scheduled')).toBe(true);
      }
      // A day later the campaigns have gone out: the Jun 22 re-send as a backfill, then its revert.
      const later = () => new Date('2026-06-23T12:00:00Z');
      await using mailramp = await openMailramp(config, {
        env: { ...env, USER: 'justin' },
        now: later,
        cwd: dir,
      });
      const filter = { vertical: 'trucking', sentFrom: '2026-06-01', sentTo: '2026-06-23T00:00Z' };
      const plan = await mailramp.backfill.plan(filter, { name: 'resend_dkim_20260622' });
      expect(plan.total).toBeGreaterThan(0);
      const applied = await mailramp.backfill.apply({ name: 'resend_dkim_20260622', filter });
      expect(applied.rows).toBe(plan.total);
      expect((await mailramp.backfill.show('resend_dkim_20260622')).createdBy).toBe('justin');
      const reverted = await mailramp.backfill.revert({ name: 'resend_dkim_20260622' });
      expect(reverted).toMatchObject({ restored: plan.total, state: 'reverted', resent: [] });
      expect((await mailramp.backfill.list()).map((b) => b.state)).toEqual(['reverted']);
      await expect(mailramp.backfill.show('nope')).rejects.toMatchObject({ code: 'BACKFILL_NOT_FOUND' });

      // Suppression reads addresses with the builder's rule: what an import refuses, it refuses.
      const added = await mailramp.suppress.add(['Jo@Example.com', 'dead-isp.example']);
      expect(added).toEqual({ added: ['jo@example.com', 'dead-isp.example'], alreadySuppressed: 0 });
      for (const bad of ['jo,ann@example.com', 'jo@example..com', 'jo@example.c']) {
        await expect(mailramp.suppress.add([bad])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      }
      expect(await mailramp.suppress.remove('JO@example.com')).toBe(1);

      await mailramp.close();
      // A closed session's jobs throw the SDK's coded error, which the CLI and the service map.
      const closed = {
        name: 'MailrampError',
        code: 'SESSION_CLOSED',
        message: expect.stringMatching(/closed/),
      };
      await expect(mailramp.db()).rejects.toMatchObject(closed);
      await expect(mailramp.backfill.list()).rejects.toMatchObject(closed);
      expect(print).not.toHaveBeenCalled();
      expect(printErr).not.toHaveBeenCalled();
    } finally {
      print.mockRestore();
      printErr.mockRestore();
      await listmonk.close();
    }
  });

  it("'env' reads no file; a live build without a Listmonk says what to set", async () => {
    await using mailramp = await openMailramp('env', {
      env: { MAILRAMP_DATA_DIR: join(dir, 'env-data') },
      cwd: dir,
      now,
    });
    expect(mailramp.configPath).toBeUndefined();
    expect(mailramp.envOverrides).toEqual(['MAILRAMP_DATA_DIR']);
    await expect(mailramp.listmonk()).rejects.toThrow(MailrampError);
    await expect(mailramp.listmonk()).rejects.toThrow(/set LISTMONK_URL/);
  });

  it('on an unmigrated database every job throws the coded NOT_MIGRATED error that says how to migrate', async () => {
    // As initdb left it (the snapshot saves PGlite's initdb, several CPU-seconds).
    await using mailramp = await openMailramp(
      { database: await database('unmigrated', { migrate: false }), warmup: oneStreamWarmup },
      { env: {}, now, cwd: dir },
    );
    const notMigrated = {
      name: 'DbError',
      code: 'NOT_MIGRATED',
      message:
        'the database is not migrated (relation "warmup_holds" does not exist): run `mailramp db migrate` (SDK: mailramp.database.migrate()) first',
    };
    await expect(mailramp.rampcap.holds()).rejects.toBeInstanceOf(DbError);
    await expect(mailramp.rampcap.holds()).rejects.toMatchObject(notMigrated);
    await expect(mailramp.suppress.list()).rejects.toMatchObject({ code: 'NOT_MIGRATED' });
    // The driver's error stays the cause; a migration then makes the same call work.
    const error = await mailramp.rampcap.holds().catch((e: unknown) => e);
    expect((error as Error).cause).toMatchObject({ code: '42P01' });
    await mailramp.database.migrate();
    expect(await mailramp.rampcap.holds()).toEqual([]);
  });

  it('refuses a hold above the table cap without force, and checks the rate first', async () => {
    const config = { database: await database('holds-data'), warmup: oneStreamWarmup };
    await using mailramp = await openMailramp(config, { env: {}, now, cwd: dir });
    await runMigrations(await mailramp.db());
    await expect(
      mailramp.rampcap.hold({ stream: 'trucking', rate: 3000, until: '2026-06-24' }),
    ).rejects.toMatchObject({
      code: 'HOLD_ABOVE_TABLE',
    });
    await expect(
      mailramp.rampcap.hold({ stream: 'trucking', rate: 1.5, until: '2026-06-24' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      mailramp.rampcap.hold({ stream: 'trucking', rate: 10, until: '2026-06-01' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const held = await mailramp.rampcap.hold({
      stream: 'trucking',
      rate: 10,
      until: '2026-06-24',
      reason: 'bad day',
    });
    expect(held).toMatchObject({ change: 'created', hold: { rate: 10, until: '2026-06-24' } });
    expect((await mailramp.rampcap.holds()).map((h) => h.rate)).toEqual([10]);
    expect((await mailramp.rampcap.release('trucking'))?.rate).toBe(10);
  });
});

describe('planReportWindow', () => {
  const at = new Date(2026, 5, 22, 10, 0, 0);
  it.each([
    [{ date: '2026-06-21' }, { since: '2026-06-21T00:00:00', until: '2026-06-22T00:00:00' }],
    [{ date: 'yesterday' }, { since: '2026-06-21T00:00:00', until: '2026-06-22T00:00:00' }],
    [{ since: '2026-06-21T08:30' }, { since: '2026-06-21T08:30:00' }],
    [{}, undefined],
  ])('%j reads %j of the log clock', (input, label) => {
    expect(planReportWindow(input, at).label).toEqual(label);
  });
  it.each([
    [{ date: '2026-02-30' }],
    [{ date: 'today', since: '2026-06-01' }],
    [{ since: '2026-06-02', until: '2026-06-01' }],
  ])('refuses %j', (input) => {
    expect(() => planReportWindow(input, at)).toThrow(MailrampError);
  });
});
