/** How idempotent calls are retried after UNAVAILABLE (network error, timeout, 5xx). */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retry). Default 4. */
  attempts: number;
  /** Delay ceiling of the first retry, in ms; it doubles per retry. Default 250. */
  baseDelayMs: number;
  /** The ceiling never grows past this, in ms. Default 5000. */
  maxDelayMs: number;
}

/** The default retry policy: 4 attempts, 250 ms doubling, capped at 5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 };

/**
 * The wait before retry number `retry` (1 = first retry): capped exponential backoff with "equal
 * jitter" — half the ceiling fixed, half random — so clients that failed together do not retry
 * together, and a retry never comes sooner than half its ceiling.
 */
export function planRetryDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
