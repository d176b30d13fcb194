import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { describe, expect, it, vi } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { writeLiveBuildConfig } from './fixtures/write-live-build-config.js';
import { createCliDatabase } from './testing/cli-database.js';

const day1 = () => new Date('2026-06-22T06:00:00Z');
const day2 = () => new Date('2026-06-23T06:00:00Z');

// The client gives up on a lost reply after its retries: milliseconds apart here, not seconds.
const retries = { retry: { baseDelayMs: 1, maxDelayMs: 4 } };

// Issue 20 (2): a build reports what it settled of earlier dates, as text and in --json.
describe.each(testEngines())('mailramp build reconciles earlier dates (%s, stand-in)', (engine) => {
  it('day 2 reports the campaigns of day 1 that Listmonk scheduled after the client gave up, and stamps them', async () => {
    const listmonk = await createListmonkStandIn({ version: 5, now: day1, importBatchDelayMs: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-reconcile-'));
    // Migrated from the run's snapshot or template, not by `db migrate` (db.test.ts migrates
    // through the CLI).
    const database = await createCliDatabase(engine, dir);
    try {
      writeLiveBuildConfig(dir, listmonk);
      const db = database.args;
      const build = ['build', '--vertical', 'trucking', '--warmup-day', '12', '--max-per-segment', '3'];
      expect(
        await runCli(
          [...db, 'db', 'seed-demo', '--carriers', '600', '--providers', '0'],
          captureIo({ cwd: dir, now: day1 }),
        ),
      ).toBe(EXIT.OK);

      let release = () => {};
      const until = new Promise<void>((resolve) => {
        release = resolve;
      });
      listmonk.injectFault({
        method: 'PUT',
        path: /^\/api\/campaigns\/\d+\/status$/,
        kind: 'lose-reply',
        until,
        times: 1000,
      });
      const first = captureIo({ cwd: dir, now: day1, listmonk: retries });
      expect(await runCli([...db, ...build, '--json'], first)).toBe(EXIT.UNAVAILABLE);
      const day1Result = JSON.parse(first.out()) as { recipients: number; stamped: number };
      expect(day1Result.stamped).toBe(0);
      release();
      await vi.waitFor(
        () =>
          expect([...listmonk.state.campaigns.values()].every((c) => c.status === 'scheduled')).toBe(true),
        { timeout: 10_000 },
      );
      listmonk.clearFaults();
      const campaigns = listmonk.state.campaigns.size;

      const second = captureIo({ cwd: dir, now: day2 });
      expect(await runCli([...db, ...build, '--date', '2026-06-23', '--json'], second), second.err()).toBe(
        EXIT.OK,
      );
      const json = JSON.parse(second.out()) as {
        reconciled: {
          stamped: number;
          lapsed: number;
          unreconciled: number;
          campaigns: Array<{ date: string; outcome: string; status: string; stamped: number }>;
        };
      };
      expect(json.reconciled).toMatchObject({ stamped: day1Result.recipients, lapsed: 0, unreconciled: 0 });
      expect(json.reconciled.campaigns).toHaveLength(campaigns);
      expect(
        json.reconciled.campaigns.every(
          (c) => c.date === '2026-06-22' && c.outcome === 'stamped' && c.status === 'scheduled',
        ),
      ).toBe(true);
      expect(second.err()).toContain(
        `reconciled ${campaigns} unfinished campaigns of earlier dates with Listmonk: ${day1Result.recipients} recipients stamped`,
      );
      expect(second.err()).toMatch(
        /2026-06-22 mailramp-trucking-2026-06-22-\S+: scheduled in Listmonk: \d+ stamped/,
      );
    } finally {
      await listmonk.close();
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
