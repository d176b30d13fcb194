import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { connectPgliteSnapshot, dumpPglite, type Engine } from '../connect.js';
import type { Database } from '../schema.js';
import {
  createTestDatabase,
  openTestDatabase,
  type TestDatabase,
  withAdmin,
} from './create-test-database.js';
import { writePgliteDataDir } from './write-pglite-data-dir.js';

/** Copies of one seeded database, for a file whose tests each start from the same rows. */
export interface SeededTestDatabases {
  /** A private copy of the seeded database, as {@link createTestDatabase} gives a migrated one. */
  create(): Promise<TestDatabase>;
  /**
   * Writes a PGlite data directory at `dir` holding the seeded database, for commands that open
   * `--data-dir` (PGlite only).
   */
  createDataDir(dir: string): Promise<void>;
  /** Drops the seeded original (PostgreSQL); the copies are each dropped by their own destroy(). */
  dispose(): Promise<void>;
}

/**
 * Seeds once, copies per test: `seed` runs on the first create() of the engine, on a migrated test
 * database; each create() after that is a copy of the result (PGlite: loaded from a dump of it;
 * PostgreSQL: `create database … template` the seeded one). A seed of a few thousand rows costs
 * PGlite about a second, a copy a fraction of that. Call dispose() in afterAll.
 *
 * @example
 * const seeded = seededTestDatabases((db) => seedDemoAudience(db, { carriers: 1500 }), { engine });
 * afterAll(() => seeded.dispose());
 * it('…', async () => { const t = await seeded.create(); try { … } finally { await t.destroy(); } });
 */
export function seededTestDatabases(
  seed: (db: Kysely<Database>) => Promise<void>,
  options: { engine?: Engine } = {},
): SeededTestDatabases {
  const adminUrl = process.env.TEST_DATABASE_URL;
  const engine = options.engine ?? (adminUrl ? 'postgres' : 'pglite');
  let dump: Promise<Blob> | undefined;
  let template: Promise<string> | undefined;
  // A template database takes one copy at a time (CREATE DATABASE needs it free of sessions).
  let copying: Promise<unknown> = Promise.resolve();

  const seededDump = () => {
    dump ??= (async () => {
      const t = await createTestDatabase({ engine: 'pglite' });
      try {
        await seed(t.db);
        return await dumpPglite(t.db);
      } finally {
        await t.destroy();
      }
    })();
    return dump;
  };

  const seededTemplate = (url: string) => {
    template ??= (async () => {
      const t = await createTestDatabase({ engine: 'postgres' });
      const name = `mailramp_seed_${randomBytes(6).toString('hex')}`;
      try {
        await seed(t.db);
      } catch (error) {
        await t.destroy();
        throw error;
      }
      // Keep the database, close the connections: it becomes the copies' template.
      await t.db.destroy();
      await withAdmin(url, (admin) => admin.query(`alter database ${databaseOf(t.url!)} rename to ${name}`));
      return name;
    })();
    return template;
  };

  return {
    async create() {
      if (engine === 'pglite') {
        const db = connectPgliteSnapshot(await seededDump());
        return { db, engine, url: undefined, destroy: () => db.destroy() };
      }
      if (!adminUrl) throw new Error('engine postgres needs TEST_DATABASE_URL');
      const source = await seededTemplate(adminUrl);
      const name = `mailramp_test_${randomBytes(6).toString('hex')}`;
      const copy = copying.then(() =>
        withAdmin(adminUrl, (admin) => admin.query(`create database ${name} template ${source}`)),
      );
      copying = copy.catch(() => {});
      await copy;
      return openTestDatabase(adminUrl, name);
    },
    async createDataDir(dir) {
      if (engine !== 'pglite') throw new Error('createDataDir makes an embedded (PGlite) database');
      await writePgliteDataDir(dir, await seededDump());
    },
    async dispose() {
      if (template === undefined || !adminUrl) return;
      const name = await template.catch(() => undefined);
      if (name !== undefined)
        await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}
