import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoAudience } from '@mailramp/builder';
import type { Engine } from '@mailramp/db';
import {
  createTestDatabase,
  createTestDataDir,
  type SeededTestDatabases,
  seededTestDatabases,
  testEngines,
} from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { writeLiveBuildConfig } from './fixtures/write-live-build-config.js';
import { createCliDatabase } from './testing/cli-database.js';

const now = () => new Date('2026-06-22T06:00:00Z');

// The demo audience the refusals and the live build start from, as `db seed-demo` writes it on the
// 22nd: seeded once per engine, copied per test (the first test seeds through the CLI itself).
const demo = new Map<Engine, SeededTestDatabases>(
  testEngines().map((engine) => [
    engine,
    seededTestDatabases(
      async (db) => {
        await seedDemoAudience(db, { carriers: 800, providers: 0, seed: 7, today: '2026-06-22' });
      },
      {
        engine,
      },
    ),
  ]),
);
afterAll(async () => {
  for (const seeded of demo.values()) await seeded.dispose();
});

describe.each(testEngines())('mailramp build --dry-run on %s', (engine) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  async function target(): Promise<string[]> {
    if (engine === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'mailramp-build-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      // Migrated from the run's snapshot: `db migrate` below then has nothing to apply (db.test.ts
      // migrates a fresh data directory through the CLI).
      await createTestDataDir(join(dir, 'data'));
      return ['--data-dir', join(dir, 'data')];
    }
    const t = await createTestDatabase({ engine, migrate: false });
    cleanups.push(() => t.destroy());
    return ['--database-url', t.url!];
  }

  it('migrate + seed-demo + dry-run prints the plan as JSON (campaigns, excluded) and writes nothing', async () => {
    // The dry run renders every campaign: the footer's sender block is configuration (CAN-SPAM).
    const configDir = mkdtempSync(join(tmpdir(), 'mailramp-build-config-'));
    cleanups.push(() => rmSync(configDir, { recursive: true, force: true }));
    const sender = {
      name: 'Example Compliance',
      street: '1 Main Street',
      city: 'Denver',
      state: 'CO',
      zip: '80202',
      reply_to: 'c@example.com',
      disclaimer: 'Not affiliated with FMCSA or CMS.',
    };
    const configFile = join(configDir, 'mailramp.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        build: {
          verticals: { trucking: { templateData: { sender } }, healthcare: { templateData: { sender } } },
        },
      }),
    );
    const args = [...(await target()), '--config', configFile];
    expect(await runCli([...args, 'db', 'migrate'], captureIo())).toBe(EXIT.OK);
    const seed = captureIo({ now });
    expect(
      await runCli([...args, 'db', 'seed-demo', '--carriers', '3000', '--providers', '500', '--json'], seed),
    ).toBe(EXIT.OK);
    expect(JSON.parse(seed.out())).toMatchObject({ carriers: 3000, providers: 500 });
    const again = captureIo({ now });
    expect(
      await runCli([...args, 'db', 'seed-demo', '--carriers', '3000', '--providers', '500'], again),
    ).toBe(EXIT.OK);
    expect(again.err()).toContain('nothing added');

    const io = captureIo({ now });
    const code = await runCli(
      [...args, 'build', '--vertical', 'trucking', '--dry-run', '--json', '--warmup-day', '12'],
      io,
    );
    expect(code, io.err()).toBe(EXIT.OK);
    const plan = JSON.parse(io.out()) as {
      campaigns: Array<{ name: string; segment: string; sendAt: string; recipients: number }>;
      excluded: Record<string, number>;
      recipients: number;
      dailyCap: number;
    };
    expect(plan.campaigns.length).toBeGreaterThan(0);
    for (const c of plan.campaigns) {
      expect(c.name).toMatch(/^mailramp-trucking-2026-06-22-[a-z0-9_]+-[a-z_]+$/);
      expect(new Date(c.sendAt).getTime()).toBeGreaterThan(now().getTime());
      expect(c.recipients).toBeGreaterThan(0);
    }
    expect(plan.campaigns.reduce((s, c) => s + c.recipients, 0)).toBe(plan.recipients);
    expect(plan.recipients).toBeLessThanOrEqual(plan.dailyCap);
    expect(plan.excluded['family:yahoo']).toBeGreaterThan(0);
    expect(plan.excluded['family:google_consumer']).toBeGreaterThan(0);
    expect(io.err()).toContain('dry run — nothing written');
    expect(io.err()).toContain('caps that bit');
    expect(io.err()).not.toContain('replaces the warm-up hold');

    // One name in MAIN_EXCLUDE_OPERATORS replaces the 15-operator warm-up hold: the plan says so.
    const one = captureIo({ now, env: { MAIN_EXCLUDE_OPERATORS: 'google' } });
    expect(
      await runCli([...args, 'build', '--vertical', 'trucking', '--dry-run', '--warmup-day', '12'], one),
    ).toBe(EXIT.OK);
    expect(one.err()).toContain('held-out operators: google\n');
    expect(one.err()).toMatch(/replaces the warm-up hold before day 30, so \d+ operators .*microsoft/);

    const hc = captureIo({ now });
    expect(await runCli([...args, 'build', '--vertical', 'healthcare', '--dry-run', '--json'], hc)).toBe(
      EXIT.OK,
    );
    expect((JSON.parse(hc.out()) as { campaigns: unknown[] }).campaigns.length).toBeGreaterThan(0);
  });

  it('refuses a past slot with exit 4 naming the fixes; an unknown segment exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-build-'));
    const database = await createCliDatabase(engine, dir, { seeded: demo.get(engine) });
    cleanups.push(async () => {
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    });
    const { args } = database;
    const late = captureIo({ now: () => new Date('2026-06-22T20:00:00Z') });
    expect(
      await runCli([...args, 'build', '--vertical', 'trucking', '--dry-run', '--warmup-day', '12'], late),
    ).toBe(EXIT.REFUSED);
    expect(late.err()).toContain('--send-hour 20 --send-minute 15');
    expect(late.err()).toContain('--next-slot');
    // A date already over: --send-hour cannot help; --next-slot sends it today and says so.
    const over = captureIo({ now: () => new Date('2026-06-23T08:00:00Z') });
    const demoConfig = new URL('../../../../demo/mailramp.config.json', import.meta.url).pathname;
    const overArgs = [
      ...['--config', demoConfig, 'build', '--vertical', 'trucking', '--dry-run'],
      ...['--warmup-day', '12', '--date', '2026-06-22'],
    ];
    expect(await runCli([...args, ...overArgs], over)).toBe(EXIT.REFUSED);
    expect(over.err()).toContain('2026-06-22 is over');
    expect(over.err()).not.toContain('--send-hour');
    const moved = captureIo({ now: () => new Date('2026-06-23T08:00:00Z') });
    expect(await runCli([...args, ...overArgs, '--next-slot'], moved), moved.err()).toBe(EXIT.OK);
    expect(moved.err()).toMatch(
      /2026-06-23 \d\d:\d\d \(moved from 2026-06-22 \d\d:\d\d, a day already over\)/,
    );
    const bad = captureIo({ now });
    expect(
      await runCli([...args, 'build', '--vertical', 'trucking', '--dry-run', '--only-segment', 'nope'], bad),
    ).toBe(EXIT.USAGE);
    expect(bad.err()).toContain('choose one of');
  });
});

