import { OpsError } from '../errors.js';
import { checkDkimKey, type DkimKeyCheck } from './check-dkim-key.js';
import { checkDmarc, type DmarcCheck } from './check-dmarc.js';
import { checkDnsblZone, type DnsblLookup, type DnsblZoneHealth, lookupDnsbl } from './check-dnsbl.js';
import { checkFcrdns, type FcrdnsCheck, normalizeName } from './check-fcrdns.js';
import { checkSpf, type SpfCheck } from './check-spf.js';
import { type DnsResolver, dnsErrorCode } from './create-dns-resolver.js';
import type { DnsblZone } from './dnsbl-zones.js';

/** An IP whose DNS standing is checked. */
export interface DnsTarget {
  address: string;
  /** `sending`: a configured sending IP; `primary`: the host's primary IP, which should not pass SPF unless it sends. */
  role: 'sending' | 'primary';
  /** The HELO name its transport announces (FCrDNS must match it). */
  helo?: string;
  /** Where it comes from, for messages: stream / transport. */
  label?: string;
}

/** What {@link checkDns} needs. */
export interface CheckDnsOptions {
  /** Envelope (MAIL FROM) domain: SPF, DKIM and DMARC are checked for it. */
  domain: string;
  /** DKIM selector published under `_domainkey.<domain>`. */
  selector: string;
  targets: readonly DnsTarget[];
  zones: readonly DnsblZone[];
  resolver: DnsResolver;
}

/** One problem found, worst first in the report. */
export interface DnsFinding {
  severity: 'error' | 'warning';
  check: 'spf' | 'fcrdns' | 'dkim' | 'dmarc' | 'dnsbl' | 'dnsbl_zone';
  subject: string;
  message: string;
}

/** Everything check-dns found, per IP and for the domain. */
export interface DnsReport {
  domain: string;
  resolver: string;
  ips: Array<{ target: DnsTarget; spf: SpfCheck; fcrdns: FcrdnsCheck; dnsbl: DnsblLookup[] }>;
  dkim: DkimKeyCheck;
  dmarc: DmarcCheck;
  zones: DnsblZoneHealth[];
  /** Domain lists looked up for the envelope domain and each HELO name. */
  domainListings: DnsblLookup[];
  findings: DnsFinding[];
  /** True when no finding is an error. */
  ok: boolean;
}

const UNREACHABLE = new Set(['ETIMEOUT', 'ECONNREFUSED', 'EREFUSED', 'ECANCELLED', 'ESERVFAIL']);

/**
 * Checks SPF, FCrDNS and DNSBL listings for every target IP, and the DKIM key and DMARC record of the
 * envelope domain; a DNSBL is consulted only after its test points prove it answers sensibly.
 * Throws `DNS_UNAVAILABLE` when the resolver does not answer at all.
 *
 * @example
 * const report = await checkDns({ domain: 'example.com', selector: 'mail', targets, zones: DEFAULT_DNSBL_ZONES, resolver });
 * if (!report.ok) console.error(report.findings);
 */
export async function checkDns(options: CheckDnsOptions): Promise<DnsReport> {
  const { domain, resolver } = options;
  await probe(resolver, domain);
  const zones = await Promise.all(options.zones.map((z) => checkDnsblZone(z, resolver)));
  const ipZones = options.zones
    .map((zone, i) => ({ zone, health: zones[i]! }))
    .filter((z) => z.zone.kind === 'ip');
  const domainZones = options.zones
    .map((zone, i) => ({ zone, health: zones[i]! }))
    .filter((z) => z.zone.kind === 'domain');

  const ips = await Promise.all(
    options.targets.map(async (target) => {
      const helo = target.helo;
      const [spf, fcrdns, dnsbl] = await Promise.all([
        checkSpf({ ip: target.address, domain, resolver, ...(helo === undefined ? {} : { helo }) }),
        checkFcrdns({ ip: target.address, resolver, ...(helo === undefined ? {} : { helo }) }),
        Promise.all(ipZones.map(({ zone, health }) => lookupDnsbl(zone, health, target.address, resolver))),
      ]);
      return { target, spf, fcrdns, dnsbl };
    }),
  );
  const names = [
    ...new Set([
      domain,
      ...options.targets.flatMap((t) => (t.helo === undefined ? [] : [normalizeName(t.helo)])),
    ]),
  ];
  const domainListings = await Promise.all(
    domainZones.flatMap(({ zone, health }) => names.map((name) => lookupDnsbl(zone, health, name, resolver))),
  );
  const [dkim, dmarc] = await Promise.all([
    checkDkimKey({ domain, selector: options.selector, resolver }),
    checkDmarc({ domain, resolver }),
  ]);
  const findings = planDnsFindings({ ips, dkim, dmarc, zones, domainListings });
  return {
    domain,
    resolver: resolver.description,
    ips,
    dkim,
    dmarc,
    zones,
    domainListings,
    findings,
    ok: findings.every((f) => f.severity !== 'error'),
  };
}

