import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProcessRunner, createRecordingRunner } from '../exec/command-runner.js';
import { applyWarmup } from './apply-warmup.js';
import { planWarmup } from './plan-warmup.js';
import { readWarmupState } from './read-warmup-state.js';
import type { WarmupStream } from './warmup-stream.js';

const ip = (n: number, transport: string) => ({
  address: `207.174.124.${n}`,
  prefix: 23,
  interface: 'ens18',
  transport,
  helo: `mta${n}.example.net`,
});

const MASTER_CF = ['out05', 'out06', 'out07', 'out08', 'out09']
  .map(
    (t, i) =>
      `${t} unix - - n - - smtp\n  -o smtp_bind_address=207.174.124.${94 + i}\n  -o smtp_bind_address_enforce=yes\n  -o syslog_name=postfix/${t}\n`,
  )
  .join('');

function stream(overrides: Partial<WarmupStream> = {}): WarmupStream {
  return {
    name: 'trucking',
    ips: [ip(94, 'out05'), ip(95, 'out06'), ip(96, 'out07'), ip(97, 'out08'), ip(98, 'out09')],
    retired: [],
    start: '2026-06-02',
    pool: [
      { from: 0, to: 3, value: 3 },
      { from: 4, value: 5 },
    ],
    hourlyCap: [{ from: 0, value: 50 }],
    dailyCeiling: 4000,
    listmonk: [],
    postfix: { configDir: '/etc/postfix', lookupTables: ['hash:/etc/postfix/transport'] },
    ...overrides,
  };
}

describe('warm-up against a scripted Postfix', () => {
  const files: Record<string, string> = {
    '/etc/postfix/master.cf': MASTER_CF,
    '/etc/postfix/pw-warmup-start': '1780387200\n',
  };
  const readFileFrom = async (path: string) => {
    const text = files[path];
    if (text === undefined)
      throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return text;
  };

  it('builds exactly postconf -e then postfix reload, and a second run runs nothing', async () => {
    let transportMaps = 'hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:}';
    const runner = createRecordingRunner(({ command, args }) => {
      if (command === 'postconf' && args.includes('transport_maps')) return { stdout: `${transportMaps}\n` };
      if (command === 'postconf' && args[2] === '-e')
        transportMaps = args[3]!.replace(/^transport_maps=/, '');
      return undefined;
    });
    const s = stream({ start: { stampFile: '/etc/postfix/pw-warmup-start' } });
    const state = await readWarmupState(s, { runner, readFile: readFileFrom });
    const plan = planWarmup(s, state, '2026-06-06');
    expect(plan).toMatchObject({
      day: 4,
      start: '2026-06-02',
      target: 5,
      transportMaps: 'hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:}',
      changed: true,
      problems: [],
    });
    expect(plan.added.map((a) => a.transport)).toEqual(['out08', 'out09']);

    const applied = await applyWarmup(plan, s.postfix, runner);
    expect(applied).toEqual({
      changed: true,
      reloaded: true,
      reloadError: undefined,
      commands: [
        {
          command: 'postconf',
          args: [
            '-c',
            '/etc/postfix',
            '-e',
            'transport_maps=hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:}',
          ],
        },
        { command: 'postfix', args: ['-c', '/etc/postfix', 'reload'] },
      ],
    });
    expect(runner.calls).toEqual([
      { command: 'postconf', args: ['-c', '/etc/postfix', '-h', 'transport_maps'] },
      { command: 'postconf', args: ['-c', '/etc/postfix', '-h', 'smtp_bind_address_enforce'] },
      ...applied.commands,
    ]);

    runner.calls.length = 0;
    const again = planWarmup(s, await readWarmupState(s, { runner, readFile: readFileFrom }), '2026-06-06');
    expect(again.changed).toBe(false);
    expect(await applyWarmup(again, s.postfix, runner)).toEqual({
      changed: false,
      commands: [],
      reloaded: false,
    });
    expect(runner.calls).toEqual([
      { command: 'postconf', args: ['-c', '/etc/postfix', '-h', 'transport_maps'] },
      { command: 'postconf', args: ['-c', '/etc/postfix', '-h', 'smtp_bind_address_enforce'] },
    ]);
  });

  it('writes a master.cf service override with postconf -P and a compact value', async () => {
    const runner = createRecordingRunner();
    const s = stream({
      name: 'healthcare',
      ips: [ip(107, 'hcout1')],
      postfix: {
        configDir: '/etc/postfix-hc',
        service: 'hcrewrite/unix',
        lookupTables: ['hash:/etc/postfix/transport'],
      },
    });
    const state = await readWarmupState(s, { runner, readFile: async () => '' });
    const applied = await applyWarmup(planWarmup(s, state, '2026-06-02'), s.postfix, runner);
    expect(runner.calls).toEqual([
      { command: 'postconf', args: ['-c', '/etc/postfix-hc', '-P', '-h', 'hcrewrite/unix/transport_maps'] },
      { command: 'postconf', args: ['-c', '/etc/postfix-hc', '-h', 'smtp_bind_address_enforce'] },
      {
        command: 'postconf',
        args: [
          '-c',
          '/etc/postfix-hc',
          '-P',
          'hcrewrite/unix/transport_maps=hash:/etc/postfix/transport,randmap:{hcout1:}',
        ],
      },
      { command: 'postfix', args: ['-c', '/etc/postfix-hc', 'reload'] },
    ]);
    expect(applied.changed).toBe(true);
  });

  it('reports a failed reload without pretending, and fails loudly when postconf cannot write', async () => {
    const stopped = createRecordingRunner(({ command }) =>
      command === 'postfix'
        ? { code: 1, stderr: 'postfix/postfix-script: fatal: the Postfix mail system is not running' }
        : undefined,
    );
    const s = stream();
    const plan = planWarmup(
      s,
      await readWarmupState(s, { runner: stopped, readFile: readFileFrom }),
      '2026-06-02',
    );
    expect(await applyWarmup(plan, s.postfix, stopped)).toMatchObject({
      changed: true,
      reloaded: false,
      reloadError: 'postfix/postfix-script: fatal: the Postfix mail system is not running',
    });
    const readOnly = createRecordingRunner(({ args }) =>
      args.includes('-e')
        ? { code: 1, stderr: 'postconf: fatal: open /etc/postfix/main.cf: Permission denied' }
        : undefined,
    );
    await expect(applyWarmup(plan, s.postfix, readOnly)).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringContaining('transport_maps is unchanged'),
    });
    expect(readOnly.calls.map((c) => c.command)).toEqual(['postconf']);
  });

  it('says how to create a missing stamp file', async () => {
    const s = stream({ start: { stampFile: '/etc/postfix/nope' } });
    await expect(
      readWarmupState(s, { runner: createRecordingRunner(), readFile: readFileFrom }),
    ).rejects.toMatchObject({
      code: 'INVALID_STAMP',
      message: expect.stringContaining('date +%s > /etc/postfix/nope'),
    });
  });

  it('notes an unreadable master.cf instead of failing the run', async () => {
    const s = stream({ postfix: { configDir: '/etc/nowhere', lookupTables: [] } });
    const plan = planWarmup(
      s,
      await readWarmupState(s, { runner: createRecordingRunner(), readFile: readFileFrom }),
      '2026-06-02',
    );
    expect(plan.notes).toEqual([
      expect.stringMatching(/^master\.cf not checked: \/etc\/nowhere\/master\.cf: ENOENT/),
    ]);
  });
});

