import { BIG_MX_OPERATORS } from '@mailramp/mailbox';

/** One row of the per-operator cap table: applies up to and including warm-up day `untilDay`. */
export interface OperatorCapRow {
  untilDay: number | null;
  big: number;
  other: number;
}

/** Per-operator daily caps: a table by warm-up day, big operators, fixed caps per operator. */
export interface OperatorCapRules {
  big: readonly string[];
  table: readonly OperatorCapRow[];
  /** Fixed daily cap per operator, winning over the table; 0 = excluded. */
  operators: Readonly<Record<string, number>>;
  /** Cap shared by rows with no operator yet; absent: the table's `other` column. */
  unclassified?: number | undefined;
}

/** The big-MX operators of the original's table (SEED-SYSTEM.md "Receiving operators"). */
export const DEFAULT_BIG_OPERATORS = BIG_MX_OPERATORS;

/** The healthcare builder's table, big operators / everyone else: ≤1 → 25/15, ≤4 → 60/40, ≤9 → 120/80, then 250/150. */
export const DEFAULT_OPERATOR_CAP_TABLE: readonly OperatorCapRow[] = [
  { untilDay: 1, big: 25, other: 15 },
  { untilDay: 4, big: 60, other: 40 },
  { untilDay: 9, big: 120, other: 80 },
  { untilDay: null, big: 250, other: 150 },
];

/** The table row for a warm-up day: the first whose untilDay ≥ day (null = open-ended). */
export function operatorCapRowOf(table: readonly OperatorCapRow[], warmupDay: number): OperatorCapRow {
  const sorted = [...table].sort((a, b) => (a.untilDay ?? Infinity) - (b.untilDay ?? Infinity));
  return (
    sorted.find((row) => row.untilDay === null || warmupDay <= row.untilDay) ?? sorted[sorted.length - 1]!
  );
}

/**
 * The day's cap for each operator. Rows with no operator yet are never excluded (that would starve
 * the pool) but share their own cap.
 *
 * @example
 * const capOf = planOperatorCaps(rules, 3); capOf('google') // 60
 */
export function planOperatorCaps(
  rules: OperatorCapRules,
  warmupDay: number,
): (operator: string | null) => number {
  const row = operatorCapRowOf(rules.table, warmupDay);
  const big = new Set(rules.big);
  return (operator) => {
    if (operator === null) return rules.unclassified ?? row.other;
    const fixed = rules.operators[operator];
    if (fixed !== undefined) return fixed;
    return big.has(operator) ? row.big : row.other;
  };
}

/** Where the held-out operator set comes from. */
export interface HeldOperatorRules {
  /** MAIN_EXCLUDE_OPERATORS / build.excludeOperators: replaces the default set, every day. */
  explicit?: readonly string[] | undefined;
  /** The warm-up exclusion set (big-MX + consumer-MX operators). */
  defaults: readonly string[];
  /** The default set applies before this warm-up day (30). */
  untilDay: number;
}

/**
 * The operators held out today. An explicit list REPLACES the default set (as the runbook's
 * builder does with MAIN_EXCLUDE_OPERATORS=google: Microsoft back in, Google held) and applies on
 * every day; the default set is held until warm-up day `untilDay`.
 */
export function planHeldOperators(rules: HeldOperatorRules, warmupDay: number): Set<string> {
  if (rules.explicit !== undefined) return new Set(rules.explicit);
  return warmupDay < rules.untilDay ? new Set(rules.defaults) : new Set();
}

/**
 * The operators of the warm-up default set that an explicit list lets through while the default
 * would still hold them: setting MAIN_EXCLUDE_OPERATORS=google on warm-up day 3 releases Microsoft,
 * Yahoo and every other big mailbox, which a person setting one name rarely means.
 */
export function planReleasedOperators(rules: HeldOperatorRules, warmupDay: number): string[] {
  if (rules.explicit === undefined || warmupDay >= rules.untilDay) return [];
  const held = new Set(rules.explicit);
  return rules.defaults.filter((id) => !held.has(id)).sort();
}
