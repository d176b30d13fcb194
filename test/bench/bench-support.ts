/**
 * What the benchmarks share: their command-line options, the PostgreSQL server they need, and the
 * databases they create on it.
 */
import { connect, execScript } from '../../packages/db/src/index.js';

const argv = process.argv.slice(2);

/** The value after `name` on the command line, else `fallback`. */
export function benchOption(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
}

/** Whether `name` is on the command line (a flag without a value). */
export function benchFlag(name: string): boolean {
  return argv.includes(name);
}

/** BENCH_DATABASE_URL (or TEST_DATABASE_URL); without one the benchmark exits 2 saying so. */
export function benchServerUrl(): string {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    console.error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server URL');
    process.exit(2);
  }
  return url;
}

/** The URL of database `name` on the server of `server`. */
export function databaseUrl(server: string, name: string): string {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs a statement on the server's maintenance database (create/drop database cannot run in a transaction). */
export async function onServer(server: string, statement: string): Promise<void> {
  const db = connect({ url: server, poolSize: 1 });
  try {
    await execScript(db, db, statement);
  } finally {
    await db.destroy();
  }
}
