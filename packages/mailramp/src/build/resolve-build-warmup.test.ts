/**
 * The warm-up day a build caps by, decided by the SDK (issue #22: it was the CLI's build command):
 * the stream named after the vertical, else the one feeding the vertical's Listmonk instance; its
 * start from the config or the stamp file; the stream's hourly ramp × sending hours bounding the day.
 */
import { parseConfig } from '@mailramp/config';
import { describe, expect, it } from 'vitest';
import { listmonkInstanceOf } from '../listmonk/listmonk-instance-of.js';
import { resolveBuildWarmup } from './resolve-build-warmup.js';

const ip = (n: number, transport: string) => ({
  address: `203.0.113.${n}`,
  prefix: 24,
  interface: 'eth0',
  transport,
  helo: `mta${n}.example.net`,
});
const ramp = [
  { from: 0, to: 6, value: 20 },
  { from: 7, to: 13, value: 60 },
  { from: 14, value: 200 },
];
// The runbook's host: trucking's stream by its name, started by `date +%s > pw-warmup-start`;
// healthcare's mail goes through the Listmonk instance `hc`, fed by the stream `second`.
const config = parseConfig({
  listmonk: {
    instances: {
      trucking: { url: 'http://127.0.0.1:9001', username: 'api', token: 't' },
      hc: { url: 'http://127.0.0.1:9002', username: 'api', token: 't' },
    },
  },
  build: { verticals: { healthcare: { listmonkInstance: 'hc' } } },
  warmup: {
    streams: {
      trucking: {
        ips: [ip(10, 'out01')],
        start: { stampFile: '/etc/postfix/pw-warmup-start' },
        hourlyCap: ramp,
        sendingHours: 5,
      },
      second: {
        ips: [ip(20, 'out02')],
        start: '2026-06-10',
        hourlyCap: ramp,
        listmonk: ['hc'],
        postfix: { configDir: '/etc/postfix-second' },
      },
    },
  },
});
// 2026-06-02T09:30:00Z, as `date +%s` wrote it.
const stamps: Record<string, string> = { '/etc/postfix/pw-warmup-start': '1780392600\n' };
const readTextFile = async (path: string) => {
  const text = stamps[path];
  if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
  return text;
};
const resolve = (vertical: string, date: string, override?: number) =>
  resolveBuildWarmup(config, {
    vertical,
    instance: listmonkInstanceOf(config, vertical),
    date,
    override,
    readTextFile,
  });

describe('resolveBuildWarmup', () => {
  it('counts the day from the stamp file of the stream named after the vertical', async () => {
    const warmup = await resolve('trucking', '2026-06-11');
    expect(warmup.day).toBe(9);
    expect(warmup.source).toBe(
      'stream trucking started /etc/postfix/pw-warmup-start (2026-06-02T09:30:00.000Z)',
    );
    expect(warmup.stream).toEqual({ name: 'trucking', hourlyCap: 60, sendingHours: 5 });
  });

  it("finds the stream feeding the vertical's Listmonk instance when none is named after it", async () => {
    const warmup = await resolve('healthcare', '2026-06-24');
    expect(warmup).toMatchObject({ day: 14, source: 'stream second started 2026-06-10' });
    expect(warmup.stream).toMatchObject({ name: 'second', hourlyCap: 200 });
  });

  it('is day 0 before the start, and --warmup-day caps the stream at its own day', async () => {
    expect((await resolve('healthcare', '2026-06-01')).day).toBe(0);
    const forced = await resolve('trucking', '2026-06-11', 3);
    expect(forced).toEqual({
      day: 3,
      source: '--warmup-day',
      stream: { name: 'trucking', hourlyCap: 20, sendingHours: 5 },
    });
  });

  it('without a stream for the vertical, day 0 says why and bounds nothing', async () => {
    const none = parseConfig({});
    const warmup = await resolveBuildWarmup(none, {
      vertical: 'trucking',
      instance: listmonkInstanceOf(none, 'trucking'),
      date: '2026-06-11',
      readTextFile,
    });
    expect(warmup).toEqual({ day: 0, source: 'no warm-up stream configured: day 0 (the most careful caps)' });
  });

  it('a stamp file that cannot be read is the coded INVALID_STAMP saying how to write it', async () => {
    const broken = parseConfig({
      warmup: { streams: { trucking: { ips: [ip(10, 'out01')], start: { stampFile: '/nope/start' } } } },
    });
    await expect(
      resolveBuildWarmup(broken, {
        vertical: 'trucking',
        instance: 'trucking',
        date: '2026-06-11',
        readTextFile,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_STAMP',
      message: expect.stringContaining('date +%s > /nope/start'),
    });
  });
});
