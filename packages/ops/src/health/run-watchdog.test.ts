import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OpsError } from '../errors.js';
import { type CommandCall, createRecordingRunner } from '../exec/command-runner.js';
import { parseIpAddrJson } from './parse-ip-addr-json.js';
import type { PoolIp } from './plan-boot-findings.js';
import { planRebind } from './plan-rebind.js';
import { runWatchdog } from './run-watchdog.js';
import { scanMailLog } from './scan-mail-log.js';

const recorded = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures/ip-j', name), 'utf8');

const POOL: PoolIp[] = [
  { address: '207.174.124.72', prefix: 23, interface: 'ens18' },
  { address: '207.174.124.94', prefix: 23, interface: 'ens18', transport: 'out05' },
  { address: '207.174.124.107', prefix: 23, interface: 'ens18', transport: 'hcout1' },
];
const now = () => new Date('2026-06-24T09:05:00Z');
const BIND_LINE =
  'Jun 24 04:05:12 perfwest postfix/out05/smtp[2211]: warning: smtp_connect_addr: bind 207.174.124.94: Cannot assign requested address\n';
const OTHER_LINE = 'Jun 24 04:05:13 perfwest postfix/qmgr[812]: 4t96GVKn6kmzOD6: removed\n';

/** A scripted host: `ip -j` answers from the bound set, `ip addr add` adds to it. */
function fakeHost(bound: string, options: { addFails?: string; postqueue?: 'ok' | 'missing' } = {}) {
  const extra: string[] = [];
  const runner = createRecordingRunner((call: CommandCall) => {
    if (call.command === 'ip' && call.args[0] === '-j') {
      const json = JSON.parse(recorded(bound)) as Array<{ addr_info: object[] }>;
      for (const cidr of extra) {
        const [local, prefix] = cidr.split('/');
        json[0]!.addr_info.push({ family: 'inet', local, prefixlen: Number(prefix), label: 'ens18' });
      }
      return { stdout: JSON.stringify(json) };
    }
    if (call.command === 'ip' && call.args[1] === 'add') {
      if (options.addFails !== undefined) return { code: 2, stderr: options.addFails };
      extra.push(call.args[2]!);
      return {};
    }
    if (call.command === 'postqueue' && options.postqueue === 'missing') {
      throw new OpsError(
        'COMMAND_UNAVAILABLE',
        'cannot run postqueue: spawn postqueue ENOENT; is it installed and on PATH?',
      );
    }
    return {};
  });
  return runner;
}
const commands = (runner: { calls: CommandCall[] }) =>
  runner.calls.map((c) => [c.command, ...c.args].join(' '));

describe('parseIpAddrJson (recorded iproute2 output)', () => {
  it('reads every IPv4 address with its prefix and label', () => {
    expect(parseIpAddrJson(recorded('ens18-primary-and-one.json')).get('ens18')).toEqual([
      { address: '207.174.124.71', prefix: 23 },
      { address: '207.174.124.94', prefix: 23, label: 'ens18:tr' },
    ]);
  });
  it('reads an interface without IPv4 addresses ([] or [{}])', () => {
    expect(parseIpAddrJson('[]').size).toBe(0);
    expect(parseIpAddrJson(recorded('filtered-empty-object.json')).size).toBe(0);
  });
  it('fails loudly on output that is not iproute2 JSON', () => {
    expect(() => parseIpAddrJson('2: ens18: <BROADCAST>')).toThrow(/not JSON/);
    expect(() => parseIpAddrJson('[{"ifname": 3}]')).toThrow(OpsError);
  });
});

describe('planRebind', () => {
  it('lists the IPs missing after the incident reboot (.72 and .107; .94 was re-added by hand)', () => {
    const plan = planRebind(POOL, parseIpAddrJson(recorded('ens18-primary-and-one.json')));
    expect(plan.missing.map((ip) => ip.address)).toEqual(['207.174.124.72', '207.174.124.107']);
    expect(plan.bound.map((ip) => ip.address)).toEqual(['207.174.124.94']);
  });
  it('reports a different prefix instead of re-adding', () => {
    const plan = planRebind([{ ...POOL[1]!, prefix: 24 }], parseIpAddrJson(recorded('ens18-all.json')));
    expect(plan).toMatchObject({ missing: [], prefixMismatch: [{ bound: 23 }] });
  });
});

