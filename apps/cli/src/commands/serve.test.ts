/**
 * `mailramp serve` as the real binary in child processes on one embedded data directory: it starts,
 * answers /healthz, refuses a second process on the same directory (exit 4), stops on SIGTERM with
 * exit 0, and never logs its token. One process start: ~2.5 s from dist, ~12 s when tsx compiles the
 * sources (dist older than them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDataDir } from '@mailramp/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const root = new URL('../../../../', import.meta.url).pathname;
const bin = join(root, 'apps/cli/bin/mailramp.js');
const TOKEN = 'serve-test-token-8c1f0e2d9b7a';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

// From the repository, with the test's config file. bin/mailramp.js runs dist while it is fresh and
// the sources through tsx otherwise: `--import tsx` would load tsx for nothing.
function start(args: string[], work: string) {
  const child = spawn(process.execPath, [bin, '--config', join(work, 'mailramp.config.json'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', MAILRAMP_SERVICE_TOKEN: TOKEN },
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  const done = new Promise<Finished>((resolve) => child.on('exit', (code) => resolve({ code, ...out })));
  return { child, out, done };
}

async function waitFor(check: () => boolean, what: string, out: { stdout: string; stderr: string }) {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}:\n${out.stderr}\n${out.stdout}`);
}

describe('mailramp serve', () => {
  it('serves, refuses a second process on the same data directory, stops on SIGTERM with exit 0', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mailramp-serve-'));
    await createTestDataDir(join(work, 'data'));
    // No job of this test may touch the host: every one is off.
    const off = { enabled: false };
    writeFileSync(
      join(work, 'mailramp.config.json'),
      JSON.stringify({
        database: { dataDir: join(work, 'data') },
        service: {
          jobs: Object.fromEntries(
            [
              'warmup',
              'rampcap',
              'build-trucking',
              'build-healthcare',
              'watchdog',
              'report',
              'suppress-sync',
              'classify-mx',
            ].map((j) => [j, off]),
          ),
        },
      }),
    );
    const first = start(['serve', '--listen', '127.0.0.1:0', '--grace', '5'], work);
    await waitFor(() => first.out.stderr.includes('listening on'), 'the service to listen', first.out);
    const url = /listening on (http:\/\/[^;]+);/.exec(first.out.stderr)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // The second process is this one (runCli in-process): a process start less, and the refusal
    // comes from the data directory's lock all the same.
    const second = captureIo({ cwd: root, env: { MAILRAMP_SERVICE_TOKEN: TOKEN } });
    const secondArgs = ['--config', join(work, 'mailramp.config.json'), 'serve', '--listen', '127.0.0.1:0'];
    const signalListeners = process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
    expect(await runCli(secondArgs, second), second.err()).toBe(EXIT.REFUSED);
    expect(process.listenerCount('SIGTERM') + process.listenerCount('SIGINT')).toBe(signalListeners);
    // The holder never finishes: the message says to stop it or ask it, not to wait.
    expect(second.err()).toContain('`mailramp serve`');
    expect(second.err()).toContain('POST /api/jobs/<job>/run');
    expect(second.err()).not.toContain('wait for that run to finish');
    expect(second.out() + second.err()).not.toContain(TOKEN);

    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(EXIT.OK);
    const lines = stopped.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['mailramp serve started', 'stop asked', 'scheduler stopped']),
    );
    expect(stopped.stdout + stopped.stderr).not.toContain(TOKEN);
  }, 60_000);

  it('prints a systemd unit and refuses a bad --listen with exit 2', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mailramp-serve-'));
    writeFileSync(join(work, 'mailramp.config.json'), '{}');
    const io = captureIo({ cwd: work });
    const args = ['serve', '--print-unit', '--user', 'mailramp', '--binary', '/opt/mailramp/bin/mailramp'];
    expect(await runCli(args, io)).toBe(EXIT.OK);
    expect(io.out()).toContain('User=mailramp\n');
    expect(io.out()).toContain('Restart=on-failure\n');
    const bad = captureIo({ cwd: work });
    expect(await runCli(['serve', '--listen', 'everywhere', '--data-dir', join(work, 'data')], bad)).toBe(
      EXIT.USAGE,
    );
    expect(bad.err()).toContain('--listen everywhere is not host:port');
    const far = captureIo({ cwd: work });
    expect(
      await runCli(['serve', '--listen', '127.0.0.1:99999', '--data-dir', join(work, 'data')], far),
    ).toBe(EXIT.USAGE);
    expect(far.err()).toContain('--listen 127.0.0.1:99999: port 99999 is out of range');
  });

  it('prints a unit that runs against the database set up where it was printed, even from /', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mailramp-serve-'));
    writeFileSync(join(work, 'mailramp.config.json'), '{}');
    await createTestDataDir(join(work, '.mailramp/data'));
    const io = captureIo({ cwd: work });
    expect(await runCli(['--config', 'mailramp.config.json', 'serve', '--print-unit'], io)).toBe(EXIT.OK);
    const keys = new Map<string, string>();
    for (const line of io.out().split('\n')) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) keys.set(m[1], m[2]);
    }
    expect(keys.get('WorkingDirectory')).toBe(work);
    expect(keys.get('EnvironmentFile')).toBe('-/etc/mailramp/mailramp.env');
    const exec = (keys.get('ExecStart') ?? '').split(' ');
    expect(exec).toEqual([
      '/usr/local/bin/mailramp',
      '--config',
      join(work, 'mailramp.config.json'),
      '--data-dir',
      join(work, '.mailramp/data'),
      'serve',
    ]);
    // The README section the unit points to exists, and says what goes in the environment file.
    const section = /README: "([^"]+)"/.exec(io.out())?.[1] ?? '';
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`## ${section}\n`);
    expect(readme).toMatch(/\/etc\/mailramp\/mailramp\.env[\s\S]*LISTMONK_[A-Z_<>]*_TOKEN/);
    // Started from / (systemd's cwd without WorkingDirectory), the printed arguments still reach
    // the migrated database: nothing pending, where a relative data dir would be /.mailramp/data.
    const fromRoot = captureIo({ cwd: '/' });
    const args = exec.slice(1, -1);
    expect(await runCli([...args, 'db', 'status', '--json'], fromRoot)).toBe(EXIT.OK);
    expect(fromRoot.out()).not.toMatch(/"pending"/);
    expect(fromRoot.out()).toMatch(/"applied"/);
  });
});
