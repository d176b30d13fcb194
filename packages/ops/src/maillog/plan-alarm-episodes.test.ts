import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlarmEpisode } from './alarm-episodes-repository.js';
import type { Alarm } from './list-alarms.js';
import {
  coversDay,
  planAlarmEpisodes,
  type ReadSpan,
  type ScopedAlarm,
  scopeAlarms,
} from './plan-alarm-episodes.js';
import { planReportDays } from './plan-report-days.js';

const at = (iso: string) => Date.parse(`${iso}Z`);
const span = (s: Partial<ReadSpan>): ReadSpan => ({
  since: undefined,
  until: undefined,
  firstTime: undefined,
  lastTime: undefined,
  ...s,
});

describe('coversDay', () => {
  it.each([
    [
      'a window from the day’s midnight',
      span({ since: at('2026-06-20T00:00:00'), lastTime: at('2026-06-20T10:00:00') }),
      true,
    ],
    [
      'a whole log that began the day before',
      span({ firstTime: at('2026-06-19T06:25:00'), lastTime: at('2026-06-20T10:00:00') }),
      true,
    ],
    [
      'a window starting mid-day',
      span({ since: at('2026-06-20T00:30:00'), lastTime: at('2026-06-20T10:00:00') }),
      false,
    ],
    [
      'a log that starts mid-day (rotated at 06:25)',
      span({ firstTime: at('2026-06-20T06:25:00'), lastTime: at('2026-06-20T10:00:00') }),
      false,
    ],
    [
      'a window that moved past the day',
      span({ since: at('2026-06-21T00:00:00'), lastTime: at('2026-06-21T10:00:00') }),
      true,
    ],
    [
      'a read that ends before the day',
      span({ since: at('2026-06-18T00:00:00'), until: at('2026-06-19T00:00:00') }),
      false,
    ],
    [
      'a log whose last line is the day before',
      span({ firstTime: at('2026-06-18T00:00:00'), lastTime: at('2026-06-19T23:59:59') }),
      false,
    ],
    ['a read of nothing', span({}), false],
  ])('%s: %s', (_name, s, covered) => {
    expect(coversDay(s, '2026-06-20')).toBe(covered);
  });
});

const alarm = (id: Alarm['id'], days?: string[]): Alarm => ({
  id,
  severity: 'critical',
  summary: `${id} tripped`,
  action: 'act',
  evidence: {
    counts: { n: 1 },
    ...(days ? { days: Object.fromEntries(days.map((d) => [d, { n: 1 }])) } : {}),
    samples: [],
  },
});

describe('scopeAlarms', () => {
  const report = {
    primaryIp: '203.0.113.71',
    bindFailures: [
      {
        ip: '203.0.113.94',
        count: 3,
        firstSeen: '2026-06-19 23:10:00',
        lastSeen: '2026-06-20 00:05:00',
        samples: ['a'],
      },
      {
        ip: '203.0.113.95',
        count: 1,
        firstSeen: '2026-06-20 01:00:00',
        lastSeen: '2026-06-20 01:00:00',
        samples: [],
      },
    ],
    byDay: [{ date: '2026-06-19' }, { date: '2026-06-20' }] as never,
    dkim: { byDay: [{ date: '2026-06-20', signed: 1, messages: 1, ratio: 1 }] } as never,
  };

  it('gives bind failures one scope per IP, primary-IP egress the primary IP, the rest the host', () => {
    const scoped = scopeAlarms(
      [alarm('bind_failure'), alarm('primary_ip_egress', ['2026-06-20']), alarm('dkim_unsigned')],
      report,
    );
    expect(scoped.map((a) => [a.alarm, a.scope, a.evidence.logDays])).toEqual([
      ['bind_failure', '203.0.113.94', ['2026-06-19', '2026-06-20']],
      ['bind_failure', '203.0.113.95', ['2026-06-20']],
      ['primary_ip_egress', '203.0.113.71', ['2026-06-20']],
      ['dkim_unsigned', '', ['2026-06-19', '2026-06-20']],
    ]);
    expect(scoped[0]).toMatchObject({
      message: '3 bind failures (Cannot assign requested address) for 203.0.113.94',
      evidence: { counts: { '203.0.113.94': 3 }, samples: ['a'] },
    });
  });
});

