import { generateKeyPairSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureDnsServer, type FixtureRecord, startFixtureDnsServer } from '../testing/index.js';
import { checkDkimKey, classifyDkimRecord } from './check-dkim-key.js';
import { checkDmarc } from './check-dmarc.js';
import { checkDns, type DnsTarget } from './check-dns.js';
import { checkDnsblZone, lookupDnsbl } from './check-dnsbl.js';
import { checkFcrdns } from './check-fcrdns.js';
import { checkSpf } from './check-spf.js';
import { createDnsResolver, type DnsResolver } from './create-dns-resolver.js';
import { classifyDnsblAnswer, DEFAULT_DNSBL_ZONES, type DnsblZone } from './dnsbl-zones.js';

function dkimKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

const LAPSED: DnsblZone = {
  name: 'Lapsed RBL',
  zone: 'lapsed.example',
  kind: 'ip',
  errorCodes: {},
  testListed: '127.0.0.2',
  testUnlisted: '127.0.0.1',
};
const ZONES = [...DEFAULT_DNSBL_ZONES, LAPSED];
const zone = (name: string): DnsblZone => ZONES.find((z) => z.name === name)!;

// The incident's layout, on documentation addresses: .71 is the primary (not in SPF, listed on
// SpamCop), .94 and .107 are the warmed sending IPs.
const FIXTURE: FixtureRecord[] = [
  { name: 'news.example.com', type: 'TXT', data: 'v=spf1 ip4:203.0.113.94 ip4:203.0.113.107 -all' },
  { name: 'news.example.com', type: 'TXT', data: 'google-site-verification=abc' },
  { name: 'mail._domainkey.news.example.com', type: 'TXT', data: `v=DKIM1; k=rsa; p=${dkimKey(2048)}` },
  { name: 'short._domainkey.news.example.com', type: 'TXT', data: `v=DKIM1; k=rsa; p=${dkimKey(512)}` },
  { name: 'revoked._domainkey.news.example.com', type: 'TXT', data: 'v=DKIM1; k=rsa; p=' },
  {
    name: '_dmarc.example.com',
    type: 'TXT',
    data: 'v=DMARC1; p=quarantine; sp=reject; rua=mailto:d@example.com',
  },
  // PTR/A: .94 confirmed and equal to its HELO; .107's PTR name points elsewhere; .71 confirmed.
  { name: '94.113.0.203.in-addr.arpa', type: 'PTR', domain: 'out05.example.com' },
  { name: 'out05.example.com', type: 'A', address: '203.0.113.94' },
  { name: '107.113.0.203.in-addr.arpa', type: 'PTR', domain: 'hcout1.example.com' },
  { name: 'hcout1.example.com', type: 'A', address: '203.0.113.99' },
  { name: '71.113.0.203.in-addr.arpa', type: 'PTR', domain: 'host.example.com' },
  { name: 'host.example.com', type: 'A', address: '203.0.113.71' },
  // SPF permerror: two SPF records; and an include chain past the 10-look-up limit.
  { name: 'broken.example.org', type: 'TXT', data: 'v=spf1 ip4:203.0.113.94 -all' },
  { name: 'broken.example.org', type: 'TXT', data: 'v=spf1 ip4:203.0.113.107 -all' },
  { name: 'deep.example.org', type: 'TXT', data: 'v=spf1 include:i1.example.org -all' },
  ...Array.from({ length: 12 }, (_, i) => ({
    name: `i${i + 1}.example.org`,
    type: 'TXT' as const,
    data: `v=spf1 include:i${i + 2}.example.org -all`,
  })),
  // Spamhaus ZEN: correct test points; .94 gets an "over quota" error code, not a listing.
  { name: '2.0.0.127.zen.spamhaus.org', type: 'A', address: '127.0.0.2' },
  { name: '2.0.0.127.zen.spamhaus.org', type: 'A', address: '127.0.0.4' },
  { name: '94.113.0.203.zen.spamhaus.org', type: 'A', address: '127.255.255.255' },
  // Spamhaus DBL: test point, nothing listed.
  { name: 'dbltest.com.dbl.spamhaus.org', type: 'A', address: '127.0.1.2' },
  // Barracuda lists the sending IP .107.
  { name: '2.0.0.127.b.barracudacentral.org', type: 'A', address: '127.0.0.2' },
  { name: '107.113.0.203.b.barracudacentral.org', type: 'A', address: '127.0.0.2' },
  // SpamCop lists the primary.
  { name: '2.0.0.127.bl.spamcop.net', type: 'A', address: '127.0.0.2' },
  { name: '71.113.0.203.bl.spamcop.net', type: 'A', address: '127.0.0.2' },
  // A lapsed list answers "listed" for everything.
  { name: '*.lapsed.example', type: 'A', address: '127.0.0.2' },
];

