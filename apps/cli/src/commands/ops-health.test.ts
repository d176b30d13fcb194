import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandCall } from '@mailramp/ops/exec';
import { createRecordingRunner, type FixtureDnsServer, startFixtureDnsServer } from '@mailramp/ops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const INCIDENT = join(
  import.meta.dirname,
  '../../../../packages/ops/src/health/fixtures/incident-2026-06-24',
);
const dkim = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');

let dns: FixtureDnsServer;
beforeAll(async () => {
  dns = await startFixtureDnsServer([
    { name: 'news.example.com', type: 'TXT', data: 'v=spf1 ip4:203.0.113.94 ip4:203.0.113.107 -all' },
    { name: 'mail._domainkey.news.example.com', type: 'TXT', data: `v=DKIM1; k=rsa; p=${dkim}` },
    { name: '_dmarc.news.example.com', type: 'TXT', data: 'v=DMARC1; p=reject' },
    { name: '94.113.0.203.in-addr.arpa', type: 'PTR', domain: 'out05.example.com' },
    { name: 'out05.example.com', type: 'A', address: '203.0.113.94' },
    { name: '107.113.0.203.in-addr.arpa', type: 'PTR', domain: 'hcout1.example.com' },
    { name: 'hcout1.example.com', type: 'A', address: '203.0.113.107' },
    { name: '71.113.0.203.in-addr.arpa', type: 'PTR', domain: 'host.example.com' },
    { name: 'host.example.com', type: 'A', address: '203.0.113.71' },
    { name: '2.0.0.127.zen.spamhaus.org', type: 'A', address: '127.0.0.2' },
    { name: '107.113.0.203.zen.spamhaus.org', type: 'A', address: '127.0.0.3' },
  ]);
});
afterAll(async () => {
  await dns.close();
});

const ZEN = {
  name: 'Spamhaus ZEN',
  zone: 'zen.spamhaus.org',
  kind: 'ip',
  errorCodes: { '127.255.255.254': 'public resolver' },
  testListed: '127.0.0.2',
  testUnlisted: '127.0.0.1',
};

