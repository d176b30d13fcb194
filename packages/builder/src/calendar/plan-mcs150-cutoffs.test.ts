import { describe, expect, it } from 'vitest';
import {
  mcs150DueDateOf,
  mcs150FilesInEvenYears,
  mcs150MonthOf,
  nextMcs150Due,
  planMcs150Cutoffs,
} from './plan-mcs150-cutoffs.js';

describe('MCS-150 biennial schedule (49 CFR 390.19)', () => {
  it.each([
    [1234567, 7, true], // DOMAIN.md: USDOT 1234567 → July of even years
    [1234560, 10, true],
    [1234579, 9, false],
    [5, 5, true], // one digit: next-to-last counts as 0 → even years
    [31, 1, false],
  ])('USDOT %i files in month %i, even years: %s', (dot, month, even) => {
    expect(mcs150MonthOf(dot)).toBe(month);
    expect(mcs150FilesInEvenYears(dot)).toBe(even);
  });

  it.each([
    [1234567, '2026-06-22', '2026-07-31'],
    [1234567, '2026-08-01', '2028-07-31'],
    [1234577, '2026-06-22', '2027-07-31'],
    [1234560, '2026-10-31', '2026-10-31'],
  ])('next deadline of %i on %s is %s', (dot, date, due) => {
    expect(nextMcs150Due(dot, date)).toBe(due);
  });

  it('cutoffs: due soon uses the next deadline, otherwise the last one', () => {
    const cutoffs = planMcs150Cutoffs('2026-06-22', 45);
    // class 7 (last digit 7, even tens): July 2026 is 39 days away → due soon → filed after 2025-07-31 counts.
    expect(cutoffs[7]).toBe('2025-07-31');
    // class 17 (odd tens): next deadline July 2027, last July 2025 → filing must be after 2024-07-31.
    expect(cutoffs[17]).toBe('2024-07-31');
    expect(cutoffs).toHaveLength(20);
    expect(mcs150DueDateOf(1234567, '2026-06-22', 45)).toBe('2026-07-31');
    expect(mcs150DueDateOf(1234577, '2026-06-22', 45)).toBe('2025-07-31');
  });
});
