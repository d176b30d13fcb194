import { createHash } from 'node:crypto';
import type { IsoDate } from '../calendar/calendar-date.js';
import type { CouponSetting } from './resolve-build-rules.js';

/**
 * A recipient's coupon on a date: the one code, or the code of the arm a stable hash of the
 * lower-cased e-mail puts them in (the same arm every day); `{yyyymmdd}` becomes the date.
 *
 * @example
 * const arms = { arms: [{ name: '20', code: 'SAVE20-{yyyymmdd}' }, { name: '30', code: 'SAVE30-{yyyymmdd}' }] };
 * planCoupon(arms, 'dispatch16@carrier16.com', '2026-11-24'); // { code: 'SAVE30-20261124', arm: '30' }
 */
export function planCoupon(
  setting: CouponSetting,
  email: string,
  date: IsoDate,
): { code: string; arm?: string } {
  const dated = (code: string) => code.replaceAll('{yyyymmdd}', date.replaceAll('-', ''));
  if (typeof setting === 'string') return { code: dated(setting) };
  const hash = createHash('sha256').update(email.trim().toLowerCase()).digest();
  const arm = setting.arms[hash.readUInt32BE(0) % setting.arms.length]!;
  return { code: dated(arm.code), arm: arm.name };
}
