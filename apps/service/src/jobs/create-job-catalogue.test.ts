/**
 * The catalogue's report job on a real Postfix log (a public sample, test/fixtures/postfix): stored,
 * and a second run of the same span overwrites the day instead of adding to it. ~3 s (PGlite).
 */
import { createServer } from 'node:net';
import { oneIpStream } from '@mailramp/ops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestMailramp, type TestMailramp } from '../testing/index.js';
import { createJobCatalogue } from './create-job-catalogue.js';

const log = new URL(
  '../../../../test/fixtures/postfix/Hsn723-postfix_exporter-exporter_test.log',
  import.meta.url,
).pathname;
// The sample's lines are of Feb 11 (no year in syslog lines: the report takes the clock's).
const now = () => new Date('2026-02-11T20:00:00Z');

describe('the report job', () => {
  let t: TestMailramp;
  beforeAll(async () => {
    t = await openTestMailramp('pglite', { now, config: { report: { logFiles: [log] } } });
  });
  afterAll(() => t.destroy());

  it("stores today's figures, and a re-run overwrites them instead of adding", async () => {
    const { jobs } = createJobCatalogue(t.mailramp);
    const run = () => jobs.report({ slot: now(), signal: new AbortController().signal });
    const first = await run();
    expect(first.outcome).toBe('ok');
    expect(first.summary).toMatchObject({
      window: { since: '2026-02-11T00:00:00' },
      stored: { days: ['2026-02-11'] },
    });
    const db = await t.mailramp.db();
    const read = () => db.selectFrom('report_days').selectAll().execute();
    const once = await read();
    expect(once).toHaveLength(1);
    expect(once[0]?.sent).toBeGreaterThan(0);
    expect((first.summary.totals as { sent: number }).sent).toBe(once[0]?.sent);
    await run();
    const twice = await read();
    expect(twice.map((d) => d.sent)).toEqual(once.map((d) => d.sent));
  });
});

describe('a failed job run', () => {
  it('names the cause (ECONNREFUSED) and advises nothing the service lock refuses', async () => {
    // A port nothing listens on: the Listmonk instance is down.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const t = await openTestMailramp('pglite', {
      now: () => new Date('2026-06-22T07:20:00Z'),
      listmonk: { retry: { baseDelayMs: 1, maxDelayMs: 4 } },
      config: {
        suppress: { mailLog: [log] },
        listmonk: {
          instances: {
            trucking: { url: `http://127.0.0.1:${port}`, username: 'api', token: 'tok-dead-0000000000' },
          },
        },
        warmup: {
          streams: {
            trucking: oneIpStream({ start: '2026-06-20', listmonk: ['trucking'] }),
          },
        },
      },
    });
    try {
      const { jobs } = createJobCatalogue(t.mailramp);
      const context = { slot: new Date(), signal: new AbortController().signal };
      const result = await jobs.rampcap(context);
      expect(result.outcome).toBe('failed');
      expect(result.error).toContain('trucking/trucking');
      expect(result.error).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
      expect(result.error).not.toMatch(/mailramp ops/);
      // The suppression sync's unread instance: the cause too, not only the client's summary.
      const sync = await jobs['suppress-sync'](context);
      expect(sync.outcome).toBe('failed');
      expect(sync.error).toMatch(/^trucking: /);
      expect(sync.error).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    } finally {
      await t.destroy();
    }
  });
});
