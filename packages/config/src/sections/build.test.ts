import { describe, expect, it } from 'vitest';
import { VerticalSection } from './build.js';

describe('build.verticals.<vertical>.coupon', () => {
  it.each([
    ['SAVE20'],
    ['SAVE20-{yyyymmdd}'],
    [
      {
        arms: [
          { name: '20', code: 'SAVE20-{yyyymmdd}' },
          { name: '30', code: 'SAVE30-{yyyymmdd}' },
        ],
      },
    ],
  ])('accepts %j', (coupon) => {
    expect(VerticalSection.parse({ coupon }).coupon).toEqual(coupon);
  });

  it.each([
    ['SAVE 20', 'letters, digits'],
    ['SAVE20-{date}', 'letters, digits'],
    [{ arms: [{ name: '20', code: 'SAVE20' }] }, 'at least 2'],
    [
      {
        arms: [
          { name: '20', code: 'A' },
          { name: '20', code: 'B' },
        ],
      },
      'arm names must differ',
    ],
  ])('refuses %j, saying why', (coupon, message) => {
    const result = VerticalSection.safeParse({ coupon });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toContain(message);
  });
});
