import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The migrations: the repository's migrations/ folder when running from the sources, the copy
 * `pnpm build` puts in this package (packages/db/migrations, shipped in its tarball) when running
 * from dist/.
 */
export const MIGRATIONS_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../../../migrations/' : '../../migrations/', import.meta.url),
);

/** One migration file on disk. */
export interface MigrationFile {
  /** File name, e.g. `0001_audience.sql`: the order key and the record's id. */
  name: string;
  sql: string;
  /** sha256 of the file's bytes. */
  checksum: string;
}

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

/** Reads `NNNN_name.sql` files from a folder, in name order. Other files are ignored. */
export async function listMigrationFiles(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => MIGRATION_NAME.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name));
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    }),
  );
}

/** sha256 hex of a migration's bytes. */
export function checksumOf(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
