import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { createRecordingRunner } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';
import { HOLD_200, ip } from './testing/rampcap-fixtures.js';

// The daily run against Listmonk stand-ins is in ops-rampcap-daily.test.ts: test files run in parallel.

function workdir(extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-rampcap-'));
  writeFileSync(
    join(dir, 'mailramp.config.json'),
    JSON.stringify({
      warmup: {
        streams: {
          trucking: {
            ips: [ip(94)],
            start: '2026-06-02',
            postfix: { lookupTables: [`hash:${join(dir, 'transport')}`] },
          },
          healthcare: {
            ips: [ip(107)],
            start: '2026-06-10',
            postfix: { configDir: '/etc/postfix-hc', lookupTables: [`hash:${join(dir, 'transport')}`] },
          },
        },
      },
      ...extra,
    }),
  );
  return dir;
}

describe.each(testEngines())('mailramp ops rampcap hold/release on %s', (engine) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  async function setup() {
    const dir = workdir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { args: db, destroy } = await createCliDatabase(engine, dir);
    cleanups.push(destroy);
    const now = () => new Date('2026-06-17T12:00:00Z');
    return async (...argv: string[]) => {
      const io = captureIo({ cwd: dir, now });
      const code = await runCli([...db, ...argv], io);
      return { code, out: io.out(), err: io.err() };
    };
  }

  it('holds a stream, is unchanged the second time, lists and releases it', async () => {
    const run = await setup();
    const hold = ['ops', 'rampcap', ...HOLD_200];
    const first = await run(...hold, '--reason', 'bad day: 54% delivery', '--json');
    expect(first.code).toBe(EXIT.OK);
    expect(JSON.parse(first.out)).toMatchObject({
      change: 'created',
      hold: {
        stream: 'trucking',
        rate: 200,
        until: '2026-06-24',
        reason: 'bad day: 54% delivery',
        releasedAt: null,
      },
    });
    const second = await run(...hold);
    expect(second).toMatchObject({ code: EXIT.OK, err: expect.stringContaining('nothing to do') });

    const list = await run('ops', 'rampcap', 'holds', '--json');
    expect(JSON.parse(list.out).holds).toHaveLength(1);

    const release = await run('ops', 'rampcap', 'release', '--stream', 'trucking', '--json');
    expect(JSON.parse(release.out).released).toMatchObject({
      rate: 200,
      releasedAt: '2026-06-17T12:00:00.000Z',
    });
    expect((await run('ops', 'rampcap', 'release', '--stream', 'trucking')).err).toContain('no hold');
    expect(JSON.parse((await run('ops', 'rampcap', 'holds', '--all', '--json')).out).holds).toHaveLength(1);
  });

  it('refuses a bad rate, a past date and an unknown stream with exit 2, storing nothing', async () => {
    const run = await setup();
    const base = ['ops', 'rampcap', 'hold', '--stream', 'trucking'];
    expect((await run(...base, '--rate', 'fast', '--until', '2026-06-24')).code).toBe(EXIT.USAGE);
    expect((await run(...base, '--rate', '5000', '--until', '2026-06-24')).code).toBe(EXIT.USAGE);
    const past = await run(...base, '--rate', '200', '--until', '2026-06-16');
    expect(past).toMatchObject({ code: EXIT.USAGE, err: expect.stringContaining('already past') });
    const unknown = await run(
      'ops',
      'rampcap',
      'hold',
      '--stream',
      'telecom',
      '--rate',
      '1',
      '--until',
      '2026-07-01',
    );
    expect(unknown.code).toBe(EXIT.USAGE);
    expect(JSON.parse((await run('ops', 'rampcap', 'holds', '--all', '--json')).out).holds).toEqual([]);
  });
});

