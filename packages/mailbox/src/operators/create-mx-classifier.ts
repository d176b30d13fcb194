import { classifyMxHosts } from './classify-mx-hosts.js';
import {
  DOMAIN_NOT_FOUND,
  NO_MAIL_HOST,
  NO_MX,
  OPERATOR_SUFFIXES,
  type OperatorTable,
} from './operator-suffixes.js';

/** One MX record, as node:dns `resolveMx` returns it. */
export interface MxRecord {
  exchange: string;
  priority: number;
}

/** The outcome of classifying one domain. */
export type MxClassification =
  | { domain: string; operator: string; hosts: string[] }
  /**
   * The look-up failed in a way that may pass (timeout, SERVFAIL, refused): leave the row untagged,
   * retry later. `code` is the resolver's (ETIMEOUT, ECONNREFUSED…); `transport` when the resolver
   * itself could not be asked or did not answer, as opposed to answering with a failure.
   */
  | { domain: string; operator: undefined; error: string; code: string | undefined; transport: boolean };

/** Options for {@link createMxClassifier}. */
export interface MxClassifierOptions {
  /** node:dns/promises `resolveMx`, or a resolver bound to a specific server; injected for tests. */
  resolveMx: (domain: string) => Promise<MxRecord[]>;
  /**
   * A or AAAA records of a name (node:dns `resolve(name, type)`), asked only for a domain without MX
   * records: with an address it takes mail there (RFC 5321 §5.1 implicit MX).
   */
  resolveAddress: (domain: string, type: 'A' | 'AAAA') => Promise<unknown[]>;
  table?: OperatorTable;
}

/** Classifies domains by MX with one look-up per distinct domain. */
export interface MxClassifier {
  classify(domain: string): Promise<MxClassification>;
  /** How many DNS queries were made (cache hits excluded; a domain without MX adds its A and AAAA). */
  readonly lookups: number;
}

// The resolver's answer "this name does not exist" (node:dns ENOTFOUND; other resolvers' spellings).
const NXDOMAIN_CODES = new Set(['ENOTFOUND', 'NXDOMAIN', 'NOTFOUND']);
// "The name exists, without a record of that type" (NOERROR with an empty answer).
const NODATA_CODES = new Set(['ENODATA', 'NODATA']);
// The resolver could not be reached or did not answer at all: says nothing about the domain.
const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEOUT',
  'ETIMEDOUT',
  'EREFUSED',
  'ECONNRESET',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function failure(domain: string, error: unknown): MxClassification {
  const code = codeOf(error);
  return {
    domain,
    operator: undefined,
    error: error instanceof Error ? error.message : String(error),
    code,
    transport: code !== undefined && TRANSPORT_CODES.has(code),
  };
}

/**
 * Creates a caching MX classifier. NXDOMAIN is `domain_not_found`, a null MX `null_mx`, no MX
 * records `no_mx` when the domain has an A or AAAA record (implicit MX, mailable) and `no_mail_host`
 * when it has neither; a failure that may pass (timeout, SERVFAIL, refused) is never a tag.
 *
 * @example
 * const classifier = createMxClassifier({
 *   resolveMx: (d) => dns.promises.resolveMx(d),
 *   resolveAddress: (d, type) => dns.promises.resolve(d, type),
 * });
 * (await classifier.classify('example.com')).operator; // 'google'
 */
export function createMxClassifier(options: MxClassifierOptions): MxClassifier {
  const table = options.table ?? OPERATOR_SUFFIXES;
  const cache = new Map<string, Promise<MxClassification>>();
  let lookups = 0;
  // True when the name has an address record, false when it has none; throws what may pass.
  const hasAddress = async (domain: string, type: 'A' | 'AAAA'): Promise<boolean> => {
    lookups += 1;
    try {
      return (await options.resolveAddress(domain, type)).length > 0;
    } catch (error) {
      const code = codeOf(error);
      if (code !== undefined && (NODATA_CODES.has(code) || NXDOMAIN_CODES.has(code))) return false;
      throw error;
    }
  };
  const lookUp = async (domain: string): Promise<MxClassification> => {
    lookups += 1;
    let records: MxRecord[];
    try {
      records = await options.resolveMx(domain);
    } catch (error) {
      const code = codeOf(error);
      if (code !== undefined && NXDOMAIN_CODES.has(code))
        return { domain, operator: DOMAIN_NOT_FOUND, hosts: [] };
      if (code === undefined || !NODATA_CODES.has(code)) return failure(domain, error);
      records = [];
    }
    const sorted = records.slice().sort((a, b) => a.priority - b.priority);
    if (sorted.length > 0) {
      const exchanges = sorted.map((r) => r.exchange);
      const hosts = exchanges.filter((h) => h !== '' && h !== '.');
      return { domain, operator: classifyMxHosts(exchanges, table), hosts };
    }
    // No MX: the domain's own address takes the mail, if it has one (RFC 5321 §5.1).
    const answers = await Promise.allSettled([hasAddress(domain, 'A'), hasAddress(domain, 'AAAA')]);
    if (answers.some((a) => a.status === 'fulfilled' && a.value))
      return { domain, operator: NO_MX, hosts: [] };
    const failed = answers.find((a) => a.status === 'rejected');
    if (failed !== undefined) return failure(domain, failed.reason);
    return { domain, operator: NO_MAIL_HOST, hosts: [] };
  };
  return {
    classify(domain) {
      const key = domain.trim().toLowerCase();
      let pending = cache.get(key);
      if (pending === undefined) {
        pending = lookUp(key);
        cache.set(key, pending);
      }
      return pending;
    },
    get lookups() {
      return lookups;
    },
  };
}
