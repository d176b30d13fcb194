import { describe, expect, it } from 'vitest';
import { planCoupon } from './plan-coupon.js';

const ARMS = {
  arms: [
    { name: '20', code: 'SAVE20-{yyyymmdd}' },
    { name: '30', code: 'SAVE30-{yyyymmdd}' },
    { name: '40', code: 'SAVE40' },
  ],
};

describe('planCoupon', () => {
  it('gives the one code, with the build date where the code asks for it', () => {
    expect(planCoupon('SAVE20', 'a@b.com', '2026-11-24')).toEqual({ code: 'SAVE20' });
    expect(planCoupon('SAVE20-{yyyymmdd}', 'a@b.com', '2026-11-24')).toEqual({ code: 'SAVE20-20261124' });
  });

  it('puts an address in the same arm every day, whatever its case, with that day’s code', () => {
    expect(planCoupon(ARMS, 'a@b.com', '2026-11-24')).toEqual({ code: 'SAVE40', arm: '40' });
    expect(planCoupon(ARMS, ' A@B.com', '2026-12-01')).toEqual({ code: 'SAVE40', arm: '40' });
    expect(planCoupon(ARMS, 'dispatch16@carrier16.com', '2026-11-24')).toEqual({
      code: 'SAVE30-20261124',
      arm: '30',
    });
    expect(planCoupon(ARMS, 'dispatch16@carrier16.com', '2026-11-25').code).toBe('SAVE30-20261125');
  });

  it('spreads addresses evenly over the arms', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const { arm } = planCoupon(ARMS, `dispatch${i}@carrier${i % 97}.com`, '2026-11-24');
      counts.set(arm!, (counts.get(arm!) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['20', '30', '40']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(850);
  });
});
