import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@mailramp/config';
import { getHourlyCap, getPoolSize, planPool } from '@mailramp/ops';
import { createRecordingRunner } from '@mailramp/ops/testing';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const ip = (n: number) => ({
  address: `207.174.124.${n}`,
  prefix: 23,
  interface: 'ens18',
  transport: `out${String(n - 89).padStart(2, '0')}`,
  helo: `mta${String(n - 89).padStart(2, '0')}.example.net`,
});
// The runbook's host: .91-.93 burned, rotation from .94 (out05) on.
const IPS = Array.from({ length: 16 }, (_, i) => ip(94 + i));

describe('the default ramp tables (runbook, DOMAIN.md §3) at every day boundary', () => {
  const stream = parseConfig({
    warmup: { streams: { trucking: { ips: IPS, retired: ['207.174.124.91'], start: '2026-06-02' } } },
  }).warmup.streams.trucking!;

  it.each([
    [0, 3],
    [3, 3],
    [4, 5],
    [7, 5],
    [8, 8],
    [11, 8],
    [12, 12],
    [17, 12],
    [18, 16],
    [24, 16],
    [25, 19],
    [400, 19],
    [-1, 3],
  ])('pool size on day %i is %i', (day, size) => {
    expect(getPoolSize(stream.pool, day)).toBe(size);
  });

  it.each([
    [0, 50],
    [1, 50],
    [2, 150],
    [3, 150],
    [4, 250],
    [6, 250],
    [7, 300],
    [400, 300],
  ])('hourly cap on day %i is %i/h', (day, cap) => {
    expect(getHourlyCap(stream.hourlyCap, day)).toBe(cap);
  });

  it.each([
    [
      'sendgrid',
      [
        [0, 20],
        [1, 28],
        [2, 39],
        [3, 55],
        [4, 77],
        [5, 108],
        [6, 151],
        [7, 211],
        [8, 295],
        [9, 400],
        [90, 400],
      ],
    ],
    [
      'sparkpost',
      [
        [0, 20],
        [1, 50],
        [2, 100],
        [3, 200],
        [4, 400],
        [90, 400],
      ],
    ],
  ] as const)('the %s preset', (ramp, expected) => {
    const s = parseConfig({ warmup: { streams: { s: { ips: IPS, start: '2026-06-02', ramp } } } }).warmup
      .streams.s!;
    for (const [day, cap] of expected) expect(getHourlyCap(s.hourlyCap, day)).toBe(cap);
  });

  it('with 16 IPs the day-25 pool is all 16 and says it is 3 short', () => {
    const plan = planPool({ ips: stream.ips, retired: stream.retired, table: stream.pool, day: 25 });
    expect(plan.pool).toHaveLength(16);
    expect(plan.shortfall).toBe(3);
  });
});

function masterCf(transports: string[], options: { enforce?: boolean } = {}): string {
  return transports
    .map((t, i) =>
      [
        `${t} unix - - n - - smtp`,
        `  -o smtp_bind_address=207.174.124.${94 + i}`,
        ...(options.enforce === false ? [] : ['  -o smtp_bind_address_enforce=yes']),
        `  -o syslog_name=postfix/${t}`,
      ].join('\n'),
    )
    .join('\n');
}

