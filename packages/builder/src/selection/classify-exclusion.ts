import { UNDELIVERABLE_MX, type UndeliverableMx } from '@mailramp/mailbox';

/** The fixed exclusion reasons; domain families add `family:<id>` (e.g. `family:yahoo`). */
export const EXCLUSION_REASONS = [
  'invalid_address',
  'suppressed',
  'suppressed_domain',
  'refused_by_listmonk',
  'deactivated',
  'unverified',
  'catch_all',
  'operator_held',
  'operator_cap_zero',
  'already_filed',
  'in_todays_build',
  'shared_address',
  // The recipient domain cannot receive mail (mx_provider tags of @mailramp/mailbox UNDELIVERABLE_MX).
  ...UNDELIVERABLE_MX,
] as const;
export type FixedExclusionReason = (typeof EXCLUSION_REASONS)[number];
/** Why a candidate was not selected: a fixed reason or `family:<id>`. */
export type ExclusionReason = FixedExclusionReason | `family:${string}`;

/** What the exclusion rules look at for one candidate row. */
export interface ExclusionFacts {
  email: string;
  /** Lower-cased part after the last @ (the generated email_domain column). */
  domain: string | null;
  operator: string | null;
  verifyResult: string | null;
  /** The address is in `suppressions`. */
  suppressed: boolean;
  /** The domain is in `suppressed_domains`. */
  domainSuppressed: boolean;
  /**
   * Listmonk refused this very address at an earlier import (its domain blocklist, its e-mail rules,
   * a subscriber blocklisted there): it would be refused again. A corrected address is not.
   */
  refusedByListmonk?: boolean;
  /** Healthcare: NPI deactivated and not reactivated since. */
  deactivated: boolean;
  /** Filing cycles: the carrier said "I already filed" for the current cycle. */
  alreadyFiled: boolean;
  /** Already in a campaign of this build date (an earlier run the same day). */
  inTodaysBuild: boolean;
  /**
   * The address (trimmed, lower-cased) is already in a live campaign of the sending day under another
   * recipient key: FMCSA often lists several USDOT numbers behind one address, and Listmonk keeps one
   * subscriber per address, so a second campaign would mail it twice with the other key's attributes.
   */
  addressInTodaysBuild: boolean;
}

/** The exclusion rules of one build, already resolved for the day's warm-up stage. */
export interface ExclusionRules {
  /** Family id of a recipient domain (exact match), or undefined. Families switched off return undefined. */
  familyOf(domain: string): string | undefined;
  /** Family id of a receiving operator (Yahoo-hosted business domains are the yahoo family), or undefined. */
  familyOfOperator?(operator: string): string | undefined;
  legalAddresses: ReadonlySet<string>;
  /** email_verify_result values that may be mailed. */
  sendable: ReadonlySet<string>;
  /** Catch-all results, and whether they join the sendable set today. */
  catchAllResults: ReadonlySet<string>;
  catchAllIncluded: boolean;
  /** Operators held out today (the warm-up exclusion set or MAIN_EXCLUDE_OPERATORS). */
  heldOperators: ReadonlySet<string>;
  /** Daily cap of an operator today; 0 excludes it. `null` = a row with no operator yet. */
  operatorCapOf(operator: string | null): number;
}

// Deliberately plain: one @, something on both sides, a dot in the domain, no spaces or brackets.
const ADDRESS = /^[^\s@<>(),;:"[\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

const UNDELIVERABLE: ReadonlySet<string> = new Set(UNDELIVERABLE_MX);

/** True when an address is well-formed enough to hand to Listmonk. */
export function isValidAddress(email: string): boolean {
  return email.length <= 254 && ADDRESS.test(email);
}

/**
 * The first reason a candidate may not be mailed today, or undefined when it may. Filters on the
 * verification vocabulary only: a filter on an old boolean once let 438k mx_unreachable rows through.
 */
export function classifyExclusion(row: ExclusionFacts, rules: ExclusionRules): ExclusionReason | undefined {
  if (!isValidAddress(row.email)) return 'invalid_address';
  if (UNDELIVERABLE.has(row.operator ?? '')) return row.operator as UndeliverableMx;
  const email = row.email.toLowerCase();
  const domain = row.domain ?? email.slice(email.lastIndexOf('@') + 1);
  if (rules.legalAddresses.has(email)) return 'family:legal_dnc';
  const family =
    rules.familyOf(domain) ?? (row.operator === null ? undefined : rules.familyOfOperator?.(row.operator));
  if (family !== undefined) return `family:${family}`;
  if (row.suppressed) return 'suppressed';
  if (row.domainSuppressed) return 'suppressed_domain';
  if (row.refusedByListmonk) return 'refused_by_listmonk';
  if (row.deactivated) return 'deactivated';
  const result = row.verifyResult ?? '';
  if (!rules.sendable.has(result)) {
    if (!(rules.catchAllResults.has(result) && rules.catchAllIncluded)) {
      return rules.catchAllResults.has(result) ? 'catch_all' : 'unverified';
    }
  }
  if (row.operator !== null && rules.heldOperators.has(row.operator)) return 'operator_held';
  if (rules.operatorCapOf(row.operator) <= 0) return 'operator_cap_zero';
  if (row.alreadyFiled) return 'already_filed';
  if (row.inTodaysBuild) return 'in_todays_build';
  if (row.addressInTodaysBuild) return 'shared_address';
  return undefined;
}