describe('planAlarmEpisodes', () => {
  const episode = (id: number, name: string, scope: string, logDays: string[]): AlarmEpisode => ({
    id,
    alarm: name,
    scope,
    severity: 'critical',
    status: 'open',
    message: '',
    action: null,
    evidence: { counts: {}, samples: [], logDays },
    firstSeen: new Date(0),
    lastSeen: new Date(0),
    closedAt: null,
  });
  const raised = (name: string, scope: string, logDays: string[]): ScopedAlarm => ({
    alarm: name,
    scope,
    severity: 'critical',
    message: `${name} ${scope}`,
    action: 'act',
    evidence: { counts: {}, samples: [], logDays },
  });
  const today = span({ since: at('2026-06-20T00:00:00'), lastTime: at('2026-06-20T10:00:00') });

  it('opens, updates and closes by alarm and scope; leaves another writer’s episodes alone', () => {
    const plan = planAlarmEpisodes(
      [
        episode(1, 'bind_failure', '203.0.113.94', ['2026-06-20']),
        episode(2, 'bind_failure', '203.0.113.95', ['2026-06-20']),
        episode(3, 'runaway_volume', 'trucking', ['2026-06-20']),
        episode(4, 'dkim_unsigned', '', ['2026-06-19']),
      ],
      [raised('bind_failure', '203.0.113.94', ['2026-06-20']), raised('yahoo_tss', '', ['2026-06-20'])],
      today,
    );
    expect(plan.open.map((a) => a.alarm)).toEqual(['yahoo_tss']);
    expect(plan.update.map((a) => a.id)).toEqual([1]);
    // .95 stopped failing today; dkim_unsigned's day is before the window: it has moved past.
    expect(plan.close).toEqual([2, 4]);
  });

  it('neither closes nor overwrites from a read of older days', () => {
    const old = span({ since: at('2026-06-18T00:00:00'), until: at('2026-06-19T00:00:00') });
    const plan = planAlarmEpisodes(
      [episode(1, 'gmail_unsolicited', '', ['2026-06-20']), episode(2, 'yahoo_tss', '', ['2026-06-20'])],
      [raised('gmail_unsolicited', '', ['2026-06-18'])],
      old,
    );
    expect(plan).toEqual({ open: [], update: [], close: [] });
  });

  const name = fc.constantFrom('bind_failure', 'dkim_unsigned', 'yahoo_tss', 'runaway_volume');
  const scope = fc.constantFrom('', '203.0.113.94', '203.0.113.95');
  const day = fc.constantFrom('2026-06-18', '2026-06-19', '2026-06-20', '2026-06-21');
  const days = fc.uniqueArray(day, { maxLength: 3 });
  const anySpan = fc.record({
    since: fc.option(fc.integer({ min: at('2026-06-17T00:00:00'), max: at('2026-06-22T00:00:00') }), {
      nil: undefined,
    }),
    until: fc.constant(undefined),
    firstTime: fc.integer({ min: at('2026-06-17T00:00:00'), max: at('2026-06-21T00:00:00') }),
    lastTime: fc.integer({ min: at('2026-06-21T00:00:00'), max: at('2026-06-22T00:00:00') }),
  });

  it('keeps one open episode per alarm and scope, and touches each open episode at most once (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, scope, days), { selector: ([n, s]) => `${n}/${s}`, maxLength: 8 }),
        fc.array(fc.tuple(name, scope, days), { maxLength: 8 }),
        anySpan,
        (openRows, raisedRows, s) => {
          const open = openRows.map(([n, sc, d], i) => episode(i + 1, n, sc, d));
          const alarms = raisedRows
            .filter(([n]) => n !== 'runaway_volume')
            .map(([n, sc, d]) => raised(n, sc, d));
          const plan = planAlarmEpisodes(open, alarms, s);
          const key = (a: { alarm: string; scope: string }) => `${a.alarm}/${a.scope}`;
          const openKeys = new Set(open.map(key));
          const raisedKeys = new Set(alarms.map(key));
          // No second open episode of a key: the unique index would refuse it.
          expect(new Set(plan.open.map(key)).size).toBe(plan.open.length);
          expect(plan.open.every((a) => !openKeys.has(key(a)))).toBe(true);
          // Every raised key is opened or was open; updates and closes are of open ones, never both.
          for (const k of raisedKeys)
            expect(openKeys.has(k) || plan.open.some((a) => key(a) === k)).toBe(true);
          const touched = [...plan.update.map((u) => u.id), ...plan.close];
          expect(new Set(touched).size).toBe(touched.length);
          expect(touched.every((id) => open.some((e) => e.id === id))).toBe(true);
          for (const id of plan.close) {
            const e = open.find((o) => o.id === id)!;
            expect(raisedKeys.has(key(e))).toBe(false);
            expect(e.alarm).not.toBe('runaway_volume');
          }
          // Applying the plan and planning the same run again opens and closes nothing more.
          const after = [
            ...open.filter((e) => !plan.close.includes(e.id)),
            ...plan.open.map((a, i) => episode(1000 + i, a.alarm, a.scope, a.evidence.logDays)),
          ];
          const again = planAlarmEpisodes(after, alarms, s);
          expect(again.open).toEqual([]);
          expect(again.close).toEqual([]);
        },
      ),
    );
  });
});

