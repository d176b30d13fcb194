import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { localTimeToUtc } from './local-time-to-utc.js';
import { planSendTimes } from './plan-send-times.js';
import { zoneGroupOf } from './time-zones.js';

describe('zoneGroupOf', () => {
  it.each([
    ['TX', '75001', 'central'],
    ['TX', '79901', 'mountain'], // El Paso
    ['FL', '32501', 'central'], // Pensacola
    ['FL', '33101', 'eastern'],
    ['AZ', null, 'arizona'],
    ['ca', '90001', 'pacific'],
    ['XX', null, 'central'],
    [null, null, 'central'],
  ])('%s %s → %s', (state, zip, group) => {
    expect(zoneGroupOf(state, zip, 'central')).toBe(group);
  });
});

describe('localTimeToUtc', () => {
  it('follows daylight saving time', () => {
    expect(localTimeToUtc('2026-06-22', 'America/Chicago', 9, 0).toISOString()).toBe(
      '2026-06-22T14:00:00.000Z',
    );
    expect(localTimeToUtc('2026-12-01', 'America/Chicago', 9, 0).toISOString()).toBe(
      '2026-12-01T15:00:00.000Z',
    );
    expect(localTimeToUtc('2026-06-22', 'America/Phoenix', 9, 30).toISOString()).toBe(
      '2026-06-22T16:30:00.000Z',
    );
  });
});

describe('planSendTimes', () => {
  const base = { date: '2026-06-22', morningHour: 9, morningMinute: 0, marginMinutes: 10 };
  it('puts each zone group at its local morning', () => {
    const slots = planSendTimes(['eastern', 'pacific'], { ...base, now: new Date('2026-06-22T07:00:00Z') });
    expect(slots.get('eastern')?.sendAt.toISOString()).toBe('2026-06-22T13:00:00.000Z');
    expect(slots.get('pacific')?.sendAt.toISOString()).toBe('2026-06-22T16:00:00.000Z');
  });

  it('fails naming the passed slot and both fixes (the Jun 22 re-send after the morning window)', () => {
    const now = new Date('2026-06-22T17:12:00Z');
    let error: unknown;
    try {
      planSendTimes(['central'], { ...base, now });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).code).toBe('SLOT_PASSED');
    expect((error as Error).message).toContain('2026-06-22T14:00Z (central morning)');
    expect((error as Error).message).toContain('--send-hour 17 --send-minute 30');
    expect((error as Error).message).toContain('--next-slot');
  });

  it('on a date already over, advises only what can work: today, or --next-slot (never --send-hour)', () => {
    const now = new Date('2026-06-23T08:00:00Z');
    expect(() => planSendTimes(['central'], { ...base, now })).toThrow(
      /2026-06-22 is over: build today's date \(leave out --date\), or add --next-slot .*2026-06-23 08:15Z/,
    );
    expect(() => planSendTimes(['central'], { ...base, now })).not.toThrow(/--send-hour/);
  });

  it('a slot inside the margin counts as passed', () => {
    expect(() => planSendTimes(['eastern'], { ...base, now: new Date('2026-06-22T12:55:00Z') })).toThrow(
      /not at least 10 min/,
    );
  });

  it('--send-hour/--send-minute override in UTC; --next-slot moves past slots to the next future one', () => {
    const now = new Date('2026-06-22T14:30:00Z');
    const fixed = planSendTimes(['eastern', 'pacific'], { ...base, now, sendHour: 17, sendMinute: 30 });
    expect(fixed.get('eastern')?.sendAt.toISOString()).toBe('2026-06-22T17:30:00.000Z');
    const moved = planSendTimes(['eastern', 'central', 'pacific'], { ...base, now, nextSlot: true });
    expect(moved.get('eastern')).toMatchObject({ movedFrom: new Date('2026-06-22T13:00:00Z') });
    expect(moved.get('eastern')?.sendAt.toISOString()).toBe('2026-06-22T15:00:00.000Z'); // mountain's 9:00
    expect(moved.get('pacific')?.movedFrom).toBeUndefined();
    const late = planSendTimes(['pacific'], {
      ...base,
      now: new Date('2026-06-22T23:01:00Z'),
      nextSlot: true,
    });
    expect(late.get('pacific')?.sendAt.toISOString()).toBe('2026-06-22T23:15:00.000Z');
  });
});
