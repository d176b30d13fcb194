import { MIXED_MX, NO_MX, NULL_MX, OPERATOR_SUFFIXES, type OperatorTable } from './operator-suffixes.js';

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function hostMatches(host: string, suffix: string): boolean {
  if (suffix.startsWith('.')) return host.endsWith(suffix) || host === suffix.slice(1);
  return host === suffix || host.endsWith(`.${suffix}`);
}

/**
 * The operator running a host (an MX host or a Postfix relay host), or undefined.
 * The longest matching suffix wins, so a more specific entry beats a broad one.
 */
export function operatorOfHost(host: string, table: OperatorTable = OPERATOR_SUFFIXES): string | undefined {
  const name = normalizeHost(host);
  let best: { id: string; length: number } | undefined;
  for (const [id, suffixes] of Object.entries(table)) {
    for (const suffix of suffixes) {
      if (hostMatches(name, suffix) && (best === undefined || suffix.length > best.length)) {
        best = { id, length: suffix.length };
      }
    }
  }
  return best?.id;
}

/**
 * The registrable-looking suffix of a host for `mx:<suffix>` labels: the last two labels, or three
 * when the second-level label is a generic one under a country code (`mail.example.co.uk` → `example.co.uk`).
 */
export function mxSuffixOf(host: string): string {
  const labels = normalizeHost(host).split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const tld = labels[labels.length - 1]!;
  const second = labels[labels.length - 2]!;
  const generic = ['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'ne', 'or'];
  const take = tld.length === 2 && generic.includes(second) ? 3 : 2;
  return labels.slice(-take).join('.');
}

/**
 * Classifies a domain by the exchanges of its MX records. A domain belongs to an operator only if
 * EVERY MX host matches that operator; only a null MX (`.`, which resolvers return as `''`) is
 * `null_mx` (RFC 7505: no mail accepted); no records at all is `no_mx` (the caller decides from
 * the address records whether that is mailable); hosts of no known operator sharing one suffix
 * give `mx:<suffix>`; anything else is `mx:mixed`. A `.` beside real hosts is ignored.
 */
export function classifyMxHosts(hosts: readonly string[], table: OperatorTable = OPERATOR_SUFFIXES): string {
  const names = hosts.map(normalizeHost).filter((h) => h !== '');
  if (names.length === 0) return hosts.length === 0 ? NO_MX : NULL_MX;
  const operators = new Set(names.map((h) => operatorOfHost(h, table)));
  if (operators.size === 1) {
    const [only] = operators;
    if (only !== undefined) return only;
  }
  if (operators.has(undefined) && operators.size === 1) {
    const suffixes = new Set(names.map(mxSuffixOf));
    if (suffixes.size === 1) return `mx:${[...suffixes][0]}`;
  }
  return MIXED_MX;
}
