import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testEngines } from '@mailramp/db/testing';
import { createRecordingRunner } from '@mailramp/ops';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const ip = (n: number) => ({
  address: `207.174.124.${n}`,
  prefix: 23,
  interface: 'ens18',
  transport: `out${n}`,
  helo: `mta${n}.example.net`,
});

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
    let db: string[];
    if (engine === 'pglite') {
      db = ['--data-dir', join(dir, 'data')];
      expect(await runCli([...db, 'db', 'migrate'], captureIo({ cwd: dir }))).toBe(EXIT.OK);
    } else {
      const t = await createTestDatabase({ engine });
      cleanups.push(() => t.destroy());
      db = ['--database-url', t.url!];
    }
    const now = () => new Date('2026-06-17T12:00:00Z');
    return async (...argv: string[]) => {
      const io = captureIo({ cwd: dir, now });
      const code = await runCli([...db, ...argv], io);
      return { code, out: io.out(), err: io.err() };
    };
  }

  it('holds a stream, is unchanged the second time, lists and releases it', async () => {
    const run = await setup();
    const hold = ['ops', 'rampcap', 'hold', '--stream', 'trucking', '--rate', '200', '--until', '2026-06-24'];
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

describe('mailramp ops hold-map', () => {
  it('prints transport lines for every enabled family, config adjustments included', async () => {
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
    expect(lines.every((l) => /^[a-z0-9.-]+ +hold:$/.test(l))).toBe(true);
  });

  it('--write updates the stream table file, runs postmap once, then does nothing; warns about a second route', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'transport'), 'aol.com yahooslow:\n');
    const runner = createRecordingRunner();
    const io = captureIo({ cwd: dir, runner });
    expect(await runCli(['ops', 'hold-map', '--write', '--family', 'yahoo'], io)).toBe(EXIT.FINDINGS);
    expect(runner.calls).toEqual([{ command: 'postmap', args: [`hash:${join(dir, 'transport')}`] }]);
    expect(io.err()).toContain('line 1 routes aol.com too');
    expect(readFileSync(join(dir, 'transport'), 'utf8')).toMatch(
      /^aol\.com yahooslow:\n\n# BEGIN mailramp hold-map/,
    );

    const again = captureIo({ cwd: dir, runner });
    await runCli(['ops', 'hold-map', '--write', '--family', 'yahoo'], again);
    expect(runner.calls).toHaveLength(1);
    expect(again.err()).toContain('nothing to do');
    expect((await runCli(['ops', 'hold-map', '--family', 'nope'], captureIo({ cwd: dir }))).valueOf()).toBe(
      EXIT.USAGE,
    );
  });
});
