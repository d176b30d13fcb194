/**
 * Vitest global setup: makes the PGlite dumps that test databases start from (an initdb'd data
 * directory, and one with the migrations applied) and names them to the test processes through
 * MAILRAMP_TEST_PGLITE_SNAPSHOTS. They are kept in node_modules/.cache, named after the migration
 * files, the PGlite version and the code that makes the dumps, so a run only makes them when one of those changed.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createPgliteSnapshots,
  migrationsKey,
  PGLITE_SNAPSHOTS_ENV,
  snapshotRecipeKey,
} from '../packages/db/src/testing/create-test-database.js';

const cache = fileURLToPath(new URL('../node_modules/.cache/mailramp-test/', import.meta.url));

export default async function setup(): Promise<void> {
  const pglite = new URL('../packages/db/node_modules/@electric-sql/pglite/package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(pglite, 'utf8')) as { version: string };
  const key = await migrationsKey();
  const base = `${cache}pglite-${version}-${snapshotRecipeKey()}-${key}`;
  const index = `${base}.json`;
  if (!existsSync(index)) {
    const snapshots = await createPgliteSnapshots();
    mkdirSync(cache, { recursive: true });
    const write = async (name: string, blob: Blob) => {
      const path = `${base}-${name}.tar`;
      writeFileSync(`${path}.${process.pid}`, new Uint8Array(await blob.arrayBuffer()));
      renameSync(`${path}.${process.pid}`, path);
      return path;
    };
    const paths = {
      key,
      empty: await write('empty', snapshots.empty),
      migrated: await write('migrated', snapshots.migrated),
    };
    // The index is written last: its presence means both dumps are whole.
    writeFileSync(`${index}.${process.pid}`, JSON.stringify(paths));
    renameSync(`${index}.${process.pid}`, index);
  }
  process.env[PGLITE_SNAPSHOTS_ENV] = index;
}
