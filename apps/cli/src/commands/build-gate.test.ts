import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { openTwoInstanceHost } from '@mailramp/ops/testing';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { writeLiveBuildConfig } from './fixtures/write-live-build-config.js';

// Issue 24 §1 through the CLI: on the runbook's two-instance host (its `ip` answers from the bound
// set), a dropped pool IP refuses the live build with exit 4 and the evidence, nothing reaches
// Listmonk; a dry run shows the verdict (exit 1); --force --reason pushes and records who and why.
const now = () => new Date('2026-06-22T06:00:00Z');

interface GateJson {
  ok: boolean;
  checks: Array<{ id: string; status: string; message: string; evidence: Record<string, unknown> }>;
  forced?: { by: string; reason: string };
}

describe.each(testEngines())('mailramp build and the pre-flight gate on %s', (engine) => {
  it('refuses (exit 4) with the evidence while a pool IP is down, shows it in a dry run, and --force records who and why', async () => {
    const t: TestDatabase | undefined =
      engine === 'postgres' ? await createTestDatabase({ engine }) : undefined;
    const listmonk = await createListmonkStandIn({ version: 6, now });
    const host = openTwoInstanceHost();
    const dir = join(host.root, 'work');
    try {
      const hostConfig = host.config();
      writeLiveBuildConfig(host.root, listmonk);
      const config = JSON.parse(readFileSync(join(host.root, 'mailramp.config.json'), 'utf8'));
      host.writeConfig({ ...config, warmup: hostConfig.warmup, health: hostConfig.health });
      const data = engine === 'pglite' ? ['--data-dir', join(dir, 'data')] : ['--database-url', t!.url!];
      if (engine === 'pglite') await createTestDataDir(join(dir, 'data'));
      const io = (env: Record<string, string> = {}) =>
        captureIo({ cwd: host.root, now, runner: host.runner, env });
      expect(await runCli([...data, 'db', 'seed-demo', '--carriers', '600', '--providers', '0'], io())).toBe(
        EXIT.OK,
      );

      // The Jun 24 reboot: .95 dropped off ens18.
      host.bound.delete('207.174.124.95');
      const refused = io();
      expect(
        await runCli([...data, 'build', '--vertical', 'trucking', '--json'], refused),
        refused.err(),
      ).toBe(EXIT.REFUSED);
      expect(refused.err()).toContain('pre-flight gate');
      expect(refused.err()).toContain('FAIL ips_bound: 207.174.124.95 (ens18)');
      expect(refused.err()).toContain('evidence: {');
      expect(refused.err()).toContain('nothing was pushed to Listmonk');
      expect(refused.err()).toContain('--force --reason');
      const json = JSON.parse(refused.out()) as { status: string; gate: GateJson };
      expect(json.status).toBe('refused');
      expect(json.gate.ok).toBe(false);
      expect(json.gate.checks.find((c) => c.id === 'ips_bound')).toMatchObject({
        status: 'fail',
        evidence: { missing: ['207.174.124.95 on ens18'] },
      });
      expect(listmonk.state.campaigns.size).toBe(0);
      expect(listmonk.state.lists.size).toBe(0);
      expect(host.callsOf('ip')).toContain('ip -j -4 addr show dev ens18');
      // Without a stored report, what it would say is not guessed: not judged.
      expect(json.gate.checks.find((c) => c.id === 'volume')).toMatchObject({ status: 'not_judged' });

      // A dry run shows the same verdict and refuses nothing: exit 1, nothing written.
      const dry = io();
      expect(await runCli([...data, 'build', '--vertical', 'trucking', '--dry-run'], dry)).toBe(
        EXIT.FINDINGS,
      );
      expect(dry.err()).toContain('FAILED — the live run would be refused');
      expect(dry.err()).toContain('the pre-flight gate would refuse the live run');

      // --force needs a reason.
      const noReason = io();
      expect(await runCli([...data, 'build', '--vertical', 'trucking', '--force'], noReason)).toBe(
        EXIT.USAGE,
      );
      expect(noReason.err()).toContain('--force needs --reason');

      const forced = io({ SUDO_USER: 'dispatch-lead', USER: 'root' });
      expect(
        await runCli(
          [
            ...data,
            'build',
            '--vertical',
            'trucking',
            '--force',
            '--reason',
            '.95 re-bound by hand',
            '--json',
          ],
          forced,
        ),
        forced.err(),
      ).toBe(EXIT.OK);
      expect(forced.err()).toContain(
        'FAILED — overridden by dispatch-lead with --force: ".95 re-bound by hand"',
      );
      const result = JSON.parse(forced.out()) as { status: string; stamped: number; gate: GateJson };
      expect(result.status).toBe('succeeded');
      expect(result.stamped).toBeGreaterThan(0);
      expect(result.gate.forced).toEqual({ by: 'dispatch-lead', reason: '.95 re-bound by hand' });

      const db: Kysely<Database> = engine === 'pglite' ? connect({ dataDir: join(dir, 'data') }) : t!.db;
      try {
        const runs = await db.selectFrom('build_runs').selectAll().orderBy('id').execute();
        expect(runs.map((r) => r.status)).toEqual(['failed', 'succeeded']);
        expect(runs[0]!.counts).toMatchObject({ gate: { ok: false, failed: ['ips_bound'], forced: null } });
        expect(runs[0]!.error).toContain('207.174.124.95');
        expect(runs[1]!.options).toMatchObject({
          force: { by: 'dispatch-lead', reason: '.95 re-bound by hand' },
        });
        expect(runs[1]!.counts).toMatchObject({
          gate: {
            ok: false,
            failed: ['ips_bound'],
            forced: { by: 'dispatch-lead', reason: '.95 re-bound by hand' },
          },
        });
      } finally {
        if (engine === 'pglite') await db.destroy();
      }
    } finally {
      await listmonk.close();
      await t?.destroy();
      rmSync(host.root, { recursive: true, force: true });
    }
  });
});

describe('mailramp build --force flags', () => {
  it('--reason or --who without --force is a usage error before anything is opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-gate-flags-'));
    try {
      const io = captureIo({ cwd: dir });
      expect(await runCli(['build', '--vertical', 'trucking', '--reason', 'x'], io)).toBe(EXIT.USAGE);
      expect(io.err()).toContain('--reason and --who go with --force');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
