import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlarmEpisodesRepository } from './alarm-episodes-repository.js';

describe.each(testEngines())('alarm episodes on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());

  it('lists episodes most recently seen first, by status and alarm', async () => {
    const at = (iso: string) => new Date(iso);
    await t.db
      .insertInto('alarms')
      .values([
        {
          alarm: 'bind_failure',
          scope: '203.0.113.94',
          severity: 'critical',
          status: 'closed',
          message: '3 bind failures',
          action: 're-bind',
          evidence: JSON.stringify({ counts: { '203.0.113.94': 3 }, samples: [], logDays: ['2026-06-16'] }),
          first_seen: at('2026-06-16T08:00:00Z'),
          last_seen: at('2026-06-16T09:00:00Z'),
          closed_at: at('2026-06-16T09:15:00Z'),
        },
        {
          alarm: 'gmail_unsolicited',
          severity: 'critical',
          message: 'Gmail answered 2 deliveries',
          // Written without logDays (and without action): still reads.
          evidence: JSON.stringify({ counts: { gmail_unsolicited: 2 }, samples: ['a line'] }),
          first_seen: at('2026-06-17T08:00:00Z'),
          last_seen: at('2026-06-17T10:00:00Z'),
        },
      ])
      .execute();
    const repo = createAlarmEpisodesRepository(t.db);
    const all = await repo.list();
    expect(all.map((a) => [a.alarm, a.scope, a.status])).toEqual([
      ['gmail_unsolicited', '', 'open'],
      ['bind_failure', '203.0.113.94', 'closed'],
    ]);
    expect(all[0]).toMatchObject({
      action: null,
      closedAt: null,
      evidence: { counts: { gmail_unsolicited: 2 }, samples: ['a line'], logDays: [] },
      lastSeen: at('2026-06-17T10:00:00Z'),
    });
    expect(typeof all[0]!.id).toBe('number');
    expect((await repo.list({ status: 'open' })).map((a) => a.alarm)).toEqual(['gmail_unsolicited']);
    expect((await repo.list({ status: 'closed' }))[0]).toMatchObject({
      closedAt: at('2026-06-16T09:15:00Z'),
      evidence: { logDays: ['2026-06-16'] },
    });
    expect(await repo.list({ alarm: 'bind_failure', status: 'open' })).toEqual([]);
    expect(await repo.list({ limit: 1 })).toHaveLength(1);
  });
});
