import { ownCopy } from './own-copy.js';
import type { ReasonCount } from './report-types.js';

const MAX_REASONS = 5000;

/** Counts normalised reasons per status, each with a small id for the outcome rows' keys. */
export interface ReasonCounter {
  /** Counts `reason` for `status`; returns its id (0 past the limit of distinct reasons) and its kept copy. */
  add(status: ReasonCount['status'], reason: string): { id: number; reason: string };
  /** The `topReasons` most counted per status, and one line for those past the limit. */
  finish(): ReasonCount[];
}

/**
 * Creates a reason counter keeping at most 5,000 distinct reasons.
 *
 * @example
 * const reasons = createReasonCounter(20);
 * reasons.add('deferred', 'connection timed out');
 * reasons.finish(); // [{ status: 'deferred', reason: 'connection timed out', count: 1 }]
 */
export function createReasonCounter(topReasons: number): ReasonCounter {
  const reasons = new Map<string, Map<string, ReasonCount & { id: number }>>();
  let distinct = 0;
  let otherReasons = 0;
  return {
    add(status, reason) {
      let byReason = reasons.get(status);
      if (byReason === undefined) {
        byReason = new Map();
        reasons.set(status, byReason);
      }
      const r = byReason.get(reason);
      if (r !== undefined) {
        r.count += 1;
        return r;
      }
      // A reason can be a piece of the reply, itself a view of the log's text: kept, it is copied.
      const kept = ownCopy(reason);
      if (distinct >= MAX_REASONS) {
        otherReasons += 1;
        return { id: 0, reason: kept };
      }
      distinct += 1;
      byReason.set(kept, { status, reason: kept, count: 1, id: distinct });
      return { id: distinct, reason: kept };
    },
    finish() {
      const reasonList = [...reasons.values()]
        .flatMap((m) => [...m.values()].map(({ id: _id, ...r }) => r))
        .sort((a, b) => b.count - a.count);
      const topPerStatus: ReasonCount[] = [];
      for (const status of ['deferred', 'bounced', 'expired'] as const) {
        topPerStatus.push(...reasonList.filter((r) => r.status === status).slice(0, topReasons));
      }
      if (otherReasons > 0)
        topPerStatus.push({ status: 'deferred', reason: '(too many distinct reasons)', count: otherReasons });
      return topPerStatus;
    },
  };
}
