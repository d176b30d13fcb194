import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, planRetryDelay } from './plan-retry-delay.js';

describe('planRetryDelay', () => {
  it.each([
    [1, 0, 125],
    [1, 1, 250],
    [2, 0, 250],
    [3, 1, 1000],
    [5, 1, 4000],
    [6, 1, 5000],
    [20, 0, 2500],
  ])('retry %i with random %d waits %i ms under the default policy', (retry, random, expected) => {
    expect(planRetryDelay(retry, DEFAULT_RETRY_POLICY, () => random)).toBe(expected);
  });

  it('stays within [ceiling/2, ceiling] and never exceeds the cap, for any retry and jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (retry, random, base, max) => {
          const policy = { attempts: 4, baseDelayMs: base, maxDelayMs: max };
          const ceiling = Math.min(max, base * 2 ** (retry - 1));
          const delay = planRetryDelay(retry, policy, () => random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(Math.min(max, Math.ceil(ceiling)));
        },
      ),
    );
  });
});