/** A host directory: config, mail log, master.cf and interfaces (the incident's, before or after the fix). */
function host(options: { variant?: 'before' | 'after'; ips?: number[]; dns?: object } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-health-cli-'));
  const variant = options.variant ?? 'after';
  cpSync(join(INCIDENT, variant, 'etc'), join(dir, 'etc'), { recursive: true });
  // The fixture includes /etc/network/interfaces.d/*: point it at the copy, not the machine's own.
  const interfaces = join(dir, 'etc/network/interfaces');
  writeFileSync(interfaces, readFileSync(interfaces, 'utf8').replace('source /etc/network/', 'source '));
  const ip = (n: number, transport: string, helo: string) => ({
    address: `207.174.124.${n}`,
    prefix: 23,
    interface: 'ens18',
    transport,
    helo,
  });
  const config = {
    warmup: {
      primaryIp: '207.174.124.71',
      streams: {
        trucking: {
          ips: [ip(94, 'out05', 'out05.performancewest.net')],
          start: '2026-06-02',
          postfix: { configDir: join(dir, 'etc/postfix') },
        },
        healthcare: {
          ips: [ip(107, 'hcout1', 'hcout1.performancewest.net')],
          start: '2026-06-02',
          postfix: { configDir: join(dir, 'etc/postfix'), service: 'hcrewrite/unix' },
        },
      },
    },
    health: {
      dns: options.dns ?? {},
      mailLog: join(dir, 'mail.log'),
      stateFile: join(dir, 'state/watchdog.json'),
      interfacesFile: interfaces,
    },
  };
  writeFileSync(join(dir, 'mailramp.config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'mail.log'), '');
  return { dir, config: join(dir, 'mailramp.config.json') };
}

/** `ip -j -4 addr show dev ens18` answering with the given last octets bound. */
function hostRunner(bound: number[], options: { addFails?: boolean } = {}) {
  const octets = [...bound];
  return createRecordingRunner((call: CommandCall) => {
    if (call.command === 'ip' && call.args[0] === '-j') {
      const addr_info = octets.map((n) => ({
        family: 'inet',
        local: `207.174.124.${n}`,
        prefixlen: 23,
        label: 'ens18',
      }));
      return { stdout: JSON.stringify([{ ifindex: 2, ifname: 'ens18', addr_info }]) };
    }
    if (call.command === 'ip' && call.args[1] === 'add') {
      if (options.addFails) return { code: 2, stderr: 'RTNETLINK answers: Operation not permitted' };
      octets.push(Number(call.args[2]!.split('/')[0]!.split('.')[3]));
    }
    if (call.command === 'postconf') return { code: 1, stderr: 'postconf: not installed here' };
    return {};
  });
}
const commands = (runner: { calls: CommandCall[] }) =>
  runner.calls.map((c) => [c.command, ...c.args].join(' '));

describe('mailramp ops watchdog', () => {
  it('is silent and exits 0 when healthy (cron mails nothing)', async () => {
    const { config, dir } = host();
    const runner = hostRunner([71, 94, 107]);
    const io = captureIo({ cwd: dir, runner });
    expect(await runCli(['--config', config, 'ops', 'watchdog', '--apply'], io)).toBe(EXIT.OK);
    expect(io.err()).toBe('');
    expect(io.out()).toBe('');
  });

  it('reports without --apply (exit 1), repairs with it (exit 0, says what it did), then is healthy', async () => {
    const { config, dir } = host();
    const runner = hostRunner([71, 94]);
    const dry = captureIo({ cwd: dir, runner });
    expect(await runCli(['--config', config, 'ops', 'watchdog'], dry)).toBe(EXIT.FINDINGS);
    expect(dry.err()).toContain('207.174.124.107/23 was not bound on ens18');
    expect(dry.err()).toContain('run `mailramp ops watchdog --apply` to repair');
    expect(commands(runner)).toEqual(['ip -j -4 addr show dev ens18']);

    const apply = captureIo({ cwd: dir, runner });
    expect(await runCli(['--config', config, 'ops', 'watchdog', '--apply', '--json'], apply)).toBe(EXIT.OK);
    const result = JSON.parse(apply.out());
    expect(result.status).toBe('repaired');
    expect(commands(runner).slice(1)).toEqual([
      'ip -j -4 addr show dev ens18',
      'ip addr add 207.174.124.107/23 dev ens18',
      'ip -j -4 addr show dev ens18',
      `postqueue -c ${join(dir, 'etc/postfix')} -f`,
    ]);
    expect(
      await runCli(['--config', config, 'ops', 'watchdog', '--apply'], captureIo({ cwd: dir, runner })),
    ).toBe(EXIT.OK);
  });

  it('exits 3 and says what to do when the repair fails', async () => {
    const { config, dir } = host();
    const io = captureIo({ cwd: dir, runner: hostRunner([71], { addFails: true }) });
    expect(await runCli(['--config', config, 'ops', 'watchdog', '--apply'], io)).toBe(EXIT.UNAVAILABLE);
    expect(io.err()).toContain('FAILED: ip addr add 207.174.124.94/23 dev ens18');
    expect(io.err()).toContain('repair FAILED');
  });

  it('exits 2 when no sending IP is configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-health-cli-'));
    const io = captureIo({ cwd: dir, runner: hostRunner([]) });
    expect(await runCli(['ops', 'watchdog'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('no sending IPs configured');
  });
});

describe('mailramp ops check-boot', () => {
  it('flags the incident host (exit 1) and passes the fixed one (exit 0)', async () => {
    const before = host({ variant: 'before' });
    const io = captureIo({ cwd: before.dir, runner: hostRunner([]) });
    expect(await runCli(['--config', before.config, 'ops', 'check-boot'], io)).toBe(EXIT.FINDINGS);
    expect(io.err()).toMatch(
      /error \/.*interfaces:16 ens18 207\.174\.124\.94: .*missing after the next reboot/,
    );
    expect(io.err()).toContain('hcout1: no -o smtp_bind_address_enforce=yes');

    const after = host({ variant: 'after' });
    const ok = captureIo({ cwd: after.dir, runner: hostRunner([]) });
    expect(await runCli(['--config', after.config, 'ops', 'check-boot', '--json'], ok)).toBe(EXIT.OK);
    expect(JSON.parse(ok.out()).findings).toEqual([]);
  });

  it('--print-units prints the oneshot and the */5 cron entry running the watchdog', async () => {
    const { config, dir } = host();
    const io = captureIo({ cwd: dir });
    expect(await runCli(['--config', config, 'ops', 'check-boot', '--print-units'], io)).toBe(EXIT.OK);
    const command = `/usr/local/bin/mailramp --config ${config} ops watchdog --apply`;
    expect(io.out()).toContain(`Type=oneshot\nExecStart=${command}\n`);
    expect(io.out()).toContain(`\n*/5 * * * * root ${command}\n`);
  });

  it("the printed unit's success codes are the watchdog's own: a repair succeeds, a failed one fails the unit", async () => {
    const { config, dir } = host();
    const io = captureIo({ cwd: dir });
    expect(await runCli(['--config', config, 'ops', 'check-boot', '--print-units'], io)).toBe(EXIT.OK);
    const service = io.out().split('# /etc/cron.d/')[0]!;
    // systemd counts 0 as success, plus whatever SuccessExitStatus= lists.
    const success = new Set([
      0,
      ...[...service.matchAll(/^SuccessExitStatus=(.*)$/gm)].flatMap((m) => m[1]!.split(/\s+/).map(Number)),
    ]);
    const watchdog = async (runner: ReturnType<typeof hostRunner>) =>
      runCli(['--config', config, 'ops', 'watchdog', '--apply'], captureIo({ cwd: dir, runner }));
    expect(success.has(await watchdog(hostRunner([71, 94, 107])))).toBe(true); // healthy
    expect(success.has(await watchdog(hostRunner([71, 94])))).toBe(true); // repaired
    expect(success.has(await watchdog(hostRunner([71], { addFails: true })))).toBe(false); // failed
    for (const code of [EXIT.FINDINGS, EXIT.USAGE, EXIT.UNAVAILABLE, EXIT.INTERNAL])
      expect(success.has(code)).toBe(false);
    expect(service).toContain('exits 0 healthy or repaired; 2 configuration error, 3 repair failed');
  });

  it('exits 2 when the interfaces file is missing', async () => {
    const { config, dir } = host();
    writeFileSync(
      config,
      JSON.stringify({
        ...JSON.parse(readFileSync(config, 'utf8')),
        health: { interfacesFile: join(dir, 'nope') },
      }),
    );
    const io = captureIo({ cwd: dir, runner: hostRunner([]) });
    expect(await runCli(['--config', config, 'ops', 'check-boot'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('set health.interfacesFile');
  });
});

describe('mailramp ops check-dns', () => {
  const dnsConfig = () => ({
    envelopeDomain: 'news.example.com',
    resolver: { servers: ['127.0.0.1'], port: dns.port, timeoutMs: 500 },
    dnsbls: [ZEN],
  });

  it('reports a listed sending IP and the primary failing SPF as expected (exit 1)', async () => {
    const { config, dir } = host({ dns: dnsConfig() });
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replaceAll('207.174.124.', '203.0.113.')
        .replaceAll('performancewest.net', 'example.com'),
    );
    const io = captureIo({ cwd: dir });
    expect(await runCli(['--config', config, 'ops', 'check-dns', '--json'], io)).toBe(EXIT.FINDINGS);
    const report = JSON.parse(io.out());
    expect(report.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        check: 'dnsbl',
        subject: '203.0.113.107 (healthcare/hcout1)',
      }),
    ]);
    expect(report.ips.map((i: { spf: { result: string } }) => i.spf.result)).toEqual([
      'pass',
      'pass',
      'fail',
    ]);

    const text = captureIo({ cwd: dir });
    expect(await runCli(['--config', config, 'ops', 'check-dns'], text)).toBe(EXIT.FINDINGS);
    expect(text.err()).toContain('dkim: mail._domainkey.news.example.com: RSA 2048 bits');
    expect(text.err()).toContain('dns: 1 problem(s)');
    expect(text.err()).toMatch(
      /203\.0\.113\.94 \(trucking\/out05\) +sending +pass +pass out05\.example\.com +clean on 1 of 1 list/,
    );
    expect(text.err()).toMatch(/203\.0\.113\.107 .* Spamhaus ZEN\n/);
  });

  it('exits 2 without an envelope domain and 3 when the resolver does not answer', async () => {
    const none = host();
    const io = captureIo({ cwd: none.dir });
    expect(await runCli(['--config', none.config, 'ops', 'check-dns'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('set health.dns.envelopeDomain or pass --domain');

    const down = host({
      dns: { ...dnsConfig(), resolver: { servers: ['127.0.0.1'], port: 9, timeoutMs: 200 } },
    });
    const unreachable = captureIo({ cwd: down.dir });
    expect(await runCli(['--config', down.config, 'ops', 'check-dns'], unreachable)).toBe(EXIT.UNAVAILABLE);
    expect(unreachable.err()).toContain('did not answer');
  });
});
