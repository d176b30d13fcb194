import { join } from 'node:path';
import type { Engine } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, type SeededTestDatabases } from '@mailramp/db/testing';

/** A database for CLI runs in a test: the flags that point `runCli` at it, and its clean-up. */
export interface CliDatabase {
  /** `--data-dir <dir>/data` (PGlite) or `--database-url <url>` (PostgreSQL). */
  args: string[];
  /** Drops the PostgreSQL database; a PGlite data directory goes with the test's directory. */
  destroy(): Promise<void>;
}

/**
 * A migrated database on `engine` for `runCli`: a PGlite data directory at `<dir>/data` made from the
 * run's snapshot (not by `db migrate`, whose initdb costs PGlite several CPU-seconds), or a private
 * PostgreSQL database. With `seeded`, a copy of its seeded database instead.
 *
 * @example
 * const { args, destroy } = await createCliDatabase(engine, dir);
 * expect(await runCli([...args, 'suppress', 'list'], captureIo())).toBe(EXIT.OK);
 */
export async function createCliDatabase(
  engine: Engine,
  dir: string,
  seeded?: SeededTestDatabases,
): Promise<CliDatabase> {
  if (engine === 'pglite') {
    const dataDir = join(dir, 'data');
    await (seeded ? seeded.createDataDir(dataDir) : createTestDataDir(dataDir));
    return { args: ['--data-dir', dataDir], destroy: async () => undefined };
  }
  const t = await (seeded ? seeded.create() : createTestDatabase({ engine }));
  return { args: ['--database-url', t.url!], destroy: () => t.destroy() };
}
