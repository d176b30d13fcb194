import type { Database, Engine } from '@mailramp/db';
import {
  createSeedSnapshot,
  createTestDatabase,
  type SeedSnapshot,
  type TestDatabase,
} from '@mailramp/db/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';

/**
 * One database on `engine` for a describe block, seeded once in beforeAll and dropped in afterAll:
 * `database()`, called first in each test, hands it over with its seeded rows put back (the first
 * test gets it as seeded). The tests of a block share it, so they run one after another, as
 * vitest runs a file's tests.
 *
 * @example
 * const seeded = useSeededDatabase(engine, (db) => seedDemoAudience(db, { carriers: 600, today }));
 * it('…', async () => { const t = await seeded.database(); … });
 */
export function useSeededDatabase(
  engine: Engine,
  seed: (db: Kysely<Database>) => Promise<void>,
): { database(): Promise<TestDatabase> } {
  let t: TestDatabase | undefined;
  let snapshot: SeedSnapshot | undefined;
  let used = false;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    await seed(t.db);
    snapshot = await createSeedSnapshot(t.db);
  });
  afterAll(() => t?.destroy());
  return {
    async database() {
      if (t === undefined || snapshot === undefined)
        throw new Error('useSeededDatabase: beforeAll has not run');
      if (used) await snapshot.restore();
      used = true;
      return t;
    },
  };
}
