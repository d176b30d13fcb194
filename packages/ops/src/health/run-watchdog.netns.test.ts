import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandRunner, createProcessRunner, createRecordingRunner } from '../exec/command-runner.js';
import { parseIpAddrJson } from './parse-ip-addr-json.js';
import type { PoolIp } from './plan-boot-findings.js';
import { runWatchdog } from './run-watchdog.js';

// Acceptance test on a real interface: a network namespace with a dummy interface (a veth pair where
// the kernel has no dummy driver), the pool bound, one address deleted, the watchdog run with --apply
// through a runner that executes `ip netns exec NS …`. Postfix is not installed here, so the flush
// is recorded.
const NS = `mailramp-wd-${process.pid}`;
const ip = (...args: string[]) =>
  execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function namespacesUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    ip('netns', 'add', `${NS}-probe`);
    ip('netns', 'del', `${NS}-probe`);
    return undefined;
  } catch (error) {
    return `\`ip netns add\` failed: ${(error as Error).message.split('\n')[0]}`;
  }
}
const unavailable = namespacesUnavailable();
if (unavailable !== undefined) console.warn(`SKIPPED watchdog network-namespace test: ${unavailable}`);

const POOL: PoolIp[] = [
  { address: '203.0.113.72', prefix: 23, interface: 'ens18' },
  { address: '203.0.113.94', prefix: 23, interface: 'ens18', transport: 'out05' },
  { address: '203.0.113.107', prefix: 23, interface: 'ens18', transport: 'hcout1' },
];

describe.skipIf(unavailable !== undefined)(
  `watchdog in a real network namespace${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    let linkType = 'dummy';
    beforeAll(() => {
      ip('netns', 'add', NS);
      try {
        ip('-n', NS, 'link', 'add', 'ens18', 'type', 'dummy');
      } catch {
        linkType = 'veth';
        ip('-n', NS, 'link', 'add', 'ens18', 'type', 'veth', 'peer', 'name', 'ens18peer');
      }
      ip('-n', NS, 'link', 'set', 'ens18', 'up');
      ip('-n', NS, 'addr', 'add', '203.0.113.71/23', 'dev', 'ens18');
      for (const { address, prefix } of POOL)
        ip('-n', NS, 'addr', 'add', `${address}/${prefix}`, 'dev', 'ens18');
    });
    afterAll(() => {
      ip('netns', 'del', NS);
    });

    const bound = () =>
      (parseIpAddrJson(ip('-n', NS, '-j', '-4', 'addr', 'show', 'dev', 'ens18')).get('ens18') ?? []).map(
        (a) => a.address,
      );

    it('re-binds a deleted sending IP and flushes the queue; then reports healthy', async () => {
      ip('-n', NS, 'addr', 'del', '203.0.113.94/23', 'dev', 'ens18');
      expect(bound()).not.toContain('203.0.113.94');

      const inNamespace = createProcessRunner({ prefix: ['ip', 'netns', 'exec', NS] });
      const postfix = createRecordingRunner();
      const runner: CommandRunner = {
        run: (command, args) =>
          command === 'postqueue' ? postfix.run(command, args) : inNamespace.run(command, args),
      };
      const now = () => new Date();

      const dry = await runWatchdog({ runner, pool: POOL, apply: false, now });
      expect(dry.status).toBe('needs_repair');
      expect(bound()).not.toContain('203.0.113.94');

      const result = await runWatchdog({ runner, pool: POOL, apply: true, now });
      expect(result.status, `${linkType} interface: ${result.problems.join('; ')}`).toBe('repaired');
      expect(result.actions.map((a) => a.command)).toEqual([
        'ip addr add 203.0.113.94/23 dev ens18',
        'postqueue -f',
      ]);
      expect(bound()).toEqual(
        expect.arrayContaining(['203.0.113.71', '203.0.113.72', '203.0.113.94', '203.0.113.107']),
      );
      expect(postfix.calls).toEqual([{ command: 'postqueue', args: ['-f'] }]);

      const again = await runWatchdog({ runner, pool: POOL, apply: true, now });
      expect(again.status).toBe('healthy');
      expect(postfix.calls).toHaveLength(1);
    });

    it('leaves the queue alone when the re-bind fails (no privilege), and flushes once it is bound', async () => {
      ip('-n', NS, 'addr', 'del', '203.0.113.107/23', 'dev', 'ens18');
      const stateDir = mkdtempSync(join(tmpdir(), 'mailramp-wd-netns-'));
      const mailLog = { path: join(stateDir, 'mail.log'), stateFile: join(stateDir, 'state.json') };
      writeFileSync(mailLog.path, '');
      const postfix = createRecordingRunner();
      // The same real ip(8), in the namespace, as an unprivileged user: `ip addr add` gets EPERM.
      const unprivileged = createProcessRunner({
        prefix: ['ip', 'netns', 'exec', NS, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      });
      const runner: CommandRunner = {
        run: (command, args) =>
          command === 'postqueue' ? postfix.run(command, args) : unprivileged.run(command, args),
      };
      const now = () => new Date();
      const failed = await runWatchdog({ runner, pool: POOL, apply: true, mailLog, now });
      expect(failed.status).toBe('failed');
      expect(failed.actions).toEqual([
        expect.objectContaining({ command: 'ip addr add 203.0.113.107/23 dev ens18', ok: false }),
      ]);
      expect(failed.problems).toContain('203.0.113.107 is still not bound on ens18 after ip addr add');
      expect(failed.queueLeftAlone).toMatch(/^queue left alone \(203\.0\.113\.107 not bound\)/);
      expect(bound()).not.toContain('203.0.113.107');
      expect(postfix.calls).toEqual([]);

      // Root re-binds it on the next run, which then flushes the backlog it had left alone.
      const inNamespace = createProcessRunner({ prefix: ['ip', 'netns', 'exec', NS] });
      const root: CommandRunner = {
        run: (command, args) =>
          command === 'postqueue' ? postfix.run(command, args) : inNamespace.run(command, args),
      };
      const repaired = await runWatchdog({ runner: root, pool: POOL, apply: true, mailLog, now });
      expect(repaired.status, repaired.problems.join('; ')).toBe('repaired');
      expect(bound()).toContain('203.0.113.107');
      expect(postfix.calls).toEqual([{ command: 'postqueue', args: ['-f'] }]);
    });

    it('fails, and says why, when the interface is gone', async () => {
      const runner = createProcessRunner({ prefix: ['ip', 'netns', 'exec', NS] });
      const result = await runWatchdog({
        runner,
        pool: [{ address: '203.0.113.80', prefix: 23, interface: 'ens19' }],
        apply: true,
        now: () => new Date(),
      });
      expect(result.status).toBe('failed');
      expect(result.problems[0]).toMatch(/ens19.*does not exist/);
    });
  },
);