describe('runWatchdog with a recorded host', () => {
  it('is healthy and silent when every IP is bound', async () => {
    const runner = fakeHost('ens18-all.json');
    const result = await runWatchdog({ runner, pool: POOL, apply: true, now });
    expect(result).toMatchObject({ status: 'healthy', missing: [], actions: [], flushReasons: [] });
    expect(commands(runner)).toEqual(['ip -j -4 addr show dev ens18']);
  });

  it('without --apply reports what is missing and runs nothing else', async () => {
    const runner = fakeHost('ens18-primary-and-one.json');
    const result = await runWatchdog({ runner, pool: POOL, apply: false, now });
    expect(result.status).toBe('needs_repair');
    expect(commands(runner)).toEqual(['ip -j -4 addr show dev ens18']);
  });

  it('with --apply adds each missing IP, checks again and flushes every Postfix instance', async () => {
    const runner = fakeHost('ens18-primary-and-one.json');
    const result = await runWatchdog({
      runner,
      pool: POOL,
      apply: true,
      postfixDirs: ['/etc/postfix', '/etc/postfix-hc'],
      now,
    });
    expect(result.status).toBe('repaired');
    expect(commands(runner)).toEqual([
      'ip -j -4 addr show dev ens18',
      'ip addr add 207.174.124.72/23 dev ens18',
      'ip addr add 207.174.124.107/23 dev ens18',
      'ip -j -4 addr show dev ens18',
      'postqueue -f',
      'postqueue -c /etc/postfix-hc -f',
    ]);
    expect(result.bound[0]!.addresses).toHaveLength(4);
  });

  it('fails when the add is refused, and says why', async () => {
    const runner = fakeHost('ens18-primary-and-one.json', {
      addFails: 'RTNETLINK answers: Operation not permitted',
    });
    const result = await runWatchdog({ runner, pool: POOL, apply: true, now });
    expect(result.status).toBe('failed');
    expect(result.problems).toContain(
      'ip addr add 207.174.124.72/23 dev ens18 exited 2: RTNETLINK answers: Operation not permitted',
    );
    expect(result.problems).toContain('207.174.124.107 is still not bound on ens18 after ip addr add');
    // Two IPs are missing: the queue is left alone, not flushed out of the primary IP.
    expect(commands(runner).filter((c) => c.startsWith('postqueue'))).toEqual([]);
    expect(result.queueLeftAlone).toMatch(
      /^queue left alone \(207\.174\.124\.72, 207\.174\.124\.107 not bound\)/,
    );
  });

  it('fails when the interface does not exist', async () => {
    const runner = createRecordingRunner(() => ({ code: 1, stderr: 'Device "ens18" does not exist.\n' }));
    const result = await runWatchdog({ runner, pool: POOL, apply: true, now });
    expect(result.status).toBe('failed');
    expect(result.problems).toEqual([
      'ip -j -4 addr show dev ens18 exited 1: Device "ens18" does not exist.',
    ]);
    expect(commands(runner)).toEqual(['ip -j -4 addr show dev ens18']);
  });

  it('refuses a config value that is not an interface name before running anything', async () => {
    const runner = createRecordingRunner();
    const pool = [{ address: '207.174.124.72', prefix: 23, interface: 'ens18;reboot' }];
    await expect(runWatchdog({ runner, pool, apply: true, now })).rejects.toMatchObject({
      code: 'UNSAFE_ARGUMENT',
    });
    expect(runner.calls).toEqual([]);
  });
});

describe('runWatchdog and the mail log', () => {
  async function setup() {
    const dir = await mkdtemp(join(tmpdir(), 'mailramp-watchdog-'));
    const log = join(dir, 'mail.log');
    await writeFile(log, OTHER_LINE + BIND_LINE);
    return { dir, log, mailLog: { path: log, stateFile: join(dir, 'state', 'watchdog.json') } };
  }

  it('flushes when new bind failures appeared although every IP is bound, and only once', async () => {
    const { log, mailLog } = await setup();
    const first = await runWatchdog({
      runner: fakeHost('ens18-all.json'),
      pool: POOL,
      apply: true,
      mailLog,
      now,
    });
    expect(first.status).toBe('healthy');
    expect(first.mailLog?.scan?.firstRun).toBe(true);

    await appendFile(log, OTHER_LINE + BIND_LINE + BIND_LINE);
    const dry = await runWatchdog({
      runner: fakeHost('ens18-all.json'),
      pool: POOL,
      apply: false,
      mailLog,
      now,
    });
    expect(dry.status).toBe('needs_repair');
    const runner = fakeHost('ens18-all.json');
    const second = await runWatchdog({ runner, pool: POOL, apply: true, mailLog, now });
    expect(second.status).toBe('repaired');
    expect(second.flushReasons).toEqual(['2 new "Cannot assign requested address" line(s) in the mail log']);
    expect(commands(runner)).toContain('postqueue -f');

    const third = await runWatchdog({
      runner: fakeHost('ens18-all.json'),
      pool: POOL,
      apply: true,
      mailLog,
      now,
    });
    expect(third.status).toBe('healthy');
  });

  it('remembers a failed flush and flushes on the next run', async () => {
    const { log, mailLog } = await setup();
    await runWatchdog({ runner: fakeHost('ens18-all.json'), pool: POOL, apply: true, mailLog, now });
    await appendFile(log, BIND_LINE);
    const failed = await runWatchdog({
      runner: fakeHost('ens18-all.json', { postqueue: 'missing' }),
      pool: POOL,
      apply: true,
      mailLog,
      now,
    });
    expect(failed.status).toBe('failed');
    expect(JSON.parse(await readFile(mailLog.stateFile, 'utf8'))).toMatchObject({ pendingFlush: true });
    const retry = await runWatchdog({
      runner: fakeHost('ens18-all.json'),
      pool: POOL,
      apply: true,
      mailLog,
      now,
    });
    expect(retry).toMatchObject({ status: 'repaired', flushReasons: ['the last run could not flush'] });
  });

  it('reports a corrupt state file instead of forgetting', async () => {
    const { mailLog } = await setup();
    await runWatchdog({ runner: fakeHost('ens18-all.json'), pool: POOL, apply: true, mailLog, now });
    await writeFile(mailLog.stateFile, '{ "version": 1, "mailLog": ');
    await expect(
      runWatchdog({ runner: fakeHost('ens18-all.json'), pool: POOL, apply: true, mailLog, now }),
    ).rejects.toMatchObject({
      code: 'INPUT_UNREADABLE',
    });
  });
});

