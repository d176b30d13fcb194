import { type DnsResolver, dnsErrorCode, isNoRecord } from './create-dns-resolver.js';
import { classifyDnsblAnswer, type DnsblAnswer, type DnsblZone, dnsblQueryName } from './dnsbl-zones.js';

/** Whether a list can be believed, from its test points. */
export interface DnsblZoneHealth {
  name: string;
  zone: string;
  status: 'ok' | 'lists_everything' | 'lists_nothing' | 'error' | 'unavailable';
  detail: string;
}

/** One key (IP or domain) looked up in one list. */
export interface DnsblLookup {
  name: string;
  zone: string;
  key: string;
  /** `untrusted`: the list failed its test points, so its answer is ignored. */
  status: 'listed' | 'clean' | 'error' | 'unavailable' | 'untrusted';
  codes: string[];
  detail: string;
}

type RawAnswer =
  | { kind: 'none' }
  | { kind: 'answers'; answers: DnsblAnswer[] }
  | { kind: 'failed'; code: string };

async function query(zone: DnsblZone, key: string, resolver: DnsResolver): Promise<RawAnswer> {
  try {
    const addresses = await resolver.resolve4(dnsblQueryName(zone, key));
    if (addresses.length === 0) return { kind: 'none' };
    return { kind: 'answers', answers: addresses.map((a) => classifyDnsblAnswer(zone, a)) };
  } catch (error) {
    if (isNoRecord(error)) return { kind: 'none' };
    return { kind: 'failed', code: dnsErrorCode(error) ?? String(error) };
  }
}

function errorsOf(answers: DnsblAnswer[]): DnsblAnswer[] {
  return answers.filter((a) => a.kind === 'error');
}

function describe(answers: DnsblAnswer[]): string {
  return answers.map((a) => (a.meaning === undefined ? a.code : `${a.code} (${a.meaning})`)).join(', ');
}

/**
 * Checks a list's test points before its answers are trusted: the listed test key must be listed and
 * the unlisted one must not. A list whose domain lapsed once answered "listed" for every IP.
 */
export async function checkDnsblZone(zone: DnsblZone, resolver: DnsResolver): Promise<DnsblZoneHealth> {
  const base = { name: zone.name, zone: zone.zone };
  const [listed, unlisted] = await Promise.all([
    query(zone, zone.testListed, resolver),
    query(zone, zone.testUnlisted, resolver),
  ]);
  for (const answer of [listed, unlisted]) {
    if (answer.kind === 'failed') {
      return { ...base, status: 'unavailable', detail: `${zone.zone} did not answer (${answer.code})` };
    }
    if (answer.kind === 'answers' && errorsOf(answer.answers).length > 0) {
      return {
        ...base,
        status: 'error',
        detail: `${zone.zone} answered an error: ${describe(errorsOf(answer.answers))}`,
      };
    }
  }
  if (unlisted.kind === 'answers') {
    return {
      ...base,
      status: 'lists_everything',
      detail: `${zone.zone} lists its must-not-list test point ${zone.testUnlisted} (${describe(unlisted.answers)}): the list answers "listed" for everything (lapsed domain?); remove it from health.dns.dnsbls`,
    };
  }
  if (listed.kind === 'none') {
    return {
      ...base,
      status: 'lists_nothing',
      detail: `${zone.zone} does not list its test point ${zone.testListed}: the list is dead or blocks this resolver, so "clean" means nothing`,
    };
  }
  return { ...base, status: 'ok', detail: `${zone.zone} answers its test points correctly` };
}

/** Looks a key up in a list whose health is known; an unhealthy list's answer is reported as untrusted. */
export async function lookupDnsbl(
  zone: DnsblZone,
  health: DnsblZoneHealth,
  key: string,
  resolver: DnsResolver,
): Promise<DnsblLookup> {
  const base = { name: zone.name, zone: zone.zone, key };
  if (health.status !== 'ok') return { ...base, status: 'untrusted', codes: [], detail: health.detail };
  const answer = await query(zone, key, resolver);
  if (answer.kind === 'none')
    return { ...base, status: 'clean', codes: [], detail: `${key} is not listed on ${zone.name}` };
  if (answer.kind === 'failed') {
    return {
      ...base,
      status: 'unavailable',
      codes: [],
      detail: `${zone.zone} did not answer for ${key} (${answer.code})`,
    };
  }
  const codes = answer.answers.map((a) => a.code);
  const errors = errorsOf(answer.answers);
  if (errors.length > 0) {
    return {
      ...base,
      status: 'error',
      codes,
      detail: `${zone.zone} answered an error for ${key}: ${describe(errors)}`,
    };
  }
  return {
    ...base,
    status: 'listed',
    codes,
    detail: `${key} is listed on ${zone.name}: ${describe(answer.answers)}`,
  };
}
