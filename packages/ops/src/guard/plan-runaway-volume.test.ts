import { describe, expect, it } from 'vitest';
import { type HourVolume, planRunawayVolume } from './plan-runaway-volume.js';

const h = (hour: number, ip: string, sent: number, deferred = 0, bounced = 0): HourVolume => ({
  day: '2026-05-30',
  hour,
  ip,
  sent,
  deferred,
  bounced,
});
const streams = [
  { name: 'trucking', ips: ['203.0.113.94', '203.0.113.95'], capOn: () => 50 },
  { name: 'healthcare', ips: ['203.0.113.107'], capOn: () => 300 },
];
const options = { margin: 1, minMessages: 100 };

describe('planRunawayVolume', () => {
  it.each([
    ['a cold stream at its cap', [h(9, '203.0.113.94', 50)], []],
    ['at the line (cap × 2, floor 100) is not over it', [h(9, '203.0.113.94', 60, 30, 10)], []],
    [
      'one over the line, spread over two IPs',
      [h(9, '203.0.113.94', 60), h(9, '203.0.113.95', 41)],
      ['trucking'],
    ],
    ['the May 30 blast: 1,200 an hour from one IP', [h(9, '203.0.113.94', 1000, 150, 50)], ['trucking']],
    ['an IP of no stream (the primary IP) is not counted here', [h(9, '203.0.113.71', 5000)], []],
    ['the warm stream at 300/h sends 590 an hour', [h(9, '203.0.113.107', 590)], []],
    [
      'two hours under the line each are not summed',
      [h(9, '203.0.113.94', 90), h(10, '203.0.113.94', 90)],
      [],
    ],
  ])('%s', (_name, hours, tripped) => {
    expect(planRunawayVolume(hours, streams, options).map((a) => a.stream)).toEqual(tripped);
  });

  it('names the worst hour, its IPs and every hour over the line', () => {
    const [alarm] = planRunawayVolume(
      [h(8, '203.0.113.94', 400), h(9, '203.0.113.94', 1100), h(9, '203.0.113.95', 100)],
      streams,
      options,
    );
    expect(alarm).toMatchObject({
      alarm: 'runaway_volume',
      stream: 'trucking',
      counts: {
        deliveries: 1200,
        cap: 50,
        threshold: 100,
        hours: 2,
        '203.0.113.94': 1100,
        '203.0.113.95': 100,
      },
    });
    expect(alarm!.hours.map((x) => x.hour)).toEqual([8, 9]);
    expect(alarm!.message).toContain(
      '1200 deliveries in the hour 2026-05-30 09:00 UTC against an hourly cap of 50',
    );
  });
});
