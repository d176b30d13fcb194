import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './schema.js';

// A COPY travels through Kysely as a marker comment naming a registered source: Kysely hands the text
// to the pg client the transaction holds, and the client wrapper below runs the COPY there. So the
// COPY is part of the caller's transaction without reaching into Kysely's private connection.
const MARKER = /^\/\*mailramp-copy:(\d+)\*\/ /;
const pendingCopies = new Map<string, { text: string; source: AsyncIterable<string> | Iterable<string> }>();
let nextCopyId = 1;

/** COPY text-format escaping of one value; `null`/`undefined` are `\N`. Objects are stored as JSON. */
export function formatCopyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'object' && !(value instanceof Date)
        ? JSON.stringify(value)
        : value instanceof Date
          ? value.toISOString()
          : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text;
}

/**
 * Streams text-format lines (`formatCopyValue` fields joined by tabs, each ending in `\n`) into
 * `copyStatement` (`copy t (a, b) from stdin`) on the connection or transaction `conn` holds.
 * PostgreSQL servers only (PGlite has no COPY FROM STDIN stream): check `engineOf(db)` first.
 * Returns the number of rows copied.
 *
 * @example
 * await copyRows(trx, 'copy stage (line, name) from stdin', ['1\tACME\n']);
 */
export async function copyRows(
  conn: Kysely<Database>,
  copyStatement: string,
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<number> {
  const id = String(nextCopyId++);
  pendingCopies.set(id, { text: copyStatement, source: lines });
  try {
    const result = await sql.raw(`/*mailramp-copy:${id}*/ ${copyStatement}`).execute(conn);
    return Number(result.numAffectedRows ?? 0n);
  } finally {
    pendingCopies.delete(id);
  }
}

type Query = (text: unknown, values?: unknown) => Promise<unknown>;

async function runCopy(client: pg.PoolClient, id: string) {
  const copy = pendingCopies.get(id);
  if (copy === undefined) throw new Error(`no pending COPY ${id}`);
  const stream = client.query(copyFrom(copy.text));
  await pipeline(Readable.from(copy.source, { objectMode: false }), stream);
  // Reported as an INSERT so Kysely passes the row count through as numAffectedRows.
  return { command: 'INSERT', rowCount: stream.rowCount, rows: [] };
}

const wrapped = new WeakMap<pg.PoolClient, pg.PoolClient>();

/** The pg client Kysely is given: the real one, whose `query` also runs registered COPYs. */
export function withCopySupport(client: pg.PoolClient): pg.PoolClient {
  let proxy = wrapped.get(client);
  if (proxy === undefined) {
    const query = client.query.bind(client) as Query;
    proxy = new Proxy(client, {
      get(target, prop) {
        if (prop === 'query') {
          return (text: unknown, values?: unknown) => {
            const id = typeof text === 'string' ? MARKER.exec(text)?.[1] : undefined;
            return id === undefined ? query(text, values) : runCopy(target, id);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    wrapped.set(client, proxy);
  }
  return proxy;
}
