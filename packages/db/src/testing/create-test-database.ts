import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { connect, connectPgliteSnapshot, dumpPglite, type Engine } from '../connect.js';
import { checksumOf, listMigrationFiles, MIGRATIONS_DIR } from '../migrate/list-migration-files.js';
import { runMigrations } from '../migrate/run-migrations.js';
import type { Database } from '../schema.js';
import { writePgliteDataDir } from './write-pglite-data-dir.js';

/** A private database for one test file. */
export interface TestDatabase {
  db: Kysely<Database>;
  engine: Engine;
  /** The database URL (postgres only): lets a test start a second connection or the CLI. */
  url: string | undefined;
  /** Closes the connection and drops the database. */
  destroy(): Promise<void>;
}

/** Options for {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Apply the repository's migrations (default true). */
  migrate?: boolean;
  /** Force an engine; default: postgres when TEST_DATABASE_URL is set, else PGlite in memory. */
  engine?: Engine;
}

/**
 * Names the environment variable that makes every SQL test run on both engines: `all`.
 */
export const TEST_ENGINES_ENV = 'MAILRAMP_TEST_ENGINES';

/**
 * The engine a SQL test runs on: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite.
 * Running each test once, not once per engine, halves the suite's database work. The code that
 * differs by engine (migrations, the driver's type parsing, COPY against batched inserts, the full
 * build) is also tested on both by {@link everyTestEngine}. With `MAILRAMP_TEST_ENGINES=all`, every
 * SQL test runs on both.
 *
 * @example
 * describe.each(testEngines())('holds on %s', (engine) => { ... });
 */
export function testEngines(): Engine[] {
  if (process.env[TEST_ENGINES_ENV] === 'all') return everyTestEngine();
  return process.env.TEST_DATABASE_URL ? ['postgres'] : ['pglite'];
}

/**
 * Every engine this run can reach: PGlite, and PostgreSQL when TEST_DATABASE_URL is set. For tests
 * of what differs by engine, so a run against a server still proves the embedded default.
 *
 * @example
 * describe.each(everyTestEngine())('migrations on %s', (engine) => { ... });
 */
