/**
 * The dashboard's series read back from stored report results (on the run's engine,
 * `testEngines`): days with no report are gaps (zeros, `reported: false`, rates null), a NULL queue
 * size stays null, IPs sort
 * numerically, operators busiest first, the last day's mix and reasons; bad input is refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, testEngines } from '@mailramp/db/testing';
import { describe, expect, it } from 'vitest';
import { type Mailramp, openMailramp } from '../index.js';

const now = () => new Date('2026-06-22T18:30:00Z');

async function openOn(engine: Engine): Promise<{ mailramp: Mailramp; destroy: () => Promise<void> }> {
  const options = { env: {}, now };
  if (engine === 'postgres') {
    const test = await createTestDatabase({ engine: 'postgres' });
    const mailramp = await openMailramp({ database: { url: test.url } }, options);
    return { mailramp, destroy: () => mailramp.close().then(() => test.destroy()) };
  }
  const dir = await mkdtemp(join(tmpdir(), 'mailramp-history-'));
  await createTestDataDir(join(dir, 'data'));
  const mailramp = await openMailramp({ database: { dataDir: join(dir, 'data') } }, options);
  return { mailramp, destroy: () => mailramp.close().then(() => rm(dir, { recursive: true, force: true })) };
}

describe.each(testEngines())('history.deliveries on %s', (engine) => {
  it('shapes report_days, report_hours and report_outcomes as aligned day series', async () => {
    const t = await openOn(engine);
    try {
      const db = await t.mailramp.db();
      await db
        .insertInto('report_days')
        .values([
          { day: '2026-06-19', sent: 90, deferred: 10, bounced: 0, dkim_signed: 95, dkim_messages: 100 },
          // 2026-06-20 missing: the service was down, no report stored it.
          { day: '2026-06-21', sent: 0, deferred: 0, bounced: 0, queue_size: null },
          {
            day: '2026-06-22',
            sent: 60,
            deferred: 25,
            bounced: 15,
            expired: 2,
            egress: 100,
            primary_egress: 4,
            queue_size: 37,
            read_until: '2026-06-22T18:15:00Z',
          },
          // Outside the window: never read.
          { day: '2026-06-18', sent: 5000 },
        ])
        .execute();
      await db
        .insertInto('report_hours')
        .values([
          { day: '2026-06-19', hour: 14, ip: '203.0.113.10', sent: 40, deferred: 10 },
          { day: '2026-06-19', hour: 15, ip: '203.0.113.10', sent: 20 },
          { day: '2026-06-19', hour: 14, ip: '203.0.113.9', sent: 30 },
          { day: '2026-06-22', hour: 9, ip: '203.0.113.10', sent: 60, deferred: 25, bounced: 15 },
          { day: '2026-06-18', hour: 9, ip: '203.0.113.99', sent: 5000 },
        ])
        .execute();
      const o = (day: string, ip: string, operator: string, outcome: string, count: number, reason = '') => ({
        day,
        ip,
        operator,
        outcome,
        reason,
        count,
      });
      await db
        .insertInto('report_outcomes')
        .values([
          o('2026-06-19', '203.0.113.10', 'google', 'accepted', 50),
          o('2026-06-19', '203.0.113.9', 'google', 'accepted', 30),
          o('2026-06-19', '203.0.113.10', 'microsoft', 'accepted', 10),
          o('2026-06-19', '203.0.113.10', 'microsoft', 'throttled', 10, '451 4.7.650 rate limited (S775)'),
          o('2026-06-22', '203.0.113.10', 'google', 'accepted', 20),
          o(
            '2026-06-22',
            '203.0.113.10',
            'google',
            'reputation_reject',
            15,
            '550-5.7.1 likely unsolicited mail',
          ),
          o('2026-06-22', '203.0.113.10', 'microsoft', 'accepted', 40),
          o('2026-06-22', '203.0.113.10', 'microsoft', 'throttled', 20, '451 4.7.650 rate limited (S775)'),
          o(
            '2026-06-22',
            '203.0.113.10',
            'microsoft',
            'temporary_failure',
            5,
            'connect: Connection timed out',
          ),
          o('2026-06-18', '203.0.113.99', 'yahoo', 'accepted', 5000),
        ])
        .execute();

      const h = await t.mailramp.history.deliveries({ days: 4 });
      expect(h.days).toEqual(['2026-06-19', '2026-06-20', '2026-06-21', '2026-06-22']);
      expect(h.totals.map((d) => [d.reported, d.sent, d.deliveryRate])).toEqual([
        [true, 90, 0.9],
        [false, 0, null],
        [true, 0, null],
        [true, 60, 0.6],
      ]);
      expect(h.totals[0]!.dkimRatio).toBe(0.95);
      expect(h.totals[2]!.queueSize).toBeNull();
      expect(h.totals[3]).toMatchObject({
        queueSize: 37,
        primaryEgress: 4,
        expired: 2,
        readUntil: '2026-06-22T18:15:00.000Z',
      });
      expect(h.byIp).toEqual([
        {
          ip: '203.0.113.9',
          sent: [30, 0, 0, 0],
          attempts: [30, 0, 0, 0],
          deliveryRate: [1, null, null, null],
        },
        {
          ip: '203.0.113.10',
          sent: [60, 0, 0, 60],
          attempts: [70, 0, 0, 100],
          deliveryRate: [60 / 70, null, null, 0.6],
        },
      ]);
      expect(h.byOperator).toEqual([
        // Busiest over the whole span first: google 115 attempts, microsoft 85.
        { operator: 'google', accepted: [80, 0, 0, 20], attempts: [80, 0, 0, 35] },
        { operator: 'microsoft', accepted: [10, 0, 0, 40], attempts: [20, 0, 0, 65] },
      ]);
      expect(h.last).toEqual({
        day: '2026-06-22',
        outcomes: [
          { outcome: 'accepted', count: 60 },
          { outcome: 'throttled', count: 20 },
          { outcome: 'reputation_reject', count: 15 },
          { outcome: 'temporary_failure', count: 5 },
        ],
        operators: [
          {
            operator: 'microsoft',
            total: 65,
            outcomes: { accepted: 40, throttled: 20, temporary_failure: 5 },
          },
          { operator: 'google', total: 35, outcomes: { accepted: 20, reputation_reject: 15 } },
        ],
        reasons: [
          { outcome: 'throttled', reason: '451 4.7.650 rate limited (S775)', count: 20 },
          { outcome: 'reputation_reject', reason: '550-5.7.1 likely unsolicited mail', count: 15 },
          { outcome: 'temporary_failure', reason: 'connect: Connection timed out', count: 5 },
        ],
        hours: [{ hour: 9, ip: '203.0.113.10', sent: 60, attempts: 100 }],
      });

      const earlier = await t.mailramp.history.deliveries({ days: 2, until: '2026-06-19' });
      expect(earlier.days).toEqual(['2026-06-18', '2026-06-19']);
      expect(earlier.totals[0]!.sent).toBe(5000);
      expect(earlier.last.reasons).toEqual([
        { outcome: 'throttled', reason: '451 4.7.650 rate limited (S775)', count: 10 },
      ]);

      for (const days of [0, 91, 1.5, Number.NaN]) {
        await expect(t.mailramp.history.deliveries({ days })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          message: expect.stringContaining('days must be a whole number from 1 to 90'),
        });
      }
      for (const until of ['2026-02-31', 'yesterday', '2026-6-1']) {
        await expect(t.mailramp.history.deliveries({ until })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          message: expect.stringContaining('until must be a date YYYY-MM-DD'),
        });
      }
    } finally {
      await t.destroy();
    }
  });
});
