/** A DNS blocklist to query. */
export interface DnsblZone {
  /** Display name, e.g. "Spamhaus ZEN". */
  name: string;
  /** The zone queried under, e.g. zen.spamhaus.org. */
  zone: string;
  /** `ip`: reversed IPv4 octets are queried; `domain`: domain names are. */
  kind: 'ip' | 'domain';
  /** Answers that report a query error, not a listing (typo, public resolver, over quota). */
  errorCodes: Readonly<Record<string, string>>;
  /** What listing answers mean, for messages. */
  listingCodes?: Readonly<Record<string, string>>;
  /** A key the list must report as listed (RFC 5782 §5): 127.0.0.2 for IP lists, `test` for domain lists. */
  testListed: string;
  /** A key the list must not report (RFC 5782 §5): 127.0.0.1 for IP lists, `invalid` for domain lists. */
  testUnlisted: string;
}

const SPAMHAUS_ERRORS = {
  '127.255.255.252': 'typing error in the DNSBL name',
  '127.255.255.254': 'query through a public/open resolver; use a local recursive resolver',
  '127.255.255.255': 'excessive number of queries; use a local resolver or a Data Query Service key',
} as const;

/** The lists the runbook checks (Spamhaus ZEN and DBL, Barracuda, SpamCop), with their answer codes. */
export const DEFAULT_DNSBL_ZONES: readonly DnsblZone[] = [
  {
    name: 'Spamhaus ZEN',
    zone: 'zen.spamhaus.org',
    kind: 'ip',
    errorCodes: SPAMHAUS_ERRORS,
    listingCodes: {
      '127.0.0.2': 'SBL',
      '127.0.0.3': 'SBL CSS',
      '127.0.0.4': 'XBL',
      '127.0.0.9': 'SBL DROP',
      '127.0.0.10': 'PBL (ISP)',
      '127.0.0.11': 'PBL (Spamhaus)',
    },
    testListed: '127.0.0.2',
    testUnlisted: '127.0.0.1',
  },
  {
    name: 'Spamhaus DBL',
    zone: 'dbl.spamhaus.org',
    kind: 'domain',
    errorCodes: { ...SPAMHAUS_ERRORS, '127.0.1.255': 'IP queries prohibited (DBL takes domain names)' },
    listingCodes: {
      '127.0.1.2': 'spam domain',
      '127.0.1.4': 'phish domain',
      '127.0.1.5': 'malware domain',
      '127.0.1.6': 'botnet C&C domain',
      '127.0.1.102': 'abused legit spam',
      '127.0.1.103': 'abused spammed redirector',
      '127.0.1.104': 'abused legit phish',
      '127.0.1.105': 'abused legit malware',
      '127.0.1.106': 'abused legit botnet C&C',
    },
    testListed: 'dbltest.com',
    testUnlisted: 'invalid',
  },
  {
    name: 'Barracuda',
    zone: 'b.barracudacentral.org',
    kind: 'ip',
    errorCodes: {},
    testListed: '127.0.0.2',
    testUnlisted: '127.0.0.1',
  },
  {
    name: 'SpamCop',
    zone: 'bl.spamcop.net',
    kind: 'ip',
    errorCodes: {},
    testListed: '127.0.0.2',
    testUnlisted: '127.0.0.1',
  },
];

/** What one A answer from a DNSBL means. */
export type DnsblAnswer =
  | { kind: 'listed'; code: string; meaning?: string }
  | { kind: 'error'; code: string; meaning: string };

/**
 * Classifies a DNSBL answer address. Only 127.0.0.0/8 answers are listings; the zone's error codes
 * and anything in 127.255.255.0/24 are query errors; an answer outside 127/8 means the resolver
 * rewrote NXDOMAIN (an ISP "search" page) and nothing it says can be trusted.
 */
export function classifyDnsblAnswer(zone: DnsblZone, address: string): DnsblAnswer {
  const error = zone.errorCodes[address];
  if (error !== undefined) return { kind: 'error', code: address, meaning: error };
  if (address.startsWith('127.255.255.'))
    return { kind: 'error', code: address, meaning: 'query error reported by the list' };
  if (!address.startsWith('127.')) {
    return {
      kind: 'error',
      code: address,
      meaning: 'not a DNSBL answer: the resolver rewrites NXDOMAIN; use a plain recursive resolver',
    };
  }
  const meaning = zone.listingCodes?.[address];
  return { kind: 'listed', code: address, ...(meaning === undefined ? {} : { meaning }) };
}

/** The DNS name to query for a key (an IPv4 address or a domain) in a zone. */
export function dnsblQueryName(zone: DnsblZone, key: string): string {
  if (zone.kind === 'ip') return `${key.split('.').reverse().join('.')}.${zone.zone}`;
  return `${key.replace(/\.$/, '')}.${zone.zone}`;
}