describe.each(testEngines())('mailramp build (live) against the Listmonk stand-in on %s', (engine) => {
  it('pushes scheduled campaigns, prints the outcome as JSON, and a re-run has nothing left to do', async () => {
    const listmonk = await createListmonkStandIn({ version: 6, now });
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-live-'));
    const database = await createCliDatabase(engine, dir, { seeded: demo.get(engine) });
    try {
      writeLiveBuildConfig(dir, listmonk);
      const db = database.args;
      const io = captureIo({ cwd: dir, now });
      expect(
        await runCli([...db, 'build', '--vertical', 'trucking', '--warmup-day', '12', '--json'], io),
        io.err(),
      ).toBe(EXIT.OK);
      const result = JSON.parse(io.out()) as {
        status: string;
        stamped: number;
        recipients: number;
        outcomes: Array<{ state: string }>;
      };
      expect(result.status).toBe('succeeded');
      expect(result.stamped).toBe(result.recipients);
      expect(result.outcomes.every((o) => o.state === 'scheduled')).toBe(true);
      expect(
        [...listmonk.state.campaigns.values()].every(
          (c) => c.status === 'scheduled' && (c.altbody ?? '') !== '',
        ),
      ).toBe(true);
      const again = captureIo({ cwd: dir, now });
      expect(
        await runCli([...db, 'build', '--vertical', 'trucking', '--warmup-day', '12', '--json'], again),
      ).toBe(EXIT.OK);
      expect((JSON.parse(again.out()) as { outcomes: unknown[] }).outcomes).toHaveLength(0);
    } finally {
      await listmonk.close();
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mailramp build config', () => {
  it('a segment without a landing page is a config error (exit 2), never a fallback page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-buildcfg-'));
    try {
      writeFileSync(
        join(dir, 'mailramp.config.json'),
        JSON.stringify({
          build: {
            verticals: {
              trucking: { segments: { boc3: { rule: { kind: 'all' }, priority: 50, template: 'boc3' } } },
            },
          },
        }),
      );
      const io = captureIo({ cwd: dir });
      expect(await runCli(['build', '--vertical', 'trucking', '--dry-run'], io)).toBe(EXIT.USAGE);
      expect(io.err()).toContain('build.verticals.trucking.segments.boc3.landingPage');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // Refused while the flags are parsed, before a database opens (the URL reaches none): once, not
  // per engine.
  it('an unknown vertical or an hour past 23 exits 2', async () => {
    const none = ['--database-url', 'postgres://nobody@127.0.0.1:1/none'];
    expect(await runCli([...none, 'build', '--vertical', 'boats', '--dry-run'], captureIo())).toBe(
      EXIT.USAGE,
    );
    expect(
      await runCli(
        [...none, 'build', '--vertical', 'trucking', '--send-hour', '25', '--dry-run'],
        captureIo(),
      ),
    ).toBe(EXIT.USAGE);
  });
});
