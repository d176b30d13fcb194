import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, createTestDataDir, testEngines } from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { writeLiveBuildConfig } from './fixtures/write-live-build-config.js';

// Several USDOT numbers behind one address, as the SMS census lists them. Pushed for real to the
// stand-in, which keeps one subscriber per address like Listmonk: its attributes must be the
// selected carrier's, and no address may be on two campaign lists of the day.
const CENSUS = new URL(
  '../../../../test/fixtures/audience/fmcsa-sms-census-shared-address.csv',
  import.meta.url,
).pathname;
const KEYS_BEHIND: Record<string, string[]> = {
  'dispatch@alphafleet.com': ['3100001', '3100002', '3100003'],
  'office@twinroutes.com': ['3200001', '3200002'],
  'owner@solohaul.com': ['3300001'],
};
const morning = () => new Date('2026-06-22T06:00:00Z');
const later = () => new Date('2026-06-22T09:00:00Z');

describe.each(testEngines())('mailramp build with shared addresses on %s', (engine) => {
  it('pushes one carrier per address, with that carrier attributes; a later run of the day adds none', async () => {
    // PGlite: the CLI's own data directory below, so no in-memory database is started for nothing.
    const t = engine === 'postgres' ? await createTestDatabase({ engine }) : undefined;
    const listmonk = await createListmonkStandIn({ version: 6, now: morning });
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-shared-'));
    try {
      writeLiveBuildConfig(dir, listmonk);
      writeFileSync(
        join(dir, 'verified.csv'),
        ['email,result', ...Object.keys(KEYS_BEHIND).map((a) => `${a},valid`)].join('\n'),
      );
      const db = engine === 'pglite' ? ['--data-dir', join(dir, 'data')] : ['--database-url', t!.url!];
      const cli = async (args: string[], now = morning) => {
        const io = captureIo({ cwd: dir, now });
        const code = await runCli([...db, ...args], io);
        return { code, io };
      };
      // Migrated from the run's snapshot, not by `db migrate` (initdb costs PGlite several CPU-seconds;
      // db.test.ts migrates a fresh data directory through the CLI).
      if (engine === 'pglite') await createTestDataDir(join(dir, 'data'));
      const census = await cli(['audience', 'import', 'fmcsa', CENSUS, '--year-pivot', '26', '--quiet']);
      expect(census.code, census.io.err()).toBe(EXIT.OK);
      const verified = await cli([
        'audience',
        'import',
        'verification',
        join(dir, 'verified.csv'),
        '--quiet',
      ]);
      expect(verified.code, verified.io.err()).toBe(EXIT.OK);

      // --list-recipients says which key got each address before anything is pushed.
      const dry = await cli(['build', '--vertical', 'trucking', '--warmup-day', '12', '--dry-run']);
      expect(dry.io.err()).not.toContain('office@twinroutes.com');
      const listed = await cli([
        ...['build', '--vertical', 'trucking', '--warmup-day', '12'],
        ...['--dry-run', '--list-recipients', '--json'],
      ]);
      expect(listed.code, listed.io.err()).toBe(EXIT.OK);
      const { selected } = JSON.parse(listed.io.out()) as { selected: Array<{ key: string; email: string }> };
      expect(selected.find((r) => r.email === 'office@twinroutes.com')?.key).toBe('3200001');
      expect(selected).toHaveLength(3);

      const first = await cli(['build', '--vertical', 'trucking', '--warmup-day', '12', '--json']);
      expect(first.code, first.io.err()).toBe(EXIT.OK);
      const result = JSON.parse(first.io.out()) as {
        status: string;
        recipients: number;
        stamped: number;
        excluded: Record<string, number>;
      };
      expect(result).toMatchObject({ status: 'succeeded', recipients: 3, stamped: 3 });
      expect(result.excluded).toEqual({ shared_address: 3 });
      expect(first.io.err()).toMatch(/shared_address\s+3/);

      const subscribers = () =>
        new Map([...listmonk.state.subscribers.values()].map((s) => [s.email.toLowerCase(), s]));
      const campaignLists = new Set([...listmonk.state.campaigns.values()].flatMap((c) => c.listIds));
      const pushed = subscribers();
      expect([...pushed.keys()].sort()).toEqual(Object.keys(KEYS_BEHIND).sort());
      for (const [email, s] of pushed) {
        const dot = String(s.attribs.dot);
        expect(KEYS_BEHIND[email], email).toContain(dot);
        expect(s.attribs.lp_link, email).toMatch(new RegExp(`[?&]dot=${dot}(&|$)`));
        expect(s.attribs.dot_check_link, email).toContain(`dot=${dot}`);
        expect(
          [...s.lists.keys()].filter((id) => campaignLists.has(id)),
          email,
        ).toHaveLength(1);
      }
      // The lowest USDOT of the segment wins each shared address.
      expect(String(pushed.get('dispatch@alphafleet.com')!.attribs.dot)).toBe('3100001');
      expect(String(pushed.get('office@twinroutes.com')!.attribs.dot)).toBe('3200001');

      // Hours later the same day: the address-mates are still unmailed (their own USDOT was never
      // stamped), but their address is in today's campaigns.
      const again = await cli(['build', '--vertical', 'trucking', '--warmup-day', '12', '--json'], later);
      expect(again.code, again.io.err()).toBe(EXIT.OK);
      const second = JSON.parse(again.io.out()) as { recipients: number; excluded: Record<string, number> };
      expect(second.recipients).toBe(0);
      expect(second.excluded).toEqual({ shared_address: 3 });
      for (const [email, s] of subscribers()) {
        expect(String(s.attribs.dot), email).toBe(String(pushed.get(email)!.attribs.dot));
      }
    } finally {
      await listmonk.close();
      await t?.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