export function everyTestEngine(): Engine[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Creates a private, migrated database: a clone of a migrated template database on the server at
 * TEST_DATABASE_URL, or an in-memory PGlite started from a dump of a migrated one (see
 * {@link PGLITE_SNAPSHOTS_ENV}). Test files get one each, so they run in parallel.
 *
 * @example
 * let t: TestDatabase;
 * beforeAll(async () => { t = await createTestDatabase(); });
 * afterAll(() => t.destroy());
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  const adminUrl = process.env.TEST_DATABASE_URL;
  const engine = options.engine ?? (adminUrl ? 'postgres' : 'pglite');
  if (engine === 'pglite') {
    const snapshots = await pgliteSnapshots();
    const db = connectPgliteSnapshot(migrate ? snapshots.migrated : snapshots.empty);
    return { db, engine, url: undefined, destroy: () => db.destroy() };
  }
  if (!adminUrl) throw new Error('engine postgres needs TEST_DATABASE_URL');
  const name = `mailramp_test_${randomBytes(6).toString('hex')}`;
  const template = migrate ? await ensureTemplate(adminUrl) : undefined;
  await withAdmin(adminUrl, async (admin) => {
    if (template === undefined) {
      await admin.query(`create database ${name}`);
      return;
    }
    // Cloning needs the template free of other sessions; serialise clones across test files.
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      await admin.query(`create database ${name} template ${template}`);
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
  return openTestDatabase(adminUrl, name);
}

/** A connection to the server's database `name`, as a {@link TestDatabase} that drops it on destroy. */
export function openTestDatabase(adminUrl: string, name: string): TestDatabase {
  const url = withDatabase(adminUrl, name);
  const db = connect({ url, poolSize: 5 });
  return {
    db,
    engine: 'postgres',
    url,
    destroy: async () => {
      await db.destroy();
      await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Dumps of an in-memory PGlite data directory: just after initdb, and after the migrations. */
export interface PgliteSnapshots {
  /** The migrations they hold ({@link migrationsKey}). */
  key: string;
  empty: Blob;
  migrated: Blob;
}

/**
 * Names a JSON file `{ key, empty, migrated }` (paths to the two dumps) that the test run's global
 * setup (test/pglite-snapshot.setup.ts) wrote once for the whole run. Without it, or when its key
 * is not the current migrations', each test process makes its own dumps once.
 */
export const PGLITE_SNAPSHOTS_ENV = 'MAILRAMP_TEST_PGLITE_SNAPSHOTS';

/** A short checksum of the migration files, naming what a snapshot or template database holds. */
export async function migrationsKey(): Promise<string> {
  const files = await listMigrationFiles(MIGRATIONS_DIR);
  return checksumOf(files.map((f) => `${f.name}:${f.checksum}`).join('\n')).slice(0, 16);
}

/**
 * How the dumps are made, as a short checksum of the code that makes them: part of their cache key,
 * so a change to the recipe remakes cached dumps (a name bumped by hand once let a stale dump from
 * an experiment pass for the new recipe). A test database opens a dump hundreds of times a run, so
 * {@link createPgliteSnapshots} makes them light to start (measured: 1.2 s -> 0.4 s an open):
 * - shared_buffers 16MB (postgresql.auto.conf): PGlite zeroes the whole buffer pool at start, 128MB
 *   by default; a test database holds a few thousand rows.
 * - 1 MB WAL segments instead of 16 MB, and no template0/template1 (no test creates a database on
 *   PGlite): each open untars the dump in JavaScript, so every megabyte in it costs.
 * - checkpointed ({@link dumpPglite}), so a start replays no WAL.
 */
export function snapshotRecipeKey(): string {
  return checksumOf(`${createPgliteSnapshots.toString()}\n${dumpPglite.toString()}`).slice(0, 8);
}

/**
 * Makes the two PGlite dumps: initdb costs PGlite several CPU-seconds and the migrations about one
 * more, so test databases load these instead of paying both in every file.
 */
export async function createPgliteSnapshots(): Promise<PgliteSnapshots> {
  const key = await migrationsKey();
  const initdb = new PGlite({ initDbStartParams: ['--wal-segsize=1'] });
  let bare: Blob;
  try {
    // One statement a call: ALTER SYSTEM and DROP DATABASE refuse to run inside a multi-statement exec.
    for (const statement of [
      "alter system set shared_buffers = '16MB'",
      "update pg_database set datistemplate = false where datname in ('template0', 'template1')",
      'drop database template0',
      'drop database template1',
      'checkpoint',
    ]) {
      await initdb.exec(statement);
    }
    bare = await initdb.dumpDataDir('none');
  } finally {
    await initdb.close();
  }
  const db = connectPgliteSnapshot(bare);
  try {
    const empty = await dumpPglite(db);
    await runMigrations(db);
    return { key, empty, migrated: await dumpPglite(db) };
  } finally {
    await db.destroy();
  }
}

let snapshots: Promise<PgliteSnapshots> | undefined;

/** The run's snapshots when the global setup made them for the current migrations, else this process's. */
function pgliteSnapshots(): Promise<PgliteSnapshots> {
  snapshots ??= (async () => {
    const file = process.env[PGLITE_SNAPSHOTS_ENV];
    if (file !== undefined && file !== '') {
      const paths = JSON.parse(await readFile(file, 'utf8')) as {
        key: string;
        empty: string;
        migrated: string;
      };
      if (paths.key === (await migrationsKey())) {
        const [empty, migrated] = await Promise.all([readFile(paths.empty), readFile(paths.migrated)]);
        return { key: paths.key, empty: new Blob([empty]), migrated: new Blob([migrated]) };
      }
    }
    return createPgliteSnapshots();
  })();
  return snapshots;
}

/**
 * Writes a migrated PGlite data directory at `dir` (absent or empty), as `mailramp db migrate`
 * leaves it, from the migrated snapshot: for tests of commands that open `--data-dir`. With
 * `migrate: false`, one as PGlite's initdb leaves it, that no migration has touched.
 */
export async function createTestDataDir(
  dir: string,
  options: Pick<TestDatabaseOptions, 'migrate'> = {},
): Promise<void> {
  const snapshots = await pgliteSnapshots();
  await writePgliteDataDir(dir, (options.migrate ?? true) ? snapshots.migrated : snapshots.empty);
}

const TEMPLATE_LOCK_KEY = 7_323_002;

/** Creates (once per set of migration files) a migrated template database and returns its name. */
async function ensureTemplate(adminUrl: string): Promise<string> {
  const template = `mailramp_tpl_${await migrationsKey()}`;
  await withAdmin(adminUrl, async (admin) => {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const found = await admin.query('select 1 from pg_database where datname = $1', [template]);
      if (found.rowCount === 0) {
        await admin.query(`create database ${template}`);
        const db = connect({ url: withDatabase(adminUrl, template), poolSize: 1 });
        try {
          await runMigrations(db);
        } catch (error) {
          await db.destroy();
          await admin.query(`drop database if exists ${template}`);
          throw error;
        }
        await db.destroy();
      }
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
  return template;
}

/** Runs `fn` with a client on the maintenance database at `adminUrl`, then closes it. */
export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `url` naming `database` instead. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A session's `database` config for a test, and how to drop it. */
export interface TestDatabaseSection {
  database: { url: string } | { dataDir: string };
  destroy(): Promise<void>;
}

/**
 * The `database` section for an SDK session under test: a private, migrated PostgreSQL database when
 * TEST_DATABASE_URL is set (dropped by `destroy`), else a migrated PGlite data directory at
 * `dataDir` (removed with the test's directory). `engine` picks one (see {@link testEngines});
 * `migrate: false` leaves it as initdb (or CREATE DATABASE) does.
 */
export async function createTestDatabaseSection(
  dataDir: string,
  engine: Engine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
  options: Pick<TestDatabaseOptions, 'migrate'> = {},
): Promise<TestDatabaseSection> {
  if (engine === 'postgres') {
    const t = await createTestDatabase({ engine: 'postgres', ...options });
    return { database: { url: t.url! }, destroy: () => t.destroy() };
  }
  await createTestDataDir(dataDir, options);
  return { database: { dataDir }, destroy: async () => {} };
}
