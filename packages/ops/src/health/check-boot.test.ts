import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddressHooks, parseInterfaces } from './parse-interfaces.js';
import { type MasterCfServiceView, type PoolIp, planBootFindings } from './plan-boot-findings.js';
import { readInterfaces } from './read-interfaces.js';

const INCIDENT = join(import.meta.dirname, 'fixtures/incident-2026-06-24');

// The sending IPs of the runbook's host: .72 spare, .94 trucking/out05, .107 healthcare/hcout1.
const POOL: PoolIp[] = [
  { address: '207.174.124.72', prefix: 23, interface: 'ens18', stream: 'trucking' },
  { address: '207.174.124.94', prefix: 23, interface: 'ens18', transport: 'out05', stream: 'trucking' },
  { address: '207.174.124.107', prefix: 23, interface: 'ens18', transport: 'hcout1', stream: 'healthcare' },
];

// The services of master.cf as parseMasterCf() reports them (only what check-boot reads).
const services = (enforce: boolean): MasterCfServiceView[] => [
  { service: 'smtp', command: 'smtpd', options: {}, line: 4 },
  { service: 'smtp', command: 'smtp', options: {}, line: 8 },
  {
    service: 'out05',
    command: 'smtp',
    options: {
      smtp_bind_address: '207.174.124.94',
      ...(enforce ? { smtp_bind_address_enforce: 'yes' } : {}),
    },
    line: 9,
  },
  {
    service: 'hcout1',
    command: 'smtp',
    options: {
      smtp_bind_address: '207.174.124.107',
      ...(enforce ? { smtp_bind_address_enforce: 'yes' } : {}),
    },
    line: 13,
  },
];

describe('check-boot on the Jun 24 incident host', () => {
  it('flags every ignored secondary address and every transport without bind enforcement', async () => {
    const { files, stanzas } = await readInterfaces(join(INCIDENT, 'before/etc/network/interfaces'), {
      root: join(INCIDENT, 'before'),
    });
    expect(files).toEqual(['/etc/network/interfaces', '/etc/network/interfaces.d/ens19']);
    const findings = planBootFindings({
      stanzas,
      ips: POOL,
      masterCfs: [{ path: '/etc/postfix/master.cf', services: services(false) }],
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
      masterCfs: [{ path: '/etc/postfix/master.cf', services: services(true) }],
    });
    expect(findings).toEqual([]);
  });

  it('accepts enforcement set once in main.cf', () => {
    const findings = planBootFindings({
      stanzas: [],
      ips: [],
      masterCfs: [{ path: 'master.cf', services: services(false), bindEnforceDefault: 'yes' }],
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
          services: [
            {
              service: 'out05',
              command: 'smtp',
              options: { smtp_bind_address: '10.0.0.9', smtp_bind_address_enforce: 'yes' },
              line: 1,
            },
          ],
        },
      ],
    }).filter((f) => f.check === 'master_cf');
    expect(findings.map((f) => f.message)).toEqual([
      'transport out05 binds 10.0.0.9, but the configuration gives it 10.0.0.2',
      'transport out06 (10.0.0.3) is not in master.cf',
    ]);
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
