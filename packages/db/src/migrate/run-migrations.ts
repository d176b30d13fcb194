import { type Kysely, sql } from 'kysely';
import { execScript } from '../connect.js';
import { DbError, isConnectionError } from '../errors.js';
import type { Database } from '../schema.js';
import { listMigrationFiles, MIGRATIONS_DIR, type MigrationFile } from './list-migration-files.js';

/** State of one migration as seen by {@link getMigrationStatus}. */
export interface MigrationState {
  name: string;
  /** pending: not applied · applied · edited: applied, but the file changed since · missing: applied, no file */
  state: 'pending' | 'applied' | 'edited' | 'missing';
  appliedAt?: Date;
}

/** What {@link runMigrations} did. */
export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/** Options shared by the migration functions. */
export interface MigrationOptions {
  /** Folder of `NNNN_name.sql` files (default: the repository's migrations/). */
  dir?: string;
  /** Called after each file is applied. */
  onApplied?: (name: string) => void;
}

// Any constant works; it only has to be the same for every mailramp process on a server.
const MIGRATION_LOCK_KEY = 7_323_001;

const CREATE_TABLE = `create table if not exists mailramp_migrations (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
)`;

/** Compares migration files with what the database recorded. Writes nothing. */
export async function getMigrationStatus(
  db: Kysely<Database>,
  options: MigrationOptions = {},
): Promise<MigrationState[]> {
  const files = await listMigrationFiles(options.dir ?? MIGRATIONS_DIR);
  const applied = await readApplied(db);
  return compare(files, applied);
}

/**
 * Applies pending migrations in name order, each once, each in its own transaction, under a
 * server-wide advisory lock. Refuses to apply anything while an applied file was edited or is
 * missing: the database would no longer match the code.
 *
 * @example
 * const { applied } = await runMigrations(connect());
 */
export async function runMigrations(
  db: Kysely<Database>,
  options: MigrationOptions = {},
): Promise<MigrationResult> {
  const files = await listMigrationFiles(options.dir ?? MIGRATIONS_DIR);
  try {
    return await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
      try {
        await sql.raw(CREATE_TABLE).execute(conn);
        const states = compare(files, await readApplied(conn));
        refuseDrift(states);
        const pending = files.filter((file) => states.find((s) => s.name === file.name)?.state === 'pending');
        for (const file of pending) {
          await applyOne(db, conn, file);
          options.onApplied?.(file.name);
        }
        return { applied: pending.map((f) => f.name), alreadyApplied: files.length - pending.length };
      } finally {
        await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
      }
    });
  } catch (error) {
    if (error instanceof DbError) throw error;
    if (isConnectionError(error)) {
      throw new DbError('UNAVAILABLE', `cannot reach the database: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

async function applyOne(db: Kysely<Database>, conn: Kysely<Database>, file: MigrationFile): Promise<void> {
  await sql`begin`.execute(conn);
  try {
    await execScript(db, conn, file.sql);
    await sql`insert into mailramp_migrations (name, checksum) values (${file.name}, ${file.checksum})`.execute(
      conn,
    );
    await sql`commit`.execute(conn);
  } catch (error) {
    await sql`rollback`.execute(conn);
    throw new DbError(
      'MIGRATION_FAILED',
      `migration ${file.name} failed and was rolled back: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
}

async function readApplied(
  conn: Kysely<Database>,
): Promise<Map<string, { checksum: string; appliedAt: Date }>> {
  const exists = await sql<{
    present: boolean;
  }>`select to_regclass('mailramp_migrations') is not null as present`.execute(conn);
  if (exists.rows[0]?.present !== true) return new Map();
  const rows = await conn
    .selectFrom('mailramp_migrations')
    .select(['name', 'checksum', 'applied_at'])
    .orderBy('name')
    .execute();
  return new Map(rows.map((r) => [r.name, { checksum: r.checksum, appliedAt: r.applied_at }]));
}

function compare(
  files: MigrationFile[],
  applied: Map<string, { checksum: string; appliedAt: Date }>,
): MigrationState[] {
  const states: MigrationState[] = files.map((file) => {
    const record = applied.get(file.name);
    if (record === undefined) return { name: file.name, state: 'pending' };
    return {
      name: file.name,
      state: record.checksum === file.checksum ? 'applied' : 'edited',
      appliedAt: record.appliedAt,
    };
  });
  const fileNames = new Set(files.map((f) => f.name));
  for (const [name, record] of applied) {
    if (!fileNames.has(name)) states.push({ name, state: 'missing', appliedAt: record.appliedAt });
  }
  return states.sort((a, b) => a.name.localeCompare(b.name));
}

function refuseDrift(states: MigrationState[]): void {
  const edited = states.filter((s) => s.state === 'edited').map((s) => s.name);
  if (edited.length > 0) {
    throw new DbError(
      'MIGRATION_EDITED',
      `already-applied migration ${edited.join(', ')} was edited since it ran; restore the original file and put the change in a new migration`,
    );
  }
  const missing = states.filter((s) => s.state === 'missing').map((s) => s.name);
  if (missing.length > 0) {
    throw new DbError(
      'MIGRATION_MISSING',
      `the database has migration ${missing.join(', ')} applied but no such file exists; run a mailramp version that ships it`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
