import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMasterCf } from '../postfix/parse-master-cf.js';
import { parseAddressHooks, parseInterfaces } from './parse-interfaces.js';
import { type PoolIp, planBootFindings } from './plan-boot-findings.js';
import { readInterfaces } from './read-interfaces.js';

const INCIDENT = join(import.meta.dirname, 'fixtures/incident-2026-06-24');

// The sending IPs of the runbook's host: .72 spare, .94 trucking/out05, .107 healthcare/hcout1.
const POOL: PoolIp[] = [
  { address: '207.174.124.72', prefix: 23, interface: 'ens18', stream: 'trucking' },
  {
    address: '207.174.124.94',
    prefix: 23,
    interface: 'ens18',
    transport: 'out05',
    helo: 'out05.performancewest.net',
    stream: 'trucking',
  },
  {
    address: '207.174.124.107',
    prefix: 23,
    interface: 'ens18',
    transport: 'hcout1',
    helo: 'hcout1.performancewest.net',
    stream: 'healthcare',
  },
];

const masterCf = (variant: 'before' | 'after') => ({
  path: '/etc/postfix/master.cf',
  services: parseMasterCf(readFileSync(join(INCIDENT, variant, 'etc/postfix/master.cf'), 'utf8')).services,
});

describe('check-boot on the Jun 24 incident host', () => {
  it('flags every ignored secondary address and every transport without bind enforcement', async () => {
    const { files, stanzas } = await readInterfaces(join(INCIDENT, 'before/etc/network/interfaces'), {
      root: join(INCIDENT, 'before'),
    });
    expect(files).toEqual(['/etc/network/interfaces', '/etc/network/interfaces.d/ens19']);
    const findings = planBootFindings({
      stanzas,
      ips: POOL,
      masterCfs: [masterCf('before')],
    });
    expect(
      findings.map((f) => `${f.severity} ${f.check} ${f.subject} ${f.file ?? ''}:${f.line ?? ''}`),
    ).toEqual([
      'error interfaces ens18 207.174.124.72 /etc/network/interfaces:15',
      'error interfaces ens18 207.174.124.94 /etc/network/interfaces:16',
      'error interfaces ens18 207.174.124.107 /etc/network/interfaces:17',
      'error master_cf out05 /etc/postfix/master.cf:9',
      'error master_cf hcout1 /etc/postfix/master.cf:13',
    ]);
    expect(findings[1]!.message).toContain('it will be missing after the next reboot');
  });

  it('passes the fixed host: hooks for every secondary, enforcement on every pool transport', async () => {
    const { stanzas } = await readInterfaces(join(INCIDENT, 'after/etc/network/interfaces'), {
      root: join(INCIDENT, 'after'),
    });
    const findings = planBootFindings({
      stanzas,
      ips: POOL,
      masterCfs: [masterCf('after')],
    });
    expect(findings).toEqual([]);
  });

  it('accepts enforcement set once in main.cf', () => {
    const findings = planBootFindings({
      stanzas: [],
      ips: [],
      masterCfs: [{ ...masterCf('before'), bindEnforceDefault: 'yes' }],
    });
    expect(findings).toEqual([]);
  });
});

