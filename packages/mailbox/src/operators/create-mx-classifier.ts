import { classifyMxHosts } from './classify-mx-hosts.js';
import { NO_MX, OPERATOR_SUFFIXES, type OperatorTable } from './operator-suffixes.js';

/** One MX record, as node:dns `resolveMx` returns it. */
export interface MxRecord {
  exchange: string;
  priority: number;
}

/** The outcome of classifying one domain. */
export type MxClassification =
  | { domain: string; operator: string; hosts: string[] }
  /** The look-up failed in a way that may pass (timeout, SERVFAIL): leave the row untagged, retry later. */
  | { domain: string; operator: undefined; error: string };

/** Options for {@link createMxClassifier}. */
export interface MxClassifierOptions {
  /** node:dns/promises `resolveMx`, or a resolver bound to a specific server; injected for tests. */
  resolveMx: (domain: string) => Promise<MxRecord[]>;
  table?: OperatorTable;
}

/** Classifies domains by MX with one look-up per distinct domain. */
export interface MxClassifier {
  classify(domain: string): Promise<MxClassification>;
  /** How many DNS look-ups were made (cache hits excluded). */
  readonly lookups: number;
}

// Answers that mean "this domain has no mail exchanger", as opposed to a passing failure.
const NO_MX_CODES = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'NOTFOUND']);

/**
 * Creates a caching MX classifier.
 *
 * @example
 * const classifier = createMxClassifier({ resolveMx: (d) => dns.promises.resolveMx(d) });
 * (await classifier.classify('example.com')).operator; // 'google'
 */
export function createMxClassifier(options: MxClassifierOptions): MxClassifier {
  const table = options.table ?? OPERATOR_SUFFIXES;
  const cache = new Map<string, Promise<MxClassification>>();
  let lookups = 0;
  const lookUp = async (domain: string): Promise<MxClassification> => {
    lookups += 1;
    try {
      const records = await options.resolveMx(domain);
      const hosts = records
        .slice()
        .sort((a, b) => a.priority - b.priority)
        .map((r) => r.exchange)
        .filter((h) => h !== '' && h !== '.');
      return { domain, operator: classifyMxHosts(hosts, table), hosts };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && NO_MX_CODES.has(code)) return { domain, operator: NO_MX, hosts: [] };
      return { domain, operator: undefined, error: error instanceof Error ? error.message : String(error) };
    }
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
