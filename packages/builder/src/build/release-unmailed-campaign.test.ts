import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { countLapsedRows, countStampedRows, releaseUnmailedCampaign } from './ledger-repository.js';

// Stamps with microseconds, as PostgreSQL stores them: compared in SQL, never through a JS Date.
const OLDER = '2026-06-01T14:00:00.111111Z';
const X = '2026-06-22T14:00:00.222222Z';
const LATER = '2026-06-23T14:00:00.333333Z';
const drafted = { instance: 'trucking', campaignId: 7 };

describe.each(testEngines())('releaseUnmailedCampaign on %s', (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.destroy();
  });

  it('takes back only the stamps this campaign holds, and a second call changes nothing', async () => {
    t = await createTestDatabase({ engine });
    const db = t.db;
    const run = await db
      .insertInto('build_runs')
      .values({ vertical: 'trucking', build_date: '2026-06-22' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // 1001: only this campaign stamped it (a cycle touch too). 1002: an older campaign mailed it.
    // 1003: a later campaign stamped it since. 1004: in another campaign, untouched.
    const sent: Record<number, string> = { 1001: X, 1002: X, 1003: LATER, 1004: OLDER };
    for (const [dot, at] of Object.entries(sent)) {
      await db
        .insertInto('fmcsa_carriers')
        .values({
          dot_number: Number(dot),
          legal_name: `Carrier ${dot}`,
          email: `o@c${dot}.example`,
          listmonk_sent_at: at,
        })
        .execute();
    }
    const row = (
      key: number,
      campaignId: number,
      date: string,
      stamp: string,
      cycle: [string, number] | null,
    ) =>
      db
        .insertInto('send_ledger')
        .values({
          vertical: 'trucking',
          recipient_key: String(key),
          email: `o@c${key}.example`,
          operator: 'google',
          segment: cycle === null ? 'mcs150' : 'ucr',
          build_date: date,
          build_run_id: run.id,
          listmonk_instance: 'trucking',
          list_name: `list-${campaignId}`,
          campaign_name: `campaign-${campaignId}`,
          campaign_id: campaignId,
          send_at: `${date}T14:00:00Z`,
          state: 'scheduled',
          cycle: cycle?.[0] ?? null,
          touch: cycle?.[1] ?? null,
          updated_at: stamp,
        })
        .execute();
    await row(1001, 7, '2026-06-22', X, ['2026', 1]);
    await row(1002, 7, '2026-06-22', X, null);
    await row(1003, 7, '2026-06-22', X, null);
    await row(1002, 5, '2026-06-01', OLDER, null);
    await row(1003, 9, '2026-06-23', LATER, null);
    await row(1004, 5, '2026-06-01', OLDER, null);
    await db
      .insertInto('segment_touches')
      .values({
        vertical: 'trucking',
        segment: 'ucr',
        recipient_key: '1001',
        cycle: '2026',
        touch: 1,
        reminded_at: sql<Date>`${X}::timestamptz`,
        updated_at: X,
      })
      .execute();

    expect(await countStampedRows(db, drafted)).toBe(3);
    const at = new Date('2026-06-22T16:00:00Z');
    expect(await releaseUnmailedCampaign(db, drafted, 'never mailed', at)).toBe(3);
    const stamps = async () =>
      Object.fromEntries(
        (
          await db
            .selectFrom('fmcsa_carriers')
            .select(['dot_number', 'listmonk_sent_at'])
            .orderBy('dot_number')
            .execute()
        ).map((r) => [r.dot_number, r.listmonk_sent_at?.toISOString() ?? null]),
      );
    expect(await stamps()).toEqual({
      1001: null,
      1002: new Date(OLDER).toISOString(),
      1003: new Date(LATER).toISOString(),
      1004: new Date(OLDER).toISOString(),
    });
    expect(
      await db
        .selectFrom('segment_touches')
        .select(['touch', 'reminded_at'])
        .where('recipient_key', '=', '1001')
        .execute(),
    ).toEqual([{ touch: 0, reminded_at: null }]);
    const states = await db
      .selectFrom('send_ledger')
      .select(['recipient_key', 'campaign_id', 'state', 'refusal'])
      .orderBy('campaign_id')
      .orderBy('recipient_key')
      .execute();
    expect(states.map((s) => [s.campaign_id, s.recipient_key, s.state, s.refusal])).toEqual([
      [5, '1002', 'scheduled', null],
      [5, '1004', 'scheduled', null],
      [7, '1001', 'lapsed', 'never mailed'],
      [7, '1002', 'lapsed', 'never mailed'],
      [7, '1003', 'lapsed', 'never mailed'],
      [9, '1003', 'scheduled', null],
    ]);
    expect(await countLapsedRows(db, drafted, 'never mailed')).toBe(3);
    expect(await countStampedRows(db, drafted)).toBe(0);

    const before = await db.selectFrom('fmcsa_carriers').selectAll().orderBy('dot_number').execute();
    expect(await releaseUnmailedCampaign(db, drafted, 'again', new Date('2026-06-22T17:00:00Z'))).toBe(0);
    expect(await db.selectFrom('fmcsa_carriers').selectAll().orderBy('dot_number').execute()).toEqual(before);
    expect(await countLapsedRows(db, drafted, 'never mailed')).toBe(3);
  });
});