const TARGETS: DnsTarget[] = [
  { address: '203.0.113.94', role: 'sending', helo: 'out05.example.com', label: 'trucking/out05' },
  { address: '203.0.113.107', role: 'sending', helo: 'hcout1.example.com', label: 'healthcare/hcout1' },
  { address: '203.0.113.71', role: 'primary' },
];

let server: FixtureDnsServer;
let resolver: DnsResolver;
beforeAll(async () => {
  server = await startFixtureDnsServer(FIXTURE);
  resolver = createDnsResolver({ servers: [server.address], port: server.port, timeoutMs: 1000 });
});
afterAll(async () => {
  await server.close();
});

describe('checkSpf against a real DNS server', () => {
  it.each([
    ['203.0.113.94', 'news.example.com', 'pass'],
    ['203.0.113.71', 'news.example.com', 'fail'],
    ['203.0.113.94', 'broken.example.org', 'permerror'],
    ['203.0.113.94', 'deep.example.org', 'permerror'],
    ['203.0.113.94', 'nowhere.example.net', 'none'],
  ])('%s sending for %s is %s', async (ip, domain, result) => {
    const check = await checkSpf({ ip, domain, resolver });
    expect(check.result).toBe(result);
  });

  it('reports the record it evaluated', async () => {
    const check = await checkSpf({ ip: '203.0.113.107', domain: 'news.example.com', resolver });
    expect(check.record).toBe('v=spf1 ip4:203.0.113.94 ip4:203.0.113.107 -all');
  });
});

describe('checkFcrdns', () => {
  it('passes when PTR → A contains the IP and the name equals the HELO', async () => {
    const check = await checkFcrdns({ ip: '203.0.113.94', helo: 'OUT05.example.com.', resolver });
    expect(check).toMatchObject({ status: 'pass', confirmed: ['out05.example.com'] });
  });
  it('flags a PTR whose name does not resolve back to the IP', async () => {
    const check = await checkFcrdns({ ip: '203.0.113.107', helo: 'hcout1.example.com', resolver });
    expect(check.status).toBe('not_confirmed');
    expect(check.detail).toContain('hcout1.example.com does not resolve to 203.0.113.107');
  });
  it('flags a confirmed name that differs from the HELO', async () => {
    const check = await checkFcrdns({ ip: '203.0.113.94', helo: 'out06.example.com', resolver });
    expect(check.status).toBe('helo_mismatch');
  });
  it('flags a missing PTR', async () => {
    expect((await checkFcrdns({ ip: '203.0.113.5', resolver })).status).toBe('no_ptr');
  });
});

describe('DKIM key', () => {
  it.each([
    ['mail', 'pass', 2048],
    ['short', 'weak_key', 512],
    ['revoked', 'revoked', undefined],
    ['absent', 'missing', undefined],
  ])('selector %s is %s', async (selector, status, bits) => {
    const check = await checkDkimKey({ domain: 'news.example.com', selector, resolver });
    expect(check.status).toBe(status);
    expect(check.bits).toBe(bits);
  });
  it('reads a key split into 255-byte character-strings', async () => {
    const [record] = await resolver.resolveTxt('mail._domainkey.news.example.com');
    expect(record!.length).toBeGreaterThan(255);
    expect(record).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
  });
  it('rejects a p= that is not a key', () => {
    expect(classifyDkimRecord('x', 'v=DKIM1; p=bm90IGEga2V5').status).toBe('bad_key');
  });
});

describe('checkDmarc', () => {
  it('falls back to the organisational domain and uses its sp= policy', async () => {
    const check = await checkDmarc({ domain: 'news.example.com', resolver });
    expect(check).toMatchObject({ status: 'pass', fromOrgDomain: true, policy: 'reject' });
  });
  it('reports a domain without any record', async () => {
    expect((await checkDmarc({ domain: 'broken.example.org', resolver })).status).toBe('missing');
  });
});

