import { describe, expect, it } from 'vitest';
import { parseConfig } from '../load-config.js';
import { problemsOf } from '../testing/problems-of.js';
import { RAMP_PRESETS, RUNBOOK_POOL_TABLE } from './warmup.js';

const ip = (n: number, transport = `out${n}`) => ({
  address: `203.0.113.${n}`,
  prefix: 23,
  interface: 'ens18',
  transport,
  helo: `mta${n}.example.net`,
});

describe('warmup config section', () => {
  it('defaults to no streams', () => {
    expect(parseConfig({}).warmup).toEqual({ streams: {} });
  });

  it('fills a stream with the runbook tables, the 4,000/day ceiling and /etc/postfix', () => {
    const config = parseConfig({
      warmup: {
        primaryIp: '203.0.113.71',
        streams: { trucking: { ips: [ip(94, 'out05')], start: '2026-06-02' } },
      },
    });
    const stream = config.warmup.streams.trucking!;
    expect(stream.pool).toEqual(RUNBOOK_POOL_TABLE);
    expect(stream.hourlyCap).toEqual(RAMP_PRESETS.runbook);
    expect(stream.dailyCeiling).toBe(4000);
    expect(stream.retired).toEqual([]);
    expect(stream.postfix).toEqual({
      configDir: '/etc/postfix',
      lookupTables: ['hash:/etc/postfix/transport'],
    });
  });

  it.each(Object.keys(RAMP_PRESETS) as (keyof typeof RAMP_PRESETS)[])(
    'the %s preset is a valid hourly table within the default ceiling',
    (ramp) => {
      const config = parseConfig({
        warmup: {
          streams: { s: { ips: [ip(10)], start: { stampFile: '/etc/postfix/pw-warmup-start' }, ramp } },
        },
      });
      expect(config.warmup.streams.s!.hourlyCap).toEqual(RAMP_PRESETS[ramp]);
    },
  );

  it('accepts two streams with their own Postfix targets and Listmonk instances', () => {
    const config = parseConfig({
      listmonk: {
        instances: { trucking: { url: 'http://lm:9000' }, healthcare: { url: 'http://lmhc:9000' } },
      },
      warmup: {
        primaryIp: '203.0.113.71',
        streams: {
          trucking: {
            ips: [ip(94, 'out05'), ip(95, 'out06')],
            retired: ['203.0.113.91'],
            start: '2026-06-02',
            listmonk: ['trucking'],
          },
          healthcare: {
            ips: [ip(107, 'hcout1')],
            start: '2026-06-10',
            listmonk: ['healthcare'],
            hourlyCap: [
              { from: 0, to: 2, value: 100 },
              { from: 3, value: 400 },
            ],
            postfix: { service: 'hcrewrite/unix' },
          },
        },
      },
    });
    expect(Object.keys(config.warmup.streams)).toEqual(['trucking', 'healthcare']);
    expect(config.warmup.streams.healthcare!.postfix.service).toBe('hcrewrite/unix');
  });

  it('lists every problem at once: gaps, overlaps, retired among active, an IP in two streams, cap above ceiling', () => {
    const problems = problemsOf({
      warmup: {
        primaryIp: '203.0.113.71',
        streams: {
          trucking: {
            ips: [ip(94, 'out05'), ip(91, 'out02'), ip(71, 'out99')],
            retired: ['203.0.113.91'],
            start: '2026-06-02',
            pool: [
              { from: 0, to: 3, value: 3 },
              { from: 6, to: 9, value: 5 },
              { from: 8, to: 11, value: 4 },
              { from: 12, value: 8 },
            ],
            hourlyCap: [
              { from: 0, to: 1, value: 50 },
              { from: 2, value: 5000 },
            ],
            listmonk: ['trucking'],
          },
          healthcare: {
            ips: [ip(94, 'hcout1'), ip(96, 'out05')],
            start: { stampFile: '/etc/postfix/pw-hc-start' },
            dailyCeiling: 1000,
            sendingHours: 10,
            hourlyCap: [{ from: 0, value: 150 }],
            postfix: { configDir: '/etc/postfix-hc' },
          },
        },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'warmup.streams.trucking.pool.1.from: gap: no pool size for days 4-5',
        'warmup.streams.trucking.pool.2.from: overlap: days 8-9 are already covered by an earlier range',
        'warmup.streams.trucking.pool.2.value: pool size 4 is smaller than 5 before it; the pool only grows',
        'warmup.streams.trucking.hourlyCap.1.value: hourly cap 5000 is above the daily ceiling 4000',
        expect.stringMatching(
          /^warmup\.streams\.healthcare\.hourlyCap\.0\.value: hourly cap 150 × 10 sending hours = 1500\/day is above the daily ceiling 1000/,
        ),
        'warmup.streams.trucking.ips.1.address: 203.0.113.91 is retired but still listed among the sending IPs; remove it from ips',
        expect.stringMatching(
          /^warmup\.streams\.trucking\.ips\.2\.address: 203\.0\.113\.71 is the host's primaryIp/,
        ),
        'warmup.streams.healthcare.ips.0.address: 203.0.113.94 is a sending IP of both trucking and healthcare; an IP belongs to one stream',
        expect.stringMatching(
          /^warmup\.streams\.healthcare\.ips\.1\.transport: transport out05 is already used/,
        ),
        'warmup.streams.trucking.listmonk.0: no Listmonk instance "trucking"; add it under listmonk.instances or fix the name',
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it.each([
    [[{ from: 1, value: 3 }], 'pool.0.from: gap: no pool size for day 0'],
    [
      [
        { from: 0, value: 3 },
        { from: 4, value: 5 },
      ],
      'pool.0.to: only the last range may omit `to`',
    ],
    [[{ from: 0, to: 30, value: 3 }], 'pool.0.to: the last range must omit `to`'],
    [
      [
        { from: 0, to: 3, value: 3 },
        { from: 4, to: 2, value: 5 },
        { from: 5, value: 6 },
      ],
      'pool.1: range 4-2 ends before it starts',
    ],
  ])('rejects the day table %j', (pool, expected) => {
    const problems = problemsOf({ warmup: { streams: { s: { ips: [ip(10)], start: '2026-06-02', pool } } } });
    expect(problems.some((p) => p.startsWith(`warmup.streams.s.${expected}`))).toBe(true);
  });

  // Issue 20 (9): configDir becomes the argument of `postconf -c`, `postfix -c` and `postqueue -c`;
  // `config check` names a bad one before any command refuses it.
  it.each(['-oevil', 'etc/postfix', '/etc/postfix;reboot', '/etc/../root', '/etc/postfix two'])(
    'rejects the Postfix configDir %j',
    (configDir) => {
      const problems = problemsOf({
        warmup: { streams: { s: { ips: [ip(10)], start: '2026-06-02', postfix: { configDir } } } },
      });
      expect(problems).toEqual([
        'warmup.streams.s.postfix.configDir: must be an absolute path of letters, digits, _ . / - without .. (such as /etc/postfix-hc)',
      ]);
    },
  );

  it('reports a broken table even when the same stream has a type error', () => {
    const problems = problemsOf({
      warmup: { streams: { s: { ips: 'x', start: 5, hourlyCap: [{ from: 1, value: 3 }] } } },
    });
    expect(problems).toEqual([
      'warmup.streams.s.ips: Invalid input: expected array, received string',
      'warmup.streams.s.start: must be a date YYYY-MM-DD or { "stampFile": PATH }',
      'warmup.streams.s.hourlyCap.0.from: gap: no hourly cap for day 0',
    ]);
  });

  it('rejects one Listmonk instance feeding two streams (its sliding window is server-wide)', () => {
    const problems = problemsOf({
      listmonk: { instances: { main: { url: 'http://lm:9000' } } },
      warmup: {
        streams: {
          a: { ips: [ip(10)], start: '2026-06-02', listmonk: ['main'] },
          b: {
            ips: [ip(11)],
            start: '2026-06-02',
            listmonk: ['main'],
            postfix: { configDir: '/etc/postfix-b' },
          },
        },
      },
    });
    expect(problems).toEqual([
      'warmup.streams.b.listmonk.0: Listmonk instance "main" already feeds stream a; its sliding window is server-wide, so each stream needs its own instance',
    ]);
  });

  it('rejects a burned IP that is active in another stream, and two streams sharing one transport_maps', () => {
    const problems = problemsOf({
      warmup: {
        streams: {
          a: { ips: [ip(10)], retired: ['203.0.113.91'], start: '2026-06-02' },
          b: { ips: [ip(91)], start: '2026-02-30' },
        },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'warmup.streams.b.start: is not a real calendar date',
        'warmup.streams.b.ips.0.address: 203.0.113.91 is retired in stream a but a sending IP of b; a burned IP never rotates again',
        expect.stringMatching(
          /^warmup\.streams\.b\.postfix: streams a and b would both write transport_maps/,
        ),
      ]),
    );
  });
});
