import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMxHosts, mxSuffixOf, operatorOfHost } from './classify-mx-hosts.js';
import { createMxClassifier, type MxRecord } from './create-mx-classifier.js';
import { extendOperatorTable, OPERATOR_SUFFIXES } from './operator-suffixes.js';

describe('classifyMxHosts', () => {
  it.each([
    [['aspmx.l.google.com', 'alt1.aspmx.l.google.com'], 'google'],
    [['smtp.google.com.'], 'google'],
    [['example-com.mail.protection.outlook.com'], 'microsoft'],
    [['hotmail-com.olc.protection.outlook.com'], 'microsoft'],
    [['mta5.am0.yahoodns.net', 'mta6.am0.yahoodns.net'], 'yahoo'],
    [['ff-ip4-mx-vip1.prodigy.net'], 'yahoo'],
    [['mx1.mail.icloud.com'], 'apple'],
    [['mx0a-001.pphosted.com'], 'proofpoint'],
    [['us-smtp-inbound-1.mimecast.com'], 'mimecast'],
    [['mx1.hc123-45.iphmx.com'], 'cisco'],
    [['smtp.secureserver.net', 'mailstore1.secureserver.net'], 'godaddy'],
    [['mx1.comcast.net'], 'comcast'],
    [['mail.smalltrucking.com', 'mail2.smalltrucking.com'], 'mx:smalltrucking.com'],
    [['mx.example.co.uk'], 'mx:example.co.uk'],
    // A vanity domain mixing providers stays unclassified as an operator.
    [['aspmx.l.google.com', 'backup.example.com'], 'mx:mixed'],
    [['aspmx.l.google.com', 'mx0a.pphosted.com'], 'mx:mixed'],
    [[], 'no_mx'],
    // RFC 7505 null MX, as written and as node:dns returns it; beside real hosts it is ignored.
    [['.'], 'null_mx'],
    [[''], 'null_mx'],
    [['', 'aspmx.l.google.com'], 'google'],
  ])('%j → %s', (hosts, expected) => {
    expect(classifyMxHosts(hosts, OPERATOR_SUFFIXES)).toBe(expected);
  });

  it('does not match a suffix that is only a string suffix of another label', () => {
    expect(operatorOfHost('evilgoogle.com')).toBeUndefined();
    expect(operatorOfHost('mx.notyahoodns.net')).toBeUndefined();
  });

  it('lets config add operators and suffixes', () => {
    const table = extendOperatorTable({ cox: ['.cox.net'], google: ['.gmail-smtp-in.l.google.com'] });
    expect(classifyMxHosts(['mx.east.cox.net'], table)).toBe('cox');
    expect(table.google).toContain('.google.com');
  });

  it('names an operator only when every host matches it', () => {
    const operators = Object.keys(OPERATOR_SUFFIXES) as Array<keyof typeof OPERATOR_SUFFIXES>;
    fc.assert(
      fc.property(
        fc.constantFrom(...operators),
        fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 4 }),
        fc.option(fc.stringMatching(/^[a-z]{3,8}$/)),
        (operator, labels, stranger) => {
          const suffix = OPERATOR_SUFFIXES[operator][0] as string;
          const base = suffix.startsWith('.') ? suffix.slice(1) : suffix;
          const hosts = labels.map((l) => `${l}.${base}`);
          expect(classifyMxHosts(hosts)).toBe(operator);
          if (stranger !== null)
            expect(classifyMxHosts([...hosts, `mx.${stranger}-vanity.example`])).toBe('mx:mixed');
        },
      ),
    );
  });

  it.each([
    ['a.b.example.com', 'example.com'],
    ['mx.example.com.au', 'example.com.au'],
    ['example.com', 'example.com'],
  ])('mxSuffixOf(%s) = %s', (host, suffix) => {
    expect(mxSuffixOf(host)).toBe(suffix);
  });
});

const dnsError = (code: string, name: string) => Object.assign(new Error(`query ${code} ${name}`), { code });

describe('createMxClassifier', () => {
  // One zone per DNS outcome: what node:dns answers (records, or the error code it rejects with).
  const ZONE: Record<string, { MX?: unknown[] | string; A?: unknown[] | string; AAAA?: unknown[] | string }> =
    {
      'carrier.example': {
        MX: [
          { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
          { exchange: 'aspmx.l.google.com', priority: 1 },
        ],
      },
      'gone.example': { MX: 'ENOTFOUND' },
      'nullmx.example': { MX: [{ exchange: '', priority: 0 }] },
      'webonly.example': { MX: 'ENODATA', A: ['192.0.2.1'], AAAA: 'ENODATA' },
      'v6only.example': { MX: 'ENODATA', A: 'ENODATA', AAAA: ['2001:db8::1'] },
      'parked.example': { MX: 'ENODATA', A: 'ENODATA', AAAA: 'ENODATA' },
      'flaky.example': { MX: 'ETIMEOUT' },
      'broken.example': { MX: 'ESERVFAIL' },
      'refused.example': { MX: 'EREFUSED' },
      // No MX, and the address look-up fails in a way that may pass: not decided this run.
      'halfway.example': { MX: 'ENODATA', A: 'ETIMEOUT', AAAA: 'ENODATA' },
    };
  const create = (calls: string[] = []) => {
    const answer = (name: string, type: 'MX' | 'A' | 'AAAA') => {
      calls.push(`${type} ${name}`);
      const found = ZONE[name]?.[type] ?? 'ENOTFOUND';
      if (typeof found === 'string') throw dnsError(found, name);
      return found;
    };
    return createMxClassifier({
      resolveMx: async (domain) => answer(domain, 'MX') as MxRecord[],
      resolveAddress: async (domain, type) => answer(domain, type),
    });
  };

  it('looks each domain up once and caches the answer', async () => {
    const calls: string[] = [];
    const classifier = create(calls);
    const [a, b] = await Promise.all([
      classifier.classify('Carrier.example'),
      classifier.classify('carrier.example'),
    ]);
    expect(a).toEqual({
      domain: 'carrier.example',
      operator: 'google',
      hosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'],
    });
    expect(b).toBe(a);
    expect(calls).toEqual(['MX carrier.example']);
    expect(classifier.lookups).toBe(1);
  });

  it.each([
    ['gone.example', 'domain_not_found'],
    ['nullmx.example', 'null_mx'],
    ['webonly.example', 'no_mx'],
    ['v6only.example', 'no_mx'],
    ['parked.example', 'no_mail_host'],
  ])('tells NXDOMAIN, null MX and no MX apart: %s → %s', async (domain, operator) => {
    expect((await create().classify(domain)).operator).toBe(operator);
  });

  it.each([
    ['flaky.example', 'ETIMEOUT', true],
    ['refused.example', 'EREFUSED', true],
    ['broken.example', 'ESERVFAIL', false],
    ['halfway.example', 'ETIMEOUT', true],
  ])('never tags a failure that may pass: %s (%s)', async (domain, code, transport) => {
    expect(await create().classify(domain)).toMatchObject({ operator: undefined, code, transport });
  });
});