describe('planBootFindings', () => {
  const parse = (text: string) => parseInterfaces(text, 'interfaces').stanzas;

  it('warns when an up hook has no down hook (the next ifup fails on "File exists")', () => {
    const stanzas = parse(
      'iface ens18 inet static\n address 10.0.0.1/24\n address 10.0.0.2/24\n up ip addr add 10.0.0.2/24 dev ens18\n',
    );
    const findings = planBootFindings({ stanzas, ips: [], masterCfs: [] });
    expect(findings).toMatchObject([{ severity: 'warning', subject: 'ens18 10.0.0.2' }]);
  });

  it('flags a configured IP nothing brings up, and one on an interface without a stanza', () => {
    const stanzas = parse('iface ens18 inet static\n address 10.0.0.1/24\n');
    const findings = planBootFindings({
      stanzas,
      ips: [
        { address: '10.0.0.1', prefix: 24, interface: 'ens18' },
        { address: '10.0.0.5', prefix: 24, interface: 'ens18' },
        { address: '10.0.1.5', prefix: 24, interface: 'ens19' },
      ],
      masterCfs: [],
    });
    expect(findings.map((f) => f.subject)).toEqual(['ens18 10.0.0.5', 'ens19 10.0.1.5']);
  });

  it('accepts separate stanzas for the same interface (each applies its first address)', () => {
    const stanzas = parse(
      'iface ens18 inet static\n address 10.0.0.1/24\n\niface ens18 inet static\n address 10.0.0.2/24\n',
    );
    const findings = planBootFindings({
      stanzas,
      ips: [{ address: '10.0.0.2', prefix: 24, interface: 'ens18' }],
      masterCfs: [],
    });
    expect(findings).toEqual([]);
  });

  it('flags a transport that is missing or binds another address', () => {
    const findings = planBootFindings({
      stanzas: [],
      ips: [
        { address: '10.0.0.2', prefix: 24, interface: 'ens18', transport: 'out05' },
        { address: '10.0.0.3', prefix: 24, interface: 'ens18', transport: 'out06' },
      ].map((ip) => ({ ...ip })),
      masterCfs: [
        {
          path: 'master.cf',
          services: parseMasterCf(
            'out05 unix - - n - - smtp -o smtp_bind_address=10.0.0.9 -o smtp_bind_address_enforce=yes -o syslog_name=postfix/out05\n',
          ).services,
        },
      ],
    }).filter((f) => f.check === 'master_cf');
    expect(findings.map((f) => `${f.severity} ${f.subject}`)).toEqual(['error out05', 'error out06']);
    expect(findings[0]!.message).toContain('binds 10.0.0.9 but the config says 10.0.0.2');
  });

  it('holds an smtp service that binds an address outside the configuration to the same rule', () => {
    const { services } = parseMasterCf('spare unix - - n - - smtp -o smtp_bind_address=10.0.0.7\n');
    const findings = planBootFindings({ stanzas: [], ips: [], masterCfs: [{ path: 'master.cf', services }] });
    expect(findings).toMatchObject([{ severity: 'error', subject: 'spare', line: 1 }]);
  });
});

describe('parseAddressHooks', () => {
  it.each([
    [
      'ip addr add 10.0.0.2/24 dev ens18',
      { action: 'add', address: '10.0.0.2', prefix: 24, device: 'ens18' },
    ],
    [
      '/sbin/ip -4 address del 10.0.0.2/24 dev ens18 || true',
      { action: 'del', address: '10.0.0.2', prefix: 24, device: 'ens18' },
    ],
    ['ip a add 10.0.0.2 dev ens18 label ens18:1', { action: 'add', address: '10.0.0.2', device: 'ens18' }],
    ['ip route add 10.0.0.0/24 via 10.0.0.1', undefined],
    ['ip link set ens18 up', undefined],
  ])('%s', (command, expected) => {
    expect(parseAddressHooks(command)[0]).toEqual(expected);
  });
});

describe('readInterfaces', () => {
  it('follows source globs and source-directory (run-parts names only), and says when the file is missing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mailramp-ifaces-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('etc/network/interfaces', 'source-directory /etc/network/extra\nsource interfaces.d/*.cfg\n');
    write('etc/network/extra/a', 'iface a inet static\n address 10.0.0.1/24\n');
    write('etc/network/extra/b.bak', 'iface b inet static\n address 10.0.0.2/24\n');
    write('etc/network/interfaces.d/c.cfg', 'iface c inet static\n address 10.0.0.3/24\n');
    const { stanzas } = await readInterfaces(join(root, 'etc/network/interfaces'), { root });
    expect(stanzas.map((s) => s.name)).toEqual(['a', 'c']);
    await expect(readInterfaces(join(root, 'nope'), { root })).rejects.toMatchObject({
      code: 'INPUT_UNREADABLE',
    });
  });
});
