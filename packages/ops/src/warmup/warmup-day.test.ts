import { describe, expect, it } from 'vitest';
import { parseWarmupStamp, warmupDay } from './warmup-day.js';

describe('warmupDay', () => {
  it.each([
    ['2026-06-02', '2026-06-02', 0],
    ['2026-06-02', '2026-06-03', 1],
    ['2026-06-02', '2026-06-27', 25],
    ['2026-06-02', '2026-06-01', -1],
    ['2026-02-27', '2026-03-02', 3],
    ['2024-02-28', '2024-03-01', 2],
    ['2026-12-31', '2027-01-01', 1],
  ])('from %s to %s is day %i', (start, date, day) => {
    expect(warmupDay(start, date)).toBe(day);
  });

  it('counts UTC calendar days, whatever the time of day of the stamp or the run', () => {
    const stamp = parseWarmupStamp('1780387200\n'); // 2026-06-02T08:00:00Z
    expect(stamp.toISOString()).toBe('2026-06-02T08:00:00.000Z');
    expect(warmupDay(stamp, new Date('2026-06-06T00:00:01Z'))).toBe(4);
    expect(warmupDay(stamp, new Date('2026-06-06T23:59:59Z'))).toBe(4);
    expect(warmupDay(stamp, '2026-06-06')).toBe(4);
  });

  it('refuses what is not a date', () => {
    expect(() => warmupDay('2026-06-31', '2026-07-01')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }),
    );
    expect(() => warmupDay('2026-06-02', 'yesterday')).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }),
    );
  });
});

describe('parseWarmupStamp', () => {
  it.each(['', 'abc', '-5', '17803.5', '2026-06-02'])('refuses %j', (text) => {
    expect(() => parseWarmupStamp(text, '/etc/postfix/pw-warmup-start')).toThrowError(
      expect.objectContaining({
        code: 'INVALID_STAMP',
        message: expect.stringContaining('/etc/postfix/pw-warmup-start'),
      }),
    );
  });
});
