import { describe, expect, it } from 'vitest';
import { businessDaysBefore, isBusinessDay, isFederalHoliday } from './calendar-date.js';
import { planFilingTouch } from './plan-filing-touch.js';

describe('planFilingTouch', () => {
  it('IFTA: touches open 10, 7 and 4 business days before Jul 31 and last until the next opens', () => {
    expect(businessDaysBefore('2026-07-31', 10)).toBe('2026-07-17');
    expect(planFilingTouch('2026-07-16', 'ifta', [10, 7, 4])).toBeUndefined();
    expect(planFilingTouch('2026-07-17', 'ifta', [10, 7, 4])).toMatchObject({
      cycle: 'ifta:2026-07-31',
      touch: 1,
    });
    expect(planFilingTouch('2026-07-21', 'ifta', [10, 7, 4])).toMatchObject({ touch: 1 });
    expect(planFilingTouch('2026-07-22', 'ifta', [10, 7, 4])).toMatchObject({
      touch: 2,
      touchDate: '2026-07-22',
    });
    expect(planFilingTouch('2026-07-27', 'ifta', [10, 7, 4])).toMatchObject({ touch: 3 });
    expect(planFilingTouch('2026-07-31', 'ifta', [10, 7, 4])).toMatchObject({
      touch: 3,
      dueDate: '2026-07-31',
    });
    expect(planFilingTouch('2026-08-01', 'ifta', [10, 7, 4])).toBeUndefined();
    expect(planFilingTouch('2027-01-20', 'ifta', [10, 7, 4])).toMatchObject({
      cycle: 'ifta:2027-01-31',
      touch: 1,
    });
  });

  it('UCR: 30, 12 and 4 business days before Dec 31, one cycle per year', () => {
    const first = businessDaysBefore('2026-12-31', 30);
    expect(planFilingTouch(first, 'ucr', [30, 12, 4])).toMatchObject({ cycle: 'ucr:2026', touch: 1 });
    expect(planFilingTouch(businessDaysBefore('2026-12-31', 12), 'ucr', [30, 12, 4])).toMatchObject({
      touch: 2,
    });
    expect(planFilingTouch('2026-12-31', 'ucr', [30, 12, 4])).toMatchObject({ touch: 3 });
    expect(planFilingTouch('2026-10-01', 'ucr', [30, 12, 4])).toBeUndefined();
    expect(planFilingTouch('2027-01-02', 'ucr', [30, 12, 4])).toBeUndefined();
  });

  it('counts business days without US federal holidays, as observed', () => {
    expect(isFederalHoliday('2026-11-26')).toBe(true); // Thanksgiving
    expect(isFederalHoliday('2026-07-03')).toBe(true); // July 4 is a Saturday: observed Friday
    expect(isFederalHoliday('2026-07-04')).toBe(false);
    expect(isFederalHoliday('2021-12-31')).toBe(true); // New Year's Day 2022, a Saturday
    expect(isFederalHoliday('2026-11-24')).toBe(false);
    expect(isBusinessDay('2026-12-25')).toBe(false); // Christmas, a Friday
    // Dec 30, 29, 28, (25 off), 24: the last UCR touch opens on Christmas Eve, not Christmas Day.
    expect(businessDaysBefore('2026-12-31', 4)).toBe('2026-12-24');
    expect(planFilingTouch('2026-12-24', 'ucr', [30, 12, 4])).toMatchObject({
      touch: 3,
      touchDate: '2026-12-24',
    });
    // Thirty business days before Dec 31, 2026 skip Christmas and Thanksgiving (weekdays only: Nov 19).
    expect(businessDaysBefore('2026-12-31', 30)).toBe('2026-11-17');
  });
});
