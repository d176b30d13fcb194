import { DOMAIN_FAMILIES, FAMILY_OPERATORS } from './domain-families.js';
import { domainOf, normalizeEmail } from './domain-of.js';

/** How a deployment adjusts the shipped families. */
export interface DomainFamiliesOptions {
  /** Families switched off (their domains become mailable again). */
  disabled?: readonly string[];
  /** Domains added to a shipped family, or new families by a new id. */
  extra?: Readonly<Record<string, readonly string[]>>;
  /** Single addresses never mailed (legal do-not-contact); reported under family `legal_dnc`. */
  legalAddresses?: readonly string[];
  /**
   * Families also apply by MX operator (default true): a domain whose MX is Yahoo's is the yahoo
   * family. False: by recipient domain only.
   */
  byMxOperator?: boolean;
}

/** Why an address is blocked. */
export interface BlockedReason {
  family: string;
  /** The matched domain, or the address for a single-address block. */
  match: string;
}

/** The effective families of a deployment, with exact-domain look-ups. */
export interface DomainFamilies {
  /** Family id → domains, enabled families only. */
  readonly families: Readonly<Record<string, readonly string[]>>;
  /** The enabled family a domain belongs to, if any (exact match, lower-cased). */
  familyOf(domain: string): string | undefined;
  /** The enabled family a receiving operator (mx_provider) belongs to, if any; none when byMxOperator is off. */
  familyOfOperator(operator: string): string | undefined;
  /** Operators whose MX puts a recipient in an enabled family (empty when byMxOperator is off). */
  operators(): string[];
  /** Why an address must not be mailed, or undefined. */
  isBlockedEmail(email: string): BlockedReason | undefined;
  /** Domains of the given (default: all enabled) families, sorted, without duplicates. */
  domains(ids?: readonly string[]): string[];
  /** Single blocked addresses, normalised. */
  readonly blockedAddresses: ReadonlySet<string>;
}

/**
 * Builds the effective domain families from the shipped data and a deployment's adjustments.
 *
 * @example
 * const families = createDomainFamilies({ disabled: ['microsoft_consumer'], extra: { dead_isp: ['oldisp.net'] } });
 * families.isBlockedEmail('Ops@YAHOO.com'); // { family: 'yahoo', match: 'yahoo.com' }
 */
export function createDomainFamilies(options: DomainFamiliesOptions = {}): DomainFamilies {
  const disabled = new Set(options.disabled ?? []);
  const families: Record<string, string[]> = {};
  const add = (id: string, domains: readonly string[]): void => {
    if (disabled.has(id)) return;
    const list = families[id] ?? [];
    families[id] = list;
    for (const d of domains) {
      const domain = d.trim().toLowerCase();
      if (domain !== '' && !list.includes(domain)) list.push(domain);
    }
  };
  for (const [id, domains] of Object.entries(DOMAIN_FAMILIES)) add(id, domains);
  for (const [id, domains] of Object.entries(options.extra ?? {})) add(id, domains);

  // First family wins when a domain is listed twice: shipped order, then config order.
  const byDomain = new Map<string, string>();
  for (const [id, domains] of Object.entries(families)) {
    for (const domain of domains) if (!byDomain.has(domain)) byDomain.set(domain, id);
  }
  const byOperator = new Map<string, string>();
  if (options.byMxOperator !== false) {
    for (const [id, operators] of Object.entries(FAMILY_OPERATORS)) {
      if (families[id] === undefined) continue;
      for (const op of operators) if (!byOperator.has(op)) byOperator.set(op, id);
    }
  }
  const blockedAddresses = new Set(
    disabled.has('legal_dnc') ? [] : (options.legalAddresses ?? []).map(normalizeEmail),
  );

  return {
    families,
    blockedAddresses,
    familyOf: (domain) => byDomain.get(domain.trim().toLowerCase()),
    familyOfOperator: (operator) => byOperator.get(operator),
    operators: () => [...byOperator.keys()].sort(),
    isBlockedEmail(email) {
      const address = normalizeEmail(email);
      if (blockedAddresses.has(address)) return { family: 'legal_dnc', match: address };
      const domain = domainOf(address);
      if (domain === undefined) return undefined;
      const family = byDomain.get(domain);
      return family === undefined ? undefined : { family, match: domain };
    },
    domains(ids) {
      const wanted = ids ?? Object.keys(families);
      const all = new Set<string>();
      for (const id of wanted) for (const domain of families[id] ?? []) all.add(domain);
      return [...all].sort();
    },
  };
}
