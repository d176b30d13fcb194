import { describe, expect, it } from 'vitest';
import { planAlarmOwners } from './plan-alarm-owners.js';

const streams = [
  { name: 'trucking', ips: ['207.174.124.94', '207.174.124.95', '207.174.124.91'] },
  { name: 'healthcare', ips: ['207.174.124.107', '207.174.124.108'] },
];
const gmail550 = '550-5.7.1 Gmail has detected that this message is likely unsolicited mail';

describe('planAlarmOwners', () => {
  it('gives a Gmail 550 to the stream whose IP got the replies, on the alarm days only', () => {
    const outcomes = [
      { day: '2026-06-22', ip: '207.174.124.94', outcome: 'reputation_reject', reason: gmail550 },
      { day: '2026-06-21', ip: '207.174.124.107', outcome: 'reputation_reject', reason: gmail550 },
      { day: '2026-06-22', ip: '207.174.124.108', outcome: 'throttled', reason: '421 4.7.0 try again later' },
    ];
    expect(planAlarmOwners('gmail_unsolicited', ['2026-06-22'], outcomes, [], streams)).toEqual({
      streams: ['trucking'],
      ips: ['207.174.124.94'],
      hostWide: false,
    });
  });

  it('reads the connecting IP Gmail names in a sample line (a retired IP is its stream’s)', () => {
    const samples = [`status=bounced (host said: 550-5.7.1 [207.174.124.91] … unsolicited mail)`];
    expect(planAlarmOwners('gmail_unsolicited', ['2026-06-22'], [], samples, streams).streams).toEqual([
      'trucking',
    ]);
  });

  it('stays host-wide for the DKIM ratio and when no reply can be traced', () => {
    const outcomes = [
      { day: '2026-06-22', ip: '207.174.124.94', outcome: 'reputation_reject', reason: gmail550 },
    ];
    expect(planAlarmOwners('dkim_unsigned', ['2026-06-22'], outcomes, [], streams)).toEqual({
      streams: ['trucking', 'healthcare'],
      ips: [],
      hostWide: true,
    });
    expect(planAlarmOwners('yahoo_tss', ['2026-06-22'], outcomes, [], streams).hostWide).toBe(true);
  });
});