function host(options: { enforce?: boolean; stamp?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-warmup-'));
  writeFileSync(
    join(dir, 'master.cf'),
    masterCf(
      IPS.map((i) => i.transport),
      options,
    ),
  );
  writeFileSync(join(dir, 'pw-warmup-start'), options.stamp ?? '1780387200\n');
  writeFileSync(
    join(dir, 'mailramp.config.json'),
    JSON.stringify({
      warmup: {
        primaryIp: '207.174.124.71',
        streams: {
          trucking: {
            ips: IPS,
            retired: ['207.174.124.91', '207.174.124.92', '207.174.124.93'],
            start: { stampFile: join(dir, 'pw-warmup-start') },
            postfix: { configDir: dir },
          },
        },
      },
    }),
  );
  // A Postfix that remembers what postconf -e wrote.
  const state = { transportMaps: 'hash:/etc/postfix/transport, randmap:{out02:,out03:,out04:}' };
  const runner = createRecordingRunner(({ command, args }) => {
    if (command === 'postconf' && args.includes('transport_maps'))
      return { stdout: `${state.transportMaps}\n` };
    if (command === 'postconf' && args.includes('-e'))
      state.transportMaps = args.at(-1)!.replace('transport_maps=', '');
    return undefined;
  });
  const run = async (...argv: string[]) => {
    const io = captureIo({ cwd: dir, runner });
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  return { dir, runner, state, run };
}

describe('mailramp ops warmup', () => {
  it('--json prints the day, the pool and the exact transport_maps, without touching Postfix', async () => {
    const h = host();
    const { code, out } = await h.run(
      'ops',
      'warmup',
      '--date',
      '2026-06-06',
      '--stream',
      'trucking',
      '--json',
    );
    expect(code).toBe(EXIT.OK);
    const plan = JSON.parse(out);
    expect(plan).toMatchObject({
      stream: 'trucking',
      day: 4,
      start: '2026-06-02',
      transportMaps: 'hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:}',
      currentTransportMaps: 'hash:/etc/postfix/transport, randmap:{out02:,out03:,out04:}',
      dropped: ['out02', 'out03', 'out04'],
      changed: true,
    });
    expect(plan.pool.map((p: { address: string }) => p.address)).toEqual([
      '207.174.124.94',
      '207.174.124.95',
      '207.174.124.96',
      '207.174.124.97',
      '207.174.124.98',
    ]);
    expect(h.runner.calls).toEqual([
      { command: 'postconf', args: ['-c', h.dir, '-h', 'transport_maps'] },
      { command: 'postconf', args: ['-c', h.dir, '-h', 'smtp_bind_address_enforce'] },
    ]);
  });

  it('--apply runs exactly postconf -e and postfix reload, prints what changed, and a second run changes nothing', async () => {
    const h = host();
    const first = await h.run('ops', 'warmup', '--date', '2026-06-11', '--apply');
    expect(first.code).toBe(EXIT.OK);
    const value =
      'hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:,out10:,out11:,out12:}';
    expect(h.runner.calls).toEqual([
      { command: 'postconf', args: ['-c', h.dir, '-h', 'transport_maps'] },
      { command: 'postconf', args: ['-c', h.dir, '-h', 'smtp_bind_address_enforce'] },
      { command: 'postconf', args: ['-c', h.dir, '-e', `transport_maps=${value}`] },
      { command: 'postfix', args: ['-c', h.dir, 'reload'] },
      // read back and checked
      { command: 'postconf', args: ['-c', h.dir, '-h', 'transport_maps'] },
      { command: 'postconf', args: ['-c', h.dir, '-h', 'smtp_bind_address_enforce'] },
    ]);
    expect(first.err).toContain('checked: Postfix now reads');
    expect(first.err).toContain(
      `changed transport_maps: hash:/etc/postfix/transport, randmap:{out02:,out03:,out04:} -> ${value}`,
    );
    expect(h.state.transportMaps).toBe(value);

    h.runner.calls.length = 0;
    const second = await h.run('ops', 'warmup', '--date', '2026-06-11', '--apply', '--json');
    expect(second.code).toBe(EXIT.OK);
    expect(JSON.parse(second.out).streams[0].applied).toEqual({
      changed: false,
      commands: [],
      reloaded: false,
    });
    expect(h.runner.calls).toHaveLength(2);
    expect(second.err).toContain('nothing to do');

    // A date in the past (a wrong --date, a clock reset) never takes a warmed IP out of rotation.
    h.runner.calls.length = 0;
    const past = await h.run('ops', 'warmup', '--date', '2026-06-03', '--apply', '--json');
    expect(JSON.parse(past.out).streams[0]).toMatchObject({
      day: 1,
      target: 3,
      transportMaps: value,
      changed: false,
    });
  });

  it('errors (exit 1) when a pool transport lacks smtp_bind_address_enforce=yes', async () => {
    const h = host({ enforce: false });
    const { code, err } = await h.run('ops', 'warmup', '--date', '2026-06-02');
    expect(code).toBe(EXIT.FINDINGS);
    expect(err).toMatch(
      /error: out05: no -o smtp_bind_address_enforce=yes .* silently sends from the primary IP/,
    );
  });

  // Issue 20 (8): a date that does not exist, or a year JavaScript dates cannot carry through the
  // warm-up arithmetic, is a usage error naming the accepted range — like the build's --date.
  it.each([
    ['2026-02-30', /argument '2026-02-30' is invalid. expected a date YYYY-MM-DD that exists/],
    ['9999-12-31', /argument '9999-12-31' is invalid. expected a date in the years 2000–2199/],
    ['0001-01-01', /argument '0001-01-01' is invalid. expected a date in the years 2000–2199/],
    ['+20000-01-01', /expected a date YYYY-MM-DD that exists/],
  ])('refuses --date %s with exit 2 and a clear message, touching nothing', async (date, message) => {
    const h = host();
    const { code, err } = await h.run('ops', 'warmup', '--date', date, '--apply');
    expect(code).toBe(EXIT.USAGE);
    expect(err).toMatch(message);
    expect(h.runner.calls).toEqual([]);
  });

  it('rejects a bad date, an unknown stream and a broken stamp file with exit 2', async () => {
    const h = host({ stamp: 'tomorrow' });
    expect((await h.run('ops', 'warmup', '--date', '2026-13-01')).code).toBe(EXIT.USAGE);
    const unknown = await h.run('ops', 'warmup', '--stream', 'telecom');
    expect(unknown).toMatchObject({ code: EXIT.USAGE, err: expect.stringContaining('configured: trucking') });
    const stamp = await h.run('ops', 'warmup', '--date', '2026-06-02');
    expect(stamp).toMatchObject({
      code: EXIT.USAGE,
      err: expect.stringContaining('must hold epoch seconds'),
    });
  });
});
