import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Dialect, Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { withCopySupport } from './copy-rows.js';
import { DbError } from './errors.js';
import { type DataDirLock, lockDataDir } from './lock-data-dir.js';
import { redactUrl } from './redact-url.js';
import type { Database } from './schema.js';
import { TEXT_PARSERS } from './type-parsers.js';

/** Which engine a connection runs on. */
export type Engine = 'postgres' | 'pglite';

/** Where the embedded database lives when no URL is given. */
export const DEFAULT_DATA_DIR = '.mailramp/data';

/** Options for {@link connect}. */
export interface ConnectOptions {
  /** A `postgres://` or `postgresql://` URL. Absent: embedded PGlite in `dataDir`. */
  url?: string | undefined;
  /** PGlite data directory (default `.mailramp/data`); `memory://` keeps it in memory. */
  dataDir?: string | undefined;
  /** pg pool size (default 10). */
  poolSize?: number | undefined;
  /**
   * What this process is (`mailramp serve`): an embedded data directory's lock records it, and a
   * second process refused the directory is told who holds it.
   */
  holder?: string | undefined;
}

interface EngineHandle {
  engine: Engine;
  /** The embedded database behind a PGlite connection. */
  pglite?: PGlite;
  /** Runs a multi-statement SQL script on the connection Kysely currently holds. */
  execScript(db: Kysely<Database>, script: string): Promise<void>;
  description: string;
}

const handles = new WeakMap<Kysely<Database>, EngineHandle>();

/** A pg client that is never without an 'error' listener (see connect()). */
class ListeningClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

/**
 * Opens the database: a pg pool for a `postgres://` URL, embedded PGlite persisted in a data
 * directory otherwise.
 *
 * @example
 * const db = connect({ url: process.env.DATABASE_URL });
 * await runMigrations(db);
 */
export function connect(options: ConnectOptions | string = {}): Kysely<Database> {
  const opts: ConnectOptions = typeof options === 'string' ? { url: options } : options;
  if (opts.url !== undefined && opts.url !== '') return connectPostgres(opts.url, opts.poolSize ?? 10);
  return connectPglite(opts.dataDir ?? DEFAULT_DATA_DIR, undefined, opts.holder);
}

function connectPostgres(url: string, poolSize: number): Kysely<Database> {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new DbError(
      'BAD_URL',
      `database URL must start with postgres:// or postgresql:// (got ${redactUrl(url)}); omit it to use the embedded database`,
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Every client listens for 'error' from birth: pg emits it on a client whose server process
    // ends (pg_terminate_backend, a restart) — while idle, checked out, or still joining the pool —
    // and with no listener Node throws it as an uncaught exception that ends the CLI. The query in
    // flight, or the next, fails with the reason instead.
    Client: ListeningClient,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        TEXT_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => undefined);
  const connectClient = async () => withCopySupport(await pool.connect());
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: {
        connect: connectClient,
        end: () => pool.end(),
      },
    }),
  });
  handles.set(db, {
    engine: 'postgres',
    description: redactUrl(url),
    // Without bind parameters pg uses the simple query protocol, which accepts several statements.
    execScript: async (conn, script) => {
      await sql.raw(script).execute(conn);
    },
  });
  return db;
}

function connectPglite(dataDir: string, snapshot?: Blob, holder?: string): Kysely<Database> {
  const inMemory = dataDir === 'memory://';
  const dir = inMemory ? undefined : resolve(dataDir);
  const lock = dir === undefined ? undefined : openDataDir(dir, holder);
  const parsers = Object.fromEntries(Object.entries(TEXT_PARSERS).map(([oid, fn]) => [Number(oid), fn]));
  let pglite: PGlite;
  try {
    pglite = new PGlite({
      ...(dir === undefined ? {} : { dataDir: dir }),
      ...(snapshot === undefined ? {} : { loadDataDir: snapshot }),
      parsers,
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: releasingOnDestroy(new PGliteDialect(pglite), lock) });
  handles.set(db, {
    engine: 'pglite',
    pglite,
    description: inMemory ? 'embedded PGlite (in memory)' : `embedded PGlite at ${dir}`,
    // PGlite is one session: while Kysely holds its only connection, exec() runs inside that
    // connection's open transaction.
    execScript: async (_conn, script) => {
      await pglite.exec(script);
    },
  });
  return db;
}

/**
 * Creates the data directory owner-only (it holds addresses) and takes its one-process lock. A
 * directory this user owns that an earlier version created 0755 is tightened to 0700.
 */
function openDataDir(dir: string, holder: string | undefined): DataDirLock {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    if (!stat.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    if ((stat.mode & 0o077) !== 0 && stat.uid === process.getuid?.()) chmodSync(dir, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DbError(
      'DATA_DIR_UNUSABLE',
      `cannot use ${dir} as the embedded database directory (${code}); pass --data-dir with a directory this user can create and write, or --database-url`,
      { cause: error },
    );
  }
  return lockDataDir(dir, holder);
}

/** The dialect, with the data-directory lock released once PGlite has closed. */
function releasingOnDestroy(dialect: PGliteDialect, lock: DataDirLock | undefined): Dialect {
  if (lock === undefined) return dialect;
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => {
      const driver = dialect.createDriver();
      const destroy = driver.destroy.bind(driver);
      driver.destroy = async () => {
        try {
          await destroy();
        } finally {
          lock.release();
        }
      };
      return driver;
    },
  };
}

/**
 * An in-memory PGlite started from a data directory that {@link dumpPglite} wrote. Starting from a
 * dump skips initdb (several CPU-seconds in PGlite) and any migrations the dump already holds; the
 * test databases use it (testing/create-test-database.ts).
 */
export function connectPgliteSnapshot(snapshot: Blob): Kysely<Database> {
  return connectPglite('memory://', snapshot);
}

/**
 * The data directory of a PGlite connection as an uncompressed tarball, for {@link connectPgliteSnapshot}.
 * It is checkpointed first: a dump taken mid-WAL makes every start from it replay that WAL (measured:
 * a start from the migrated dump 0.63 -> 0.41 CPU-s).
 */
export async function dumpPglite(db: Kysely<Database>): Promise<Blob> {
  const { pglite } = handleOf(db);
  if (pglite === undefined) throw new Error('dumpPglite needs a PGlite connection');
  await pglite.exec('checkpoint');
  return pglite.dumpDataDir('none');
}

function handleOf(db: Kysely<Database>): EngineHandle {
  const handle = handles.get(db);
  if (handle === undefined) throw new Error('not a connection made by @mailramp/db connect()');
  return handle;
}

/** The engine behind a connection made by {@link connect}. */
export function engineOf(db: Kysely<Database>): Engine {
  return handleOf(db).engine;
}

/** A human description of where a connection points, without credentials. */
export function describeConnection(db: Kysely<Database>): string {
  return handleOf(db).description;
}

/**
 * Runs a multi-statement SQL script. `conn` must be the connection or transaction currently
 * pinned by `db.connection()` on the connection made by connect().
 */
export async function execScript(
  db: Kysely<Database>,
  conn: Kysely<Database>,
  script: string,
): Promise<void> {
  await handleOf(db).execScript(conn, script);
}
