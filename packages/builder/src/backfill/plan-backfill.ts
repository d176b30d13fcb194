import type { BackfillFilter } from './backfill-request.js';

/** Shown for rows with no operator or no verification result yet. */
export const NONE = '(none)';

/** One group of candidate rows by operator and verification result. */
export interface CandidateGroup {
  operator: string | null;
  verify: string | null;
  count: number;
  /** How many of them have a scheduled ledger row that will be marked 'reset'. */
  ledger: number;
}

/** One candidate shown as a sample: ids and domains only, never an address. */
export interface BackfillSample {
  key: string;
  emailDomain: string | null;
  operator: string | null;
  verify: string | null;
  listmonkSentAt: Date;
  segment: string | null;
}

/** What a backfill would reset: counts by operator and verification result, samples, warnings. */
export interface BackfillPlan {
  filter: BackfillFilter;
  total: number;
  ledgerRows: number;
  byOperator: Array<{ operator: string; count: number }>;
  byVerify: Array<{ verify: string; count: number }>;
  groups: Array<{ operator: string; verify: string; count: number }>;
  samples: BackfillSample[];
  /**
   * Rows whose campaign Listmonk has not sent yet (scheduled, send_at ahead): `apply` refuses them
   * unless `includePending` takes them off those campaigns' lists first.
   */
  pending: PendingCount;
  warnings: string[];
}

/** The window's rows in campaigns not sent yet: how many, in how many campaigns, the first send_at. */
export interface PendingCount {
  rows: number;
  campaigns: number;
  firstSendAt: Date | null;
}

/** Input of {@link planBackfill}: what the database counted. */
export interface PlanBackfillInput {
  filter: BackfillFilter;
  groups: CandidateGroup[];
  samples: BackfillSample[];
  /** Every operator present in the sent window (before the operator filter), with its row count. */
  windowOperators: Array<{ operator: string | null; count: number }>;
  /** Every verification result present in the sent window, with its row count. */
  windowVerify: Array<{ verify: string | null; count: number }>;
  /** Candidates whose stamping campaign has not sent yet (default none). */
  pending?: PendingCount;
}

/**
 * Summarises candidate groups into a plan and warns about filters that cannot be what the user
 * meant (an operator named in the filter that matches no row in the window is usually a typo, and
 * a typo in --exclude-operators silently re-sends to the operator it meant to hold out).
 */
export function planBackfill(input: PlanBackfillInput): BackfillPlan {
  const byOperator = new Map<string, number>();
  const byVerify = new Map<string, number>();
  let total = 0;
  let ledgerRows = 0;
  for (const g of input.groups) {
    total += g.count;
    ledgerRows += g.ledger;
    byOperator.set(g.operator ?? NONE, (byOperator.get(g.operator ?? NONE) ?? 0) + g.count);
    byVerify.set(g.verify ?? NONE, (byVerify.get(g.verify ?? NONE) ?? 0) + g.count);
  }
  const present = new Set(input.windowOperators.filter((o) => o.count > 0).map((o) => o.operator));
  const warnings: string[] = [];
  for (const [flag, operators] of [
    ['--exclude-operators', input.filter.excludeOperators],
    ['--include-operators', input.filter.includeOperators],
  ] as const) {
    for (const operator of operators ?? []) {
      if (!present.has(operator)) {
        warnings.push(
          `${flag} ${operator}: no row in the sent window has this operator; check the spelling (operators in the window: ${
            [...present].map((o) => o ?? NONE).join(', ') || 'none'
          })`,
        );
      }
    }
  }
  const results = new Set(input.windowVerify.filter((v) => v.count > 0).map((v) => v.verify));
  for (const verify of input.filter.verify ?? []) {
    if (!results.has(verify)) {
      warnings.push(
        `--verify ${verify}: no row in the sent window has this verification result; is it spelt right? (results in the window: ${
          [...results].map((v) => v ?? NONE).join(', ') || 'none'
        })`,
      );
    }
  }
  if (total === 0) warnings.push('the filter selects no rows');
  const pending = input.pending ?? { rows: 0, campaigns: 0, firstSendAt: null };
  if (pending.rows > 0) {
    warnings.push(
      `${pending.rows} rows are in ${pending.campaigns} campaign(s) Listmonk has not sent yet (first send_at ${pending.firstSendAt?.toISOString()}): apply refuses them (exit 4, nothing changed) unless --include-pending takes them off those campaigns' lists in Listmonk first; or wait until they have sent, or end the window (--sent-to) before they were stamped`,
    );
  }
  return {
    filter: input.filter,
    total,
    ledgerRows,
    byOperator: sortedCounts(byOperator).map(([operator, count]) => ({ operator, count })),
    byVerify: sortedCounts(byVerify).map(([verify, count]) => ({ verify, count })),
    groups: input.groups
      .map((g) => ({ operator: g.operator ?? NONE, verify: g.verify ?? NONE, count: g.count }))
      .sort(
        (a, b) =>
          b.count - a.count || a.operator.localeCompare(b.operator) || a.verify.localeCompare(b.verify),
      ),
    samples: input.samples,
    pending,
    warnings,
  };
}

function sortedCounts(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
