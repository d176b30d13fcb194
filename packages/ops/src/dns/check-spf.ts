import { spf } from 'mailauth/lib/spf/index.js';
import type { DnsRecordType, DnsResolver } from './create-dns-resolver.js';

/** RFC 7208 results. */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

/** The SPF verdict for one IP sending as the envelope domain. */
export interface SpfCheck {
  ip: string;
  domain: string;
  result: SpfResult;
  /** The SPF record evaluated, when one was found. */
  record?: string;
  /** The evaluator's explanation (limits hit, syntax errors). */
  comment?: string;
  /** DNS look-ups the evaluation used (the RFC's limit is 10). */
  lookups?: number;
}

/**
 * Evaluates RFC 7208 `check_host(ip, domain, sender)` through the given resolver (mailauth does the
 * evaluation: include/redirect/macros, the 10-look-up and 2-void-look-up limits).
 */
export async function checkSpf(input: {
  ip: string;
  domain: string;
  helo?: string;
  resolver: DnsResolver;
}): Promise<SpfCheck> {
  const answer = await spf({
    ip: input.ip,
    sender: `postmaster@${input.domain}`,
    ...(input.helo === undefined ? {} : { helo: input.helo }),
    mta: 'mailramp',
    resolver: (name, type) => input.resolver.resolve(name, type as DnsRecordType) as Promise<string[][]>,
  });
  const status = answer.status;
  const lookups = (answer as { lookups?: { count?: number } }).lookups?.count;
  return {
    ip: input.ip,
    domain: input.domain,
    result: status.result as SpfResult,
    ...(answer.rr === undefined ? {} : { record: answer.rr }),
    ...(status.comment === undefined ? {} : { comment: status.comment }),
    ...(lookups === undefined ? {} : { lookups }),
  };
}