describe('scanMailLog', () => {
  async function logWith(text: string) {
    const dir = await mkdtemp(join(tmpdir(), 'mailramp-maillog-'));
    const path = join(dir, 'mail.log');
    await writeFile(path, text);
    return path;
  }

  it('starts at the end on the first run, then counts only new whole lines', async () => {
    const path = await logWith(BIND_LINE);
    const first = (await scanMailLog(path, undefined))!;
    expect(first).toMatchObject({ firstRun: true, bindFailures: 0 });
    await appendFile(path, OTHER_LINE + BIND_LINE + BIND_LINE.slice(0, 40));
    const second = (await scanMailLog(path, first.position))!;
    expect(second).toMatchObject({ bindFailures: 1, rotation: 'none' });
    await appendFile(path, BIND_LINE.slice(40));
    const third = (await scanMailLog(path, second.position))!;
    expect(third.bindFailures).toBe(1);
    expect(third.lastBindFailure).toBe(BIND_LINE.trimEnd());
  });

  it('survives copytruncate (same inode, smaller file)', async () => {
    const path = await logWith(OTHER_LINE.repeat(5));
    const first = (await scanMailLog(path, undefined))!;
    await truncate(path, 0);
    await appendFile(path, BIND_LINE);
    expect(await scanMailLog(path, first.position)).toMatchObject({ rotation: 'truncated', bindFailures: 1 });
  });

  it('survives rename rotation: finishes mail.log.1, then reads the new file from the start', async () => {
    const path = await logWith(OTHER_LINE);
    const first = (await scanMailLog(path, undefined))!;
    await appendFile(path, BIND_LINE);
    await rename(path, `${path}.1`);
    await writeFile(path, BIND_LINE + OTHER_LINE);
    const scan = (await scanMailLog(path, first.position))!;
    expect(scan).toMatchObject({ rotation: 'rotated', bindFailures: 2 });
    expect(scan.position.offset).toBe(Buffer.byteLength(BIND_LINE + OTHER_LINE));
  });

  it('survives rotation with compress and no delaycompress: finishes mail.log.1.gz', async () => {
    const path = await logWith(OTHER_LINE + BIND_LINE);
    const first = (await scanMailLog(path, undefined))!;
    await appendFile(path, OTHER_LINE + BIND_LINE + BIND_LINE);
    // As logrotate does it: rename, create, compress the rotated file, remove it.
    await rename(path, `${path}.1`);
    await writeFile(path, BIND_LINE);
    await writeFile(`${path}.1.gz`, gzipSync(await readFile(`${path}.1`)));
    await rm(`${path}.1`);
    const scan = (await scanMailLog(path, first.position))!;
    // The two lines after the remembered offset and the new file's one; not the one before it.
    expect(scan).toMatchObject({ rotation: 'rotated', bindFailures: 3 });
    expect(scan.position.offset).toBe(Buffer.byteLength(BIND_LINE));
    // Once a plain mail.log.1 exists (delaycompress), an older .1.gz is never read.
    await rename(path, `${path}.1`);
    await writeFile(path, OTHER_LINE);
    expect(await scanMailLog(path, scan.position)).toMatchObject({ rotation: 'rotated', bindFailures: 0 });
  });

  it('says when there is no log', async () => {
    expect(await scanMailLog('/nonexistent/mail.log', undefined)).toBeUndefined();
  });
});
