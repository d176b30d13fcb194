import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@mailramp/db';
import { createTestDataDir } from '@mailramp/db/testing';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { writeLiveBuildConfig } from './commands/fixtures/write-live-build-config.js';
import { EXIT } from './exit-codes.js';
import { captureIo } from './io.js';
import { runCli } from './run-cli.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'apps/cli/bin/mailramp.js');
const census = readFileSync(join(root, 'packages/builder/src/audience/fixtures/fmcsa-sms-census.csv'));

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

const children: ChildProcess[] = [];

// bin/mailramp.js runs dist while it is fresh and the sources through tsx otherwise: either way a
// real CLI process, without paying tsx's start-up when dist will do.
function start(args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '' },
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.resume();
  const done = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, done };
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('the embedded database: one process per data directory (issue #20)', () => {
  it('refuses a second process with exit 4 while the first holds it, and takes over after kill -9', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mailramp-lock-'));
    const dir = join(work, 'data');
    const lockFile = join(dir, 'mailramp.lock');
    // A migrated data directory from the test dump (no initdb), made 0755 as an earlier version left
    // it: the first process to open it makes it owner-only, since it holds addresses. (A directory
    // the CLI creates is owner-only from the start: test/cli/demo.test.ts.)
    await createTestDataDir(dir);
    chmodSync(dir, 0o755);
    expect(existsSync(lockFile)).toBe(false);

    // The first import blocks reading a FIFO while it holds the database open.
    const fifo = join(work, 'census.csv');
    execFileSync('mkfifo', [fifo]);
    const first = start(['--data-dir', dir, 'audience', 'import', 'fmcsa', fifo, '--quiet']);
    await waitFor(() => existsSync(lockFile), 'the first import to open the database');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(lockFile).mode & 0o777).toBe(0o600);

    // The second process is this test's own: a refusal opens no database, so it needs no child.
    const other = join(work, 'other.csv');
    writeFileSync(other, census);
    const second = captureIo();
    expect(
      await runCli(['--data-dir', dir, 'audience', 'import', 'fmcsa', other, '--quiet'], second),
      second.err(),
    ).toBe(EXIT.REFUSED);
    expect(second.err()).toContain('in use by another mailramp process');
    expect(second.err()).toContain(`process ${first.child.pid}, \`mailramp audience import fmcsa\``);
    expect(second.err()).not.toContain('    at ');

    writeFileSync(fifo, census);
    const firstDone = await first.done;
    expect(firstDone.code, firstDone.stderr).toBeLessThanOrEqual(1);
    expect(existsSync(lockFile)).toBe(false);

    // kill -9 leaves the lock file behind; the next run sees its holder is gone and takes it.
    const killed = start(['--data-dir', dir, 'audience', 'import', 'fmcsa', fifo, '--quiet']);
    await waitFor(() => existsSync(lockFile), 'the import to open the database');
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(existsSync(lockFile)).toBe(true);
    const after = captureIo();
    expect(await runCli(['--data-dir', dir, 'db', 'status', '--json'], after), after.err()).toBe(EXIT.OK);
    expect(existsSync(lockFile)).toBe(false);
  }, 300_000);

  it('two live builds on one data directory: the second is refused with exit 4 and Listmonk gets one set of campaigns', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mailramp-lock-build-'));
    const dir = join(work, 'data');
    // The first build's first campaign create is held until the second build has ended: the first
    // holds the data directory while the second starts (a cron run overlapping a manual one).
    const listmonk = await createListmonkStandIn({ version: 5, importBatchDelayMs: 1 });
    try {
      writeLiveBuildConfig(work, listmonk);
      const configFile = join(work, 'mailramp.config.json');
      const config = JSON.parse(readFileSync(configFile, 'utf8'));
      config.listmonk.instances.trucking.timeoutMs = 120_000;
      writeFileSync(configFile, JSON.stringify(config));
      const inProcess = ['--config', configFile, '--data-dir', dir];
      await createTestDataDir(dir);
      const seed = ['db', 'seed-demo', '--carriers', '400', '--providers', '0'];
      expect(await runCli([...inProcess, ...seed], captureIo({ cwd: work }))).toBe(EXIT.OK);
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      listmonk.injectFault({ method: 'POST', path: '/api/campaigns', kind: 'delay', until: released });

      const build = [...inProcess, 'build', '--vertical', 'trucking', '--warmup-day', '12'];
      // Tomorrow: every zone's slot is hours ahead, however long the builds take.
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const args = [...build, '--max-per-segment', '2', '--date', tomorrow, '--json'];
      const first = start(args);
      await waitFor(
        () => listmonk.requestsTo('POST', '/api/campaigns').length > 0,
        'the first build to push',
      );
      // The second build runs in this test's process: refused at the lock, it needs no child.
      const second = captureIo({ cwd: work });
      const secondCode = await runCli(args, second).finally(release);
      expect(secondCode, second.err()).toBe(EXIT.REFUSED);
      expect(second.err()).toContain('in use by another mailramp process');
      expect(second.err()).toContain(`process ${first.child.pid}`);
      expect(second.err()).not.toContain('    at ');
      const firstDone = await first.done;
      expect(firstDone.code, firstDone.stderr).toBe(0);

      const names = [...listmonk.state.campaigns.values()].map((c) => c.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
      expect(listmonk.requestsTo('POST', '/api/campaigns')).toHaveLength(names.length);
      const db = connect({ dataDir: dir });
      try {
        const runs = await sql<{ n: number }>`select count(*)::int as n from build_runs`.execute(db);
        expect(runs.rows[0]?.n).toBe(1);
        const twice = await sql<{ n: number }>`
          select count(*)::int as n from (select recipient_key from send_ledger
          group by recipient_key having count(*) > 1) d`.execute(db);
        expect(twice.rows[0]?.n).toBe(0);
      } finally {
        await db.destroy();
      }
    } finally {
      await listmonk.close();
    }
  }, 300_000);
});