describe('DNSBL answers and test points', () => {
  it.each([
    ['Spamhaus ZEN', '127.0.0.2', 'listed'],
    ['Spamhaus ZEN', '127.0.0.11', 'listed'],
    ['Spamhaus ZEN', '127.255.255.252', 'error'],
    ['Spamhaus ZEN', '127.255.255.254', 'error'],
    ['Spamhaus ZEN', '127.255.255.255', 'error'],
    ['Spamhaus DBL', '127.0.1.2', 'listed'],
    ['Spamhaus DBL', '127.0.1.255', 'error'],
    ['SpamCop', '198.51.100.1', 'error'],
  ])('%s answer %s is %s', (name, address, kind) => {
    expect(classifyDnsblAnswer(zone(name), address).kind).toBe(kind);
  });

  it('trusts a list that answers its test points, flags a lapsed one that lists everything', async () => {
    expect((await checkDnsblZone(zone('Spamhaus ZEN'), resolver)).status).toBe('ok');
    expect((await checkDnsblZone(zone('Spamhaus DBL'), resolver)).status).toBe('ok');
    const lapsed = await checkDnsblZone(LAPSED, resolver);
    expect(lapsed.status).toBe('lists_everything');
    const lookup = await lookupDnsbl(LAPSED, lapsed, '203.0.113.94', resolver);
    expect(lookup.status).toBe('untrusted');
  });

  it('does not trust a list that does not list its own test point', async () => {
    const dead: DnsblZone = { ...LAPSED, name: 'Dead', zone: 'dead.example' };
    expect((await checkDnsblZone(dead, resolver)).status).toBe('lists_nothing');
  });

  it('reports an error code as an error, not a listing', async () => {
    const zen = zone('Spamhaus ZEN');
    const lookup = await lookupDnsbl(zen, await checkDnsblZone(zen, resolver), '203.0.113.94', resolver);
    expect(lookup).toMatchObject({ status: 'error', codes: ['127.255.255.255'] });
    expect(lookup.detail).toContain('excessive number of queries');
  });
});

describe('checkDns', () => {
  it('reports the incident layout: listings, PTR mismatch, lapsed list; the primary only warns', async () => {
    const report = await checkDns({
      domain: 'news.example.com',
      selector: 'mail',
      targets: TARGETS,
      zones: ZONES,
      resolver,
    });
    expect(report.ok).toBe(false);
    const errors = report.findings
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.check} ${f.subject}`);
    expect(errors.sort()).toEqual([
      'dnsbl 203.0.113.107 (healthcare/hcout1)',
      'fcrdns 203.0.113.107 (healthcare/hcout1)',
    ]);
    const warnings = report.findings
      .filter((f) => f.severity === 'warning')
      .map((f) => `${f.check} ${f.subject}`);
    expect(warnings.sort()).toEqual([
      'dnsbl 203.0.113.71',
      'dnsbl 203.0.113.94 (trucking/out05)',
      'dnsbl_zone lapsed.example',
    ]);
    expect(report.ips.map((i) => i.spf.result)).toEqual(['pass', 'pass', 'fail']);
    expect(report.dkim).toMatchObject({ status: 'pass', bits: 2048 });
    expect(report.domainListings.map((l) => `${l.key} ${l.status}`)).toEqual([
      'news.example.com clean',
      'out05.example.com clean',
      'hcout1.example.com clean',
    ]);
    expect(report.zones.find((z) => z.zone === 'lapsed.example')?.status).toBe('lists_everything');
  });

  it('fails SPF and DKIM for a sending IP under a broken domain and selector', async () => {
    const report = await checkDns({
      domain: 'news.example.com',
      selector: 'short',
      targets: [{ address: '203.0.113.71', role: 'sending' }],
      zones: [],
      resolver,
    });
    expect(report.findings.map((f) => f.check).sort()).toEqual(['dkim', 'spf']);
  });

  it('says DNS is unavailable when the resolver does not answer', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
    const silent = createDnsResolver({
      servers: ['127.0.0.1'],
      port: (socket.address() as AddressInfo).port,
      timeoutMs: 200,
      tries: 1,
    });
    try {
      await expect(
        checkDns({
          domain: 'news.example.com',
          selector: 'mail',
          targets: TARGETS,
          zones: ZONES,
          resolver: silent,
        }),
      ).rejects.toMatchObject({
        code: 'DNS_UNAVAILABLE',
      });
    } finally {
      socket.close();
    }
  });
});