describe('planReportDays', () => {
  const report = {
    byDay: [
      { date: '2026-06-19', sent: 5, deferred: 1, bounced: 0, expired: 0, egress: 6, primaryEgress: 1 },
    ] as never,
    byIpHour: [
      { date: '2026-06-19', hour: 23, ip: '203.0.113.94', sent: 5, deferred: 1, bounced: 0, expired: 0 },
    ],
    outcomes: [
      {
        date: '2026-06-19',
        ip: '203.0.113.94',
        operator: 'google',
        outcome: 'throttled',
        reason: 'r',
        count: 1,
      },
      {
        date: '2026-06-19',
        ip: '203.0.113.94',
        operator: 'google',
        outcome: 'throttled',
        reason: 'r',
        count: 2,
      },
    ] as never,
    dkim: { byDay: [{ date: '2026-06-19', signed: 4, messages: 6, ratio: 4 / 6 }] } as never,
  };

  it('gives the days of the report and of the first and last line (quiet ones as zeros), with the part of each it read', () => {
    const days = planReportDays(
      report,
      span({ firstTime: at('2026-06-19T22:30:00'), lastTime: at('2026-06-21T00:10:00') }),
      at('2026-06-21T12:00:00'),
    );
    expect(
      days.map((d) => [
        d.day,
        d.mix.sent,
        d.dkimSigned,
        new Date(d.readFrom).toISOString(),
        new Date(d.readUntil).toISOString(),
      ]),
    ).toEqual([
      ['2026-06-19', 5, 4, '2026-06-19T22:30:00.000Z', '2026-06-20T00:00:00.000Z'],
      ['2026-06-21', 0, 0, '2026-06-21T00:00:00.000Z', '2026-06-21T00:10:01.000Z'],
    ]);
    // Two report rows with one table key are one row.
    expect(days[0]!.outcomes).toEqual([
      { ip: '203.0.113.94', operator: 'google', outcome: 'throttled', reason: 'r', count: 3 },
    ]);
  });

  it('trusts the window’s start, and claims no time after the run’s clock', () => {
    const days = planReportDays(
      report,
      span({
        since: at('2026-06-19T00:00:00'),
        until: at('2026-06-20T00:00:00'),
        firstTime: at('2026-06-19T22:30:00'),
        lastTime: at('2026-06-19T23:00:00'),
      }),
      at('2026-06-19T23:00:30'),
    );
    expect(
      days.map((d) => [new Date(d.readFrom).toISOString(), new Date(d.readUntil).toISOString()]),
    ).toEqual([['2026-06-19T00:00:00.000Z', '2026-06-19T23:00:30.000Z']]);
  });
});
