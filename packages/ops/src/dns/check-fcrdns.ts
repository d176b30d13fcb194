import { type DnsResolver, dnsErrorCode, isNoRecord } from './create-dns-resolver.js';

/** Forward-confirmed reverse DNS of one IP, and whether it matches the HELO name. */
export interface FcrdnsCheck {
  ip: string;
  /** PTR names of the IP. */
  ptr: string[];
  /** PTR names whose A records contain the IP. */
  confirmed: string[];
  /** The HELO name the IP's transport announces, when known. */
  helo?: string;
  status: 'pass' | 'no_ptr' | 'not_confirmed' | 'helo_mismatch' | 'error';
  detail: string;
}

/**
 * FCrDNS: PTR(ip) → names; a name passes when its A records contain the ip; the check passes when a
 * confirmed name equals the HELO name (receivers compare them, and Gmail/Microsoft defer on mismatch).
 */
export async function checkFcrdns(input: {
  ip: string;
  helo?: string;
  resolver: DnsResolver;
}): Promise<FcrdnsCheck> {
  const { ip, resolver } = input;
  const helo = input.helo === undefined ? undefined : normalizeName(input.helo);
  const base = { ip, ...(helo === undefined ? {} : { helo }) };
  let ptr: string[];
  try {
    ptr = (await resolver.reverse(ip)).map(normalizeName);
  } catch (error) {
    if (isNoRecord(error)) {
      return { ...base, ptr: [], confirmed: [], status: 'no_ptr', detail: `${ip} has no PTR record` };
    }
    return {
      ...base,
      ptr: [],
      confirmed: [],
      status: 'error',
      detail: `PTR look-up for ${ip} failed: ${dnsErrorCode(error) ?? String(error)}`,
    };
  }
  const confirmed: string[] = [];
  const problems: string[] = [];
  for (const name of ptr) {
    try {
      if ((await resolver.resolve4(name)).includes(ip)) confirmed.push(name);
      else problems.push(`${name} does not resolve to ${ip}`);
    } catch (error) {
      problems.push(
        isNoRecord(error)
          ? `${name} has no A record`
          : `A look-up for ${name} failed: ${dnsErrorCode(error)}`,
      );
    }
  }
  if (ptr.length === 0) {
    return { ...base, ptr, confirmed, status: 'no_ptr', detail: `${ip} has no PTR record` };
  }
  if (confirmed.length === 0) {
    return {
      ...base,
      ptr,
      confirmed,
      status: 'not_confirmed',
      detail: `PTR ${ptr.join(', ')}: ${problems.join('; ')}`,
    };
  }
  if (helo !== undefined && !confirmed.includes(helo)) {
    return {
      ...base,
      ptr,
      confirmed,
      status: 'helo_mismatch',
      detail: `PTR ${confirmed.join(', ')} is forward-confirmed but the transport's HELO is ${helo}; make them equal`,
    };
  }
  return { ...base, ptr, confirmed, status: 'pass', detail: `${ip} ↔ ${confirmed.join(', ')}` };
}

/** Lower-case, no trailing dot: how names compare. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
