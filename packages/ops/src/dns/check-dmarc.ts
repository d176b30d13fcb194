import { createRequire } from 'node:module';
import { type DnsResolver, dnsErrorCode, isNoRecord } from './create-dns-resolver.js';

// mailauth's own DMARC record look-up: exact domain, then the organisational domain from the public
// suffix list (tldts). It has no typings of its own.
const getDmarcRecord = createRequire(import.meta.url)('mailauth/lib/dmarc/get-dmarc-record.js') as (
  domain: string,
  resolver: (name: string, type: string) => Promise<unknown>,
) => Promise<false | { rr: string; p?: string; sp?: string; isOrgRecord: boolean }>;

/** The DMARC policy that covers a domain. */
export interface DmarcCheck {
  domain: string;
  status: 'pass' | 'missing' | 'multiple' | 'error';
  detail: string;
  record?: string;
  policy?: string;
  /** True when the record came from the organisational domain, not the domain itself. */
  fromOrgDomain?: boolean;
}

/** Finds the one `v=DMARC1` record at `_dmarc.<domain>`, falling back to the organisational domain. */
export async function checkDmarc(input: { domain: string; resolver: DnsResolver }): Promise<DmarcCheck> {
  const { domain, resolver } = input;
  try {
    const found = await getDmarcRecord(domain, (name, type) => resolver.resolve(name, type as 'TXT'));
    if (found !== false) {
      const policy = found.isOrgRecord ? (found.sp ?? found.p) : found.p;
      return {
        domain,
        status: 'pass',
        record: found.rr,
        ...(policy === undefined ? {} : { policy }),
        fromOrgDomain: found.isOrgRecord,
        detail: `${found.isOrgRecord ? 'organisational domain ' : ''}_dmarc record: ${found.rr}`,
      };
    }
  } catch (error) {
    return {
      domain,
      status: 'error',
      detail: `DMARC look-up for ${domain} failed: ${dnsErrorCode(error) ?? String(error)}`,
    };
  }
  // No usable record: tell "none" from "several" (RFC 7489 discards every record when there are two).
  const own = await resolver.resolveTxt(`_dmarc.${domain}`).catch((error: unknown) => {
    if (isNoRecord(error)) return [];
    throw error;
  });
  const count = own.filter((r) => /^v=DMARC1\b/i.test(r.trim())).length;
  if (count > 1) {
    return {
      domain,
      status: 'multiple',
      detail: `_dmarc.${domain} has ${count} v=DMARC1 records; receivers ignore them all`,
    };
  }
  return {
    domain,
    status: 'missing',
    detail: `no v=DMARC1 record at _dmarc.${domain} or its organisational domain`,
  };
}
