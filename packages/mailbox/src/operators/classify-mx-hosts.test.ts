import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyMxHosts, mxSuffixOf, operatorOfHost } from './classify-mx-hosts.js';
import { createMxClassifier } from './create-mx-classifier.js';
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
    [['.'], 'no_mx'],
  ])('%j → %s', (hosts, expected) => {
    expect(
      classifyMxHosts(
        hosts.filter((h) => h !== '.'),
        OPERATOR_SUFFIXES,
      ),
    ).toBe(expected);
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

describe('createMxClassifier', () => {
  it('looks each domain up once, maps NXDOMAIN/ENODATA to no_mx and leaves passing failures untagged', async () => {
    const calls: string[] = [];
    const classifier = createMxClassifier({
      resolveMx: async (domain) => {
        calls.push(domain);
        if (domain === 'gone.example')
          throw Object.assign(new Error('queryMx ENOTFOUND gone.example'), { code: 'ENOTFOUND' });
        if (domain === 'flaky.example')
          throw Object.assign(new Error('queryMx ETIMEOUT flaky.example'), { code: 'ETIMEOUT' });
        return [
          { exchange: 'alt1.aspmx.l.google.com', priority: 5 },
          { exchange: 'aspmx.l.google.com', priority: 1 },
        ];
      },
    });
    const [a, b, c] = await Promise.all([
      classifier.classify('Carrier.example'),
      classifier.classify('carrier.example'),
      classifier.classify('gone.example'),
    ]);
    expect(a).toEqual({
      domain: 'carrier.example',
      operator: 'google',
      hosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'],
    });
    expect(b).toBe(a);
    expect(c).toEqual({ domain: 'gone.example', operator: 'no_mx', hosts: [] });
    const flaky = await classifier.classify('flaky.example');
    expect(flaky.operator).toBeUndefined();
    expect(calls).toEqual(['carrier.example', 'gone.example', 'flaky.example']);
    expect(classifier.lookups).toBe(3);
  });
});