async function probe(resolver: DnsResolver, domain: string): Promise<void> {
  try {
    await resolver.resolveTxt(domain);
  } catch (error) {
    const code = dnsErrorCode(error);
    if (code !== undefined && UNREACHABLE.has(code)) {
      throw new OpsError(
        'DNS_UNAVAILABLE',
        `the DNS resolver ${resolver.description} did not answer (${code}); check health.dns.resolver (a local recursive resolver: Spamhaus refuses public ones)`,
        { cause: error },
      );
    }
  }
}

/** Turns check results into findings: what is an error for a sending IP is a warning for the primary. */
export function planDnsFindings(
  report: Pick<DnsReport, 'ips' | 'dkim' | 'dmarc' | 'zones' | 'domainListings'>,
): DnsFinding[] {
  const findings: DnsFinding[] = [];
  for (const { target, spf, fcrdns, dnsbl } of report.ips) {
    const subject = target.label === undefined ? target.address : `${target.address} (${target.label})`;
    if (target.role === 'sending') {
      if (spf.result !== 'pass') {
        findings.push({
          severity: 'error',
          check: 'spf',
          subject,
          message: `SPF ${spf.result} for ${spf.domain}${spf.comment === undefined ? '' : `: ${spf.comment}`}`,
        });
      }
      if (fcrdns.status !== 'pass')
        findings.push({ severity: 'error', check: 'fcrdns', subject, message: fcrdns.detail });
    } else {
      if (spf.result === 'pass') {
        findings.push({
          severity: 'warning',
          check: 'spf',
          subject,
          message: `the primary IP passes SPF for ${spf.domain}; fine only if it is meant to send (mail that falls back to it would not be caught)`,
        });
      }
      if (fcrdns.status !== 'pass')
        findings.push({ severity: 'warning', check: 'fcrdns', subject, message: fcrdns.detail });
    }
    for (const lookup of dnsbl) {
      if (lookup.status === 'listed') {
        findings.push({
          severity: target.role === 'sending' ? 'error' : 'warning',
          check: 'dnsbl',
          subject,
          message: lookup.detail,
        });
      } else if (lookup.status === 'error' || lookup.status === 'unavailable') {
        findings.push({ severity: 'warning', check: 'dnsbl', subject, message: lookup.detail });
      }
    }
  }
  for (const lookup of report.domainListings) {
    if (lookup.status === 'listed')
      findings.push({ severity: 'error', check: 'dnsbl', subject: lookup.key, message: lookup.detail });
    else if (lookup.status === 'error' || lookup.status === 'unavailable') {
      findings.push({ severity: 'warning', check: 'dnsbl', subject: lookup.key, message: lookup.detail });
    }
  }
  for (const zone of report.zones) {
    if (zone.status !== 'ok') {
      findings.push({
        severity: 'warning',
        check: 'dnsbl_zone',
        subject: zone.zone,
        message: `${zone.detail}; its answers are ignored`,
      });
    }
  }
  if (report.dkim.status !== 'pass')
    findings.push({
      severity: 'error',
      check: 'dkim',
      subject: report.dkim.name,
      message: report.dkim.detail,
    });
  if (report.dmarc.status !== 'pass')
    findings.push({
      severity: 'error',
      check: 'dmarc',
      subject: report.dmarc.domain,
      message: report.dmarc.detail,
    });
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
