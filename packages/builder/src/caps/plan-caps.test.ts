import { WARMUP_EXCLUDE_OPERATORS } from '@mailramp/mailbox';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATCH_ALL, planCatchAll } from './plan-catch-all.js';
import { DEFAULT_DAILY_CAPS, planDailyCap } from './plan-daily-cap.js';
import {
  DEFAULT_BIG_OPERATORS,
  DEFAULT_OPERATOR_CAP_TABLE,
  planHeldOperators,
  planOperatorCaps,
  planReleasedOperators,
} from './plan-operator-caps.js';

describe('operator caps (the healthcare builder table)', () => {
  const rules = {
    big: DEFAULT_BIG_OPERATORS,
    table: DEFAULT_OPERATOR_CAP_TABLE,
    operators: { zoho: 0, fastmail: 7 },
  };
  it.each([
    [0, 'google', 25],
    [1, 'godaddy', 15],
    [2, 'microsoft', 60],
    [4, 'godaddy', 40],
    [9, 'proofpoint', 120],
    [10, 'mx:hostinger.com', 150],
    [45, 'google', 250],
    [45, 'zoho', 0],
    [0, 'fastmail', 7],
  ])('day %i: %s gets %i', (day, operator, cap) => {
    expect(planOperatorCaps(rules, day)(operator)).toBe(cap);
  });

  it('rows with no operator yet get their own cap, never 0 by default', () => {
    expect(planOperatorCaps(rules, 0)(null)).toBe(15);
    expect(planOperatorCaps({ ...rules, unclassified: 33 }, 0)(null)).toBe(33);
  });
});

describe('held-out operators', () => {
  const defaults = { defaults: WARMUP_EXCLUDE_OPERATORS, untilDay: 30 };
  it('holds the big-MX and consumer-MX set until warm-up day 30', () => {
    expect(planHeldOperators(defaults, 29)).toEqual(new Set(WARMUP_EXCLUDE_OPERATORS));
    expect(planHeldOperators(defaults, 30).size).toBe(0);
  });
  it('MAIN_EXCLUDE_OPERATORS replaces the default set on every day (the DKIM re-send: google only)', () => {
    const held = planHeldOperators({ ...defaults, explicit: ['google'] }, 3);
    expect([...held]).toEqual(['google']);
    expect(held.has('microsoft')).toBe(false);
    expect([...planHeldOperators({ ...defaults, explicit: ['google'] }, 90)]).toEqual(['google']);
    expect(planHeldOperators({ ...defaults, explicit: [] }, 3).size).toBe(0);
  });
  it('names the default-held operators an explicit list lets through before day 30', () => {
    const released = planReleasedOperators({ ...defaults, explicit: ['google'] }, 3);
    expect(released).toContain('microsoft');
    expect(released).not.toContain('google');
    expect(released).toHaveLength(WARMUP_EXCLUDE_OPERATORS.length - 1);
    expect(planReleasedOperators({ ...defaults, explicit: ['google'] }, 30)).toEqual([]);
    expect(planReleasedOperators(defaults, 3)).toEqual([]);
  });
});

describe('daily cap', () => {
  it.each([
    [0, 500],
    [1, 500],
    [2, 1500],
    [6, 2500],
    [7, 3000],
    [400, 3000],
  ])('day %i → %i', (day, cap) => {
    expect(planDailyCap(DEFAULT_DAILY_CAPS, day)).toBe(cap);
  });
  it('never exceeds the 4,000 ceiling, whatever the table says', () => {
    expect(planDailyCap([{ fromDay: 0, cap: 29_000 }], 3)).toBe(4000);
    expect(planDailyCap([{ fromDay: 0, cap: 3000 }], 3, 1200)).toBe(1200);
  });
});

describe('catch-all results', () => {
  it.each([
    [20, { sent: 1000, bounced: 10 }, false],
    [21, undefined, false],
    [21, { sent: 299, bounced: 0 }, false],
    [21, { sent: 300, bounced: 23 }, true],
    [21, { sent: 300, bounced: 24 }, false],
  ])('day %i with %o → included %s', (day, recent, included) => {
    expect(planCatchAll(DEFAULT_CATCH_ALL, day, recent).included).toBe(included);
  });
  it('config forces them in or out', () => {
    expect(planCatchAll({ ...DEFAULT_CATCH_ALL, mode: 'include' }, 0).included).toBe(true);
    expect(
      planCatchAll({ ...DEFAULT_CATCH_ALL, mode: 'exclude' }, 90, { sent: 9999, bounced: 0 }).included,
    ).toBe(false);
  });
});
