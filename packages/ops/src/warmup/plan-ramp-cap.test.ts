import { describe, expect, it } from 'vitest';
import type { RampHold } from './holds-repository.js';
import { goDurationMs, listRampSettingChanges, planRampCap, planRampSettings } from './plan-ramp-cap.js';

const TABLE = [
  { from: 0, to: 1, value: 50 },
  { from: 2, to: 3, value: 150 },
  { from: 4, to: 6, value: 250 },
  { from: 7, value: 300 },
];
const hold = (rate: number): RampHold => ({
  id: 1,
  stream: 'trucking',
  rate,
  until: '2026-06-24',
  reason: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  releasedAt: null,
  replacedBy: null,
});

describe('planRampCap', () => {
  it('takes the table value for the day', () => {
    expect(planRampCap({ hourlyCap: TABLE, day: 5 })).toEqual({ day: 5, tableCap: 250, cap: 250 });
  });
  it('freezes the cap at the hold rate (the runbook held 200/h after a bad day)', () => {
    expect(planRampCap({ hourlyCap: TABLE, day: 16, hold: hold(200) })).toMatchObject({
      tableCap: 300,
      cap: 200,
    });
  });
  it('never lets a hold raise the cap above the table', () => {
    expect(planRampCap({ hourlyCap: TABLE, day: 0, hold: hold(200) }).cap).toBe(50);
  });
});

describe('planRampSettings', () => {
  it('sets the one-hour window at the cap with a matching per-worker rate', () => {
    expect(planRampSettings(300, 10)).toEqual({
      'app.message_sliding_window': true,
      'app.message_sliding_window_duration': '1h',
      'app.message_sliding_window_rate': 300,
      'app.message_rate': 1,
    });
    expect(planRampSettings(100_000, 2)['app.message_rate']).toBe(14);
    expect(planRampSettings(50, 0)['app.message_rate']).toBe(1);
  });
});

describe('listRampSettingChanges', () => {
  const wanted = planRampSettings(150, 10);
  it('is empty when Listmonk already has the values, however it spells them', () => {
    expect(
      listRampSettingChanges(
        {
          'app.message_sliding_window': 'true',
          'app.message_sliding_window_duration': '1h0m0s',
          'app.message_sliding_window_rate': '150',
          'app.message_rate': 1,
          'smtp.0.password': '••••••',
        },
        wanted,
      ),
    ).toEqual([]);
  });
  it('lists only the keys that differ', () => {
    expect(
      listRampSettingChanges(
        {
          'app.message_sliding_window': true,
          'app.message_sliding_window_duration': '1h',
          'app.message_sliding_window_rate': 50,
          'app.message_rate': 2,
        },
        wanted,
      ),
    ).toEqual([
      { key: 'app.message_sliding_window_rate', from: 50, to: 150 },
      { key: 'app.message_rate', from: 2, to: 1 },
    ]);
    expect(listRampSettingChanges({}, wanted).map((c) => c.key)).toHaveLength(4);
  });
});

describe('goDurationMs', () => {
  it.each([
    ['1h', 3_600_000],
    ['60m', 3_600_000],
    ['1h0m0s', 3_600_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['', undefined],
    ['1 hour', undefined],
  ])('%j is %s ms', (text, ms) => {
    expect(goDurationMs(text)).toBe(ms);
  });
});
