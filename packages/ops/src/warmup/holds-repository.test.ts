import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHoldsRepository } from './holds-repository.js';

describe.each(testEngines())('warm-up holds on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());

  it('sets, changes, re-sets (no change), finds by date and releases a hold', async () => {
    const holds = createHoldsRepository(t.db);
    const monday = new Date('2026-06-17T12:00:00Z');
    const created = await holds.setHold(
      { stream: 'trucking', rate: 200, until: '2026-06-24', reason: '54% delivery, 202 Gmail blocks' },
      monday,
    );
    expect(created.change).toBe('created');
    expect(created.hold).toMatchObject({
      stream: 'trucking',
      rate: 200,
      until: '2026-06-24',
      releasedAt: null,
    });

    const again = await holds.setHold({ stream: 'trucking', rate: 200, until: '2026-06-24' }, new Date());
    expect(again).toMatchObject({
      change: 'unchanged',
      hold: { id: created.hold.id, reason: '54% delivery, 202 Gmail blocks' },
    });

    const wednesday = new Date('2026-06-19T09:00:00Z');
    const longer = await holds.setHold({ stream: 'trucking', rate: 150, until: '2026-06-30' }, wednesday);
    // Holds are history: the first one is ended and points at its successor, never overwritten.
    expect(longer).toMatchObject({
      change: 'replaced',
      hold: { rate: 150, until: '2026-06-30', reason: '54% delivery, 202 Gmail blocks', releasedAt: null },
      replaced: { id: created.hold.id, rate: 200, until: '2026-06-24', releasedAt: wednesday },
    });
    expect(longer.hold.id).not.toBe(created.hold.id);
    expect(longer.replaced!.replacedBy).toBe(longer.hold.id);

    expect(await holds.findActiveHold('trucking', '2026-06-30')).toMatchObject({ rate: 150 });
    expect(await holds.findActiveHold('trucking', '2026-07-01')).toBeUndefined();
    expect(await holds.findActiveHold('healthcare', '2026-06-20')).toBeUndefined();

    const released = await holds.releaseHold('trucking', new Date('2026-06-20T08:00:00Z'));
    expect(released?.releasedAt).toEqual(new Date('2026-06-20T08:00:00Z'));
    expect(await holds.releaseHold('trucking', new Date())).toBeUndefined();
    expect(await holds.findActiveHold('trucking', '2026-06-21')).toBeUndefined();

    const next = await holds.setHold({ stream: 'trucking', rate: 100, until: '2026-07-05' }, new Date());
    expect(next.change).toBe('created');
    expect((await holds.listHolds()).map((h) => h.rate)).toEqual([100]);
    expect((await holds.listHolds({ stream: 'trucking', includeReleased: true })).map((h) => h.rate)).toEqual(
      [100, 150, 200],
    );
  });

  it('keeps one unreleased hold per stream even under concurrent sets', async () => {
    const holds = createHoldsRepository(t.db);
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((i) =>
        holds.setHold({ stream: 'healthcare', rate: 100 * i, until: '2026-07-01' }, new Date()),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await holds.listHolds({ stream: 'healthcare' })).toHaveLength(1);
  });
});