const hasPostconf = (() => {
  try {
    execFileSync('postconf', ['-d', 'mail_version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPostconf)('warm-up against the real postconf (Postfix installed)', () => {
  it('sets main.cf and a master.cf override through real postconf, and is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-postfix-'));
    writeFileSync(join(dir, 'main.cf'), 'compatibility_level = 3.6\n');
    writeFileSync(join(dir, 'master.cf'), `hcrewrite unix - - n - - trivial-rewrite\n${MASTER_CF}`);
    const real = createProcessRunner({ timeoutMs: 10_000 });
    // postfix reload needs a running Postfix: let postconf run for real and record the reload only.
    const calls: string[] = [];
    const runner = {
      async run(command: string, args: readonly string[]) {
        calls.push([command, ...args].join(' '));
        return command === 'postfix' ? { code: 0, stdout: '', stderr: '' } : real.run(command, args);
      },
    };
    const host = { runner, readFile: (p: string) => readFile(p, 'utf8') };
    for (const s of [
      stream({ postfix: { configDir: dir, lookupTables: ['hash:/etc/postfix/transport'] } }),
      stream({
        postfix: { configDir: dir, service: 'hcrewrite/unix', lookupTables: ['hash:/etc/postfix/transport'] },
      }),
    ]) {
      const first = await applyWarmup(
        planWarmup(s, await readWarmupState(s, host), '2026-06-07'),
        s.postfix,
        runner,
      );
      expect(first.changed).toBe(true);
      const second = planWarmup(s, await readWarmupState(s, host), '2026-06-07');
      expect(second.changed).toBe(false);
      expect(second.problems).toEqual([]);
    }
    expect(readFileSync(join(dir, 'main.cf'), 'utf8')).toContain(
      'transport_maps = hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:}',
    );
    expect(readFileSync(join(dir, 'master.cf'), 'utf8')).toMatch(
      /hcrewrite +unix.*\n +-o transport_maps=hash:\/etc\/postfix\/transport,randmap:\{out05:,out06:,out07:,out08:,out09:\}/,
    );
    expect(calls.filter((c) => c.startsWith('postfix '))).toEqual([
      `postfix -c ${dir} reload`,
      `postfix -c ${dir} reload`,
    ]);
  });
});
