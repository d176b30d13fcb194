/** When catch-all verification results may be mailed. */
export interface CatchAllRules {
  /** auto: from fromDay while bounces are healthy; include / exclude force it. */
  mode: 'auto' | 'include' | 'exclude';
  results: readonly string[];
  fromDay: number;
  maxBounceRate: number;
  minSends: number;
}

/** Recent sending outcome (the last 5 days), as the app measures it. */
export interface RecentBounces {
  sent: number;
  bounced: number;
}

export const DEFAULT_CATCH_ALL: CatchAllRules = {
  mode: 'auto',
  results: ['catch_all_domain', 'catch_all_detected'],
  fromDay: 21,
  maxBounceRate: 0.08,
  minSends: 300,
};

/** Whether catch-all results join today, and why (for the plan). */
export interface CatchAllDecision {
  included: boolean;
  why: string;
}

/**
 * Catch-all results join from warm-up day 21 only while the recent bounce rate is under 8 % over
 * at least 300 sends; without a measurement they stay out.
 */
export function planCatchAll(
  rules: CatchAllRules,
  warmupDay: number,
  recent?: RecentBounces,
): CatchAllDecision {
  if (rules.mode === 'include') return { included: true, why: 'forced in by config' };
  if (rules.mode === 'exclude') return { included: false, why: 'forced out by config' };
  if (warmupDay < rules.fromDay)
    return { included: false, why: `warm-up day ${warmupDay} < ${rules.fromDay}` };
  if (recent === undefined) return { included: false, why: 'no recent bounce measurement' };
  if (recent.sent < rules.minSends) {
    return { included: false, why: `only ${recent.sent} recent sends (< ${rules.minSends})` };
  }
  const rate = recent.bounced / recent.sent;
  if (rate >= rules.maxBounceRate) {
    return {
      included: false,
      why: `recent bounce rate ${(rate * 100).toFixed(1)} % ≥ ${rules.maxBounceRate * 100} %`,
    };
  }
  return { included: true, why: `recent bounce rate ${(rate * 100).toFixed(1)} % over ${recent.sent} sends` };
}
