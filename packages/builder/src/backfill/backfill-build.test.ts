import type { NewFmcsaCarrier } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBuild } from '../build/plan-build.js';
import { resolveBuildRules } from '../build/resolve-build-rules.js';
import { carrierRow } from '../testing/carrier-row.js';
import { applyBackfill } from './apply-backfill.js';
import { parseBackfillFilter } from './backfill-request.js';
import { revertBackfill } from './revert-backfill.js';

const DATE = '2026-11-24';
const now = () => new Date('2026-11-24T06:00:00Z');

/** Carriers with no MCS-150 on file: overdue, so the daily build picks them. */
const carrier = (dot: number, extra: Partial<NewFmcsaCarrier>) =>
  carrierRow(dot, { mcs150_date: null, ...extra });

describe.each(testEngines())('a backfill and the daily build on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await t.db
      .insertInto('fmcsa_carriers')
      .values([
        // Mailed during a broken window (MCS-150 overdue: no date on file).
        carrier(31, { listmonk_sent_at: '2026-10-05T15:00:00Z' }),
        carrier(32, { listmonk_sent_at: '2026-10-06T15:00:00Z' }),
        carrier(33, { listmonk_sent_at: '2026-10-06T16:00:00Z', mx_provider: 'google' }),
        // Mailed after the window.
        carrier(34, { listmonk_sent_at: '2026-11-01T15:00:00Z' }),
      ])
      .execute();
  });
  afterAll(() => t.destroy());

  const selected = async () => {
    const rules = resolveBuildRules('trucking', {}, createDomainFamilies());
    const plan = await planBuild(t.db, rules, { vertical: 'trucking', date: DATE, warmupDay: 40, now });
    return plan.recipients.map((r) => r.recipientKey).sort();
  };

  it('the next build picks up exactly the reset rows, and stops after the revert', async () => {
    expect(await selected()).toEqual([]);
    const filter = parseBackfillFilter({
      vertical: 'trucking',
      sentFrom: '2026-10-01',
      sentTo: '2026-10-31',
      excludeOperators: 'google',
    });
    await applyBackfill(t.db, { name: 'broken_window', filter, createdBy: 'test' });
    expect(await selected()).toEqual(['31', '32']);
    await revertBackfill(t.db, { name: 'broken_window', revertedBy: 'test' });
    expect(await selected()).toEqual([]);
  });
});