// Issue 20 (8): the daily run's --date is checked like the build's: exists, years 2000–2199.
// Refused while the flags are parsed, before a database opens (the URL reaches none): once, not
// per engine.
describe('mailramp ops rampcap --date', () => {
  it.each([
    ['2026-02-30', /argument '2026-02-30' is invalid. expected a date YYYY-MM-DD that exists/],
    ['9999-12-31', /argument '9999-12-31' is invalid. expected a date in the years 2000–2199/],
    ['0001-01-01', /argument '0001-01-01' is invalid. expected a date in the years 2000–2199/],
  ])('refuses the daily run with --date %s: exit 2 and a clear message', async (date, message) => {
    const dir = workdir();
    try {
      const io = captureIo({ cwd: dir, now: () => new Date('2026-06-17T12:00:00Z') });
      const none = ['--database-url', 'postgres://nobody@127.0.0.1:1/none'];
      expect(await runCli([...none, 'ops', 'rampcap', '--date', date, '--json'], io)).toBe(EXIT.USAGE);
      expect(io.err()).toMatch(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(testEngines())('mailramp ops rampcap on a database never migrated (%s)', (engine) => {
  it('says to run `mailramp db migrate` and exits 2, creating nothing', async () => {
    const dir = workdir();
    // As initdb left it (the snapshot saves PGlite's initdb, several CPU-seconds).
    const { args: db, destroy } = await createCliDatabase(engine, dir, { migrate: false });
    try {
      const hold = ['ops', 'rampcap', ...HOLD_200];
      for (const argv of [hold, ['ops', 'rampcap', 'holds']]) {
        const io = captureIo({ cwd: dir, now: () => new Date('2026-06-17T12:00:00Z') });
        expect(await runCli([...db, ...argv], io)).toBe(EXIT.USAGE);
        expect(io.err()).toMatch(/not migrated.*mailramp db migrate/);
      }
      // Still nothing there: the migrate that follows starts from an empty database.
      const io = captureIo({ cwd: dir });
      expect(await runCli([...db, 'db', 'status'], io)).toBe(EXIT.FINDINGS);
    } finally {
      await destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mailramp ops rampcap usage', () => {
  it('prints help for the group and the daily run; refuses streams that feed no Listmonk (exit 2)', async () => {
    const dir = workdir();
    for (const argv of [
      ['ops', 'rampcap', '--help'],
      ['ops', 'rampcap', 'run', '--help'],
    ]) {
      const io = captureIo({ cwd: dir });
      expect(await runCli(argv, io)).toBe(EXIT.OK);
      expect(io.out()).toContain('Usage: mailramp ops rampcap');
    }
    const none = captureIo({ cwd: dir });
    expect(await runCli(['ops', 'rampcap', '--apply'], none)).toBe(EXIT.USAGE);
    expect(none.err()).toContain(
      'none of the warm-up streams (trucking, healthcare) feeds a Listmonk instance, so there is no sliding window to set',
    );
    const one = captureIo({ cwd: dir });
    expect(await runCli(['ops', 'rampcap', '--stream', 'healthcare'], one)).toBe(EXIT.USAGE);
    expect(one.err()).toContain(
      'stream healthcare feeds no Listmonk instance, so there is no sliding window to set; define the instance under listmonk.instances named after the vertical the stream is named after (or build.verticals.<v>.listmonkInstance), or list instance names in warmup.streams.healthcare.listmonk',
    );
  });
});

describe('mailramp ops hold-map', () => {
  it('prints transport lines for the Yahoo family by default, config adjustments included', async () => {
    const dir = workdir({
      mailbox: { families: { disabled: ['google_consumer'], extra: { yahoo: ['cox.net'] } } },
    });
    const io = captureIo({ cwd: dir });
    expect(await runCli(['ops', 'hold-map'], io)).toBe(EXIT.OK);
    const lines = io.out().trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^yahoo\.com +hold:$/),
        expect.stringMatching(/^cox\.net +hold:$/),
      ]),
    );
    expect(io.out()).not.toContain('gmail.com');
    expect(io.out()).not.toContain('hotmail.com');
    expect(lines.every((l) => /^[a-z0-9.-]+ +hold:$/.test(l))).toBe(true);
  });

  it('--write refuses a table that routes other mail, then fills its own table, runs postmap once, then does nothing', async () => {
    const dir = workdir();
    const table = `hash:${join(dir, 'transport')}`;
    writeFileSync(join(dir, 'transport'), 'aol.com yahooslow:\n');
    const runner = createRecordingRunner(({ command, args }) =>
      command === 'postconf' && args.includes('transport_maps')
        ? { stdout: `${table}, randmap:{out05:}\n` }
        : undefined,
    );
    const io = captureIo({ cwd: dir, runner });
    expect(await runCli(['ops', 'hold-map', '--write'], io)).toBe(EXIT.REFUSED);
    expect(io.err()).toContain('it also routes 1 other key(s) (line 1: "aol.com yahooslow:")');
    expect(runner.calls).toEqual([]);
    expect(readFileSync(join(dir, 'transport'), 'utf8')).toBe('aol.com yahooslow:\n');

    writeFileSync(join(dir, 'transport'), '# mailramp hold: table\n');
    const written = captureIo({ cwd: dir, runner });
    expect(await runCli(['ops', 'hold-map', '--write'], written)).toBe(EXIT.OK);
    expect(runner.calls.filter((c) => c.command === 'postmap')).toEqual([
      { command: 'postmap', args: [table] },
    ]);
    expect(readFileSync(join(dir, 'transport'), 'utf8')).toMatch(
      /^# mailramp hold: table\n\n# BEGIN mailramp hold-map/,
    );

    const again = captureIo({ cwd: dir, runner });
    await runCli(['ops', 'hold-map', '--write', '--family', 'yahoo'], again);
    expect(runner.calls.filter((c) => c.command === 'postmap')).toHaveLength(1);
    expect(again.err()).toContain('nothing to do');
    expect((await runCli(['ops', 'hold-map', '--family', 'nope'], captureIo({ cwd: dir }))).valueOf()).toBe(
      EXIT.USAGE,
    );
  });
});
