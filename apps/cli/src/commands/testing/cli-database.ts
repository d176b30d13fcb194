import { join } from 'node:path';
import type { Engine } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, type SeededTestDatabases } from '@mailramp/db/testing';

/** A database for CLI runs in a test: the flags that point `runCli` at it, and its clean-up. */
export interface CliDatabase {
  /** `--data-dir <dir>/data` (PGlite) or `--database-url <url>` (PostgreSQL). */
  args: string[];
  /** The PostgreSQL database's URL; undefined on PGlite. */
  url: string | undefined;
  /** Drops the PostgreSQL database; a PGlite data directory goes with the test's directory. */
  destroy(): Promise<void>;
}

/**
 * A migrated database on `engine` for `runCli`: a PGlite data directory at `<dir>/data` made from the
 * run's snapshot (not by `db migrate`, whose initdb costs PGlite several CPU-seconds), or a private
 * PostgreSQL database. With `seeded`, a copy of its seeded database instead; with `migrate: false`,
 * one as initdb leaves it.
 *
 * @example
 * const { args, destroy } = await createCliDatabase(engine, dir);
 * expect(await runCli([...args, 'suppress', 'list'], captureIo())).toBe(EXIT.OK);
 */
export async function createCliDatabase(
  engine: Engine,
  dir: string,
  options: { seeded?: SeededTestDatabases; migrate?: boolean } = {},
): Promise<CliDatabase> {
  const { seeded, migrate = true } = options;
  if (engine === 'pglite') {
    const dataDir = join(dir, 'data');
    await (seeded ? seeded.createDataDir(dataDir) : createTestDataDir(dataDir, { migrate }));
    return { args: ['--data-dir', dataDir], url: undefined, destroy: async () => undefined };
  }
  const t = await (seeded ? seeded.create() : createTestDatabase({ engine, migrate }));
  return { args: ['--database-url', t.url!], url: t.url, destroy: () => t.destroy() };
}
