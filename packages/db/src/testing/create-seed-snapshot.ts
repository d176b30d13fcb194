import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** The rows of a seeded test database, kept beside it, and how to put them back. */
export interface SeedSnapshot {
  /**
   * Puts every table of `public` back to its rows at {@link createSeedSnapshot} (emptying the ones
   * that had none) and every sequence back to its value then, and drops what was created in `public`
   * since (a test's trigger, a backfill's table).
   */
  restore(): Promise<void>;
}

/** Where the snapshot's copies live: outside `public`, which the code under test reads. */
const SCHEMA = 'mailramp_seed_snapshot';

interface Table {
  name: string;
  /** Quoted, without generated columns (an insert may not name them). */
  columns: string[];
  /** Has a GENERATED ALWAYS identity column: the insert must override it. */
  identity: boolean;
}

/**
 * Copies every table of `public` that has rows, and notes every sequence and schema object, so a
 * file's tests can share one seeded database: a restore costs a few statements, where a fresh copy
 * per test costs PGlite a start from a dump (about half a CPU-second) and PostgreSQL a CREATE DATABASE.
 *
 * @example
 * const snapshot = await createSeedSnapshot(t.db); // after seeding, in beforeAll
 * beforeEach(() => snapshot.restore());
 */
export async function createSeedSnapshot(db: Kysely<Database>): Promise<SeedSnapshot> {
  const tables = (
    await sql<Table>`
      select c.relname::text as name,
        array_agg(quote_ident(a.attname::text) order by a.attnum) filter (where a.attgenerated = '') as columns,
        coalesce(bool_or(a.attidentity = 'a'), false) as identity
      from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      group by c.relname
      order by c.relname`.execute(db)
  ).rows;
  const parents = (
    await sql<{ child: string; parent: string }>`
      select c.relname::text as child, p.relname::text as parent
      from pg_constraint f join pg_class c on c.oid = f.conrelid join pg_class p on p.oid = f.confrelid
      where f.contype = 'f' and f.connamespace = 'public'::regnamespace and f.conrelid <> f.confrelid`.execute(
      db,
    )
  ).rows;
  const names = tables.map((t) => t.name);
  const nonEmpty = await tablesWithRows(db, names);
  // Parents before children, so the copies go back in without breaking a foreign key.
  const seeded: Table[] = [];
  const placed = new Set<string>();
  const place = (table: Table) => {
    if (placed.has(table.name)) return;
    placed.add(table.name);
    for (const p of parents.filter((r) => r.child === table.name)) {
      const parent = tables.find((t) => t.name === p.parent);
      if (parent !== undefined) place(parent);
    }
    if (nonEmpty.has(table.name)) seeded.push(table);
  };
  for (const t of tables) place(t);

  const objects = await objectsOf(db);
  const sequences = (
    await sql<{ name: string; last: string; called: boolean }>`
      select sequencename::text as name, coalesce(last_value, start_value)::text as last,
        last_value is not null as called
      from pg_sequences where schemaname = 'public'`.execute(db)
  ).rows;
  await sql`create schema ${sql.id(SCHEMA)}`.execute(db);
  for (const t of seeded) {
    await sql`create table ${sql.id(SCHEMA, t.name)} as select * from ${sql.id('public', t.name)}`.execute(
      db,
    );
  }

  return {
    restore: () =>
      db.transaction().execute(async (trx) => {
        const now = await objectsOf(trx);
        const gone = [...objects.keys()].filter((o) => !now.has(o));
        if (gone.length > 0) {
          throw new Error(
            `a test dropped ${gone.join(', ')} from the seeded database; it cannot be restored`,
          );
        }
        // A trigger or table one test made would change what the next one proves.
        for (const [o, drop] of now) if (!objects.has(o)) await sql.raw(drop).execute(trx);
        const dirty = await tablesWithRows(trx, names);
        for (const t of seeded) dirty.add(t.name);
        if (dirty.size > 0) {
          // Cascade: a table that references a truncated one is empty (or it would be in the list).
          await sql`truncate ${sql.join([...dirty].map((name) => sql.id('public', name)))} cascade`.execute(
            trx,
          );
        }
        for (const t of seeded) {
          const columns = sql.raw(t.columns.join(', '));
          await sql`insert into ${sql.id('public', t.name)} (${columns})
            ${t.identity ? sql`overriding system value` : sql``}
            select ${columns} from ${sql.id(SCHEMA, t.name)}`.execute(trx);
        }
        if (sequences.length > 0) {
          await sql`select ${sql.join(
            sequences.map(
              (s) => sql`setval(${`public.${s.name}`}::regclass, ${s.last}::bigint, ${s.called})`,
            ),
          )}`.execute(trx);
        }
      }),
  };
}

/** The tables among `names` that hold a row, in one round trip. */
async function tablesWithRows(db: Kysely<Database>, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { rows } = await sql<{ name: string }>`${sql.join(
    names.map(
      (name) => sql`select ${name}::text as name where exists (select 1 from ${sql.id('public', name)})`,
    ),
    sql` union all `,
  )}`.execute(db);
  return new Set(rows.map((r) => r.name));
}

/**
 * The triggers, functions and relations of `public`, each as `kind name` with the statement that
 * drops it, in an order that drops each before what it depends on.
 */
async function objectsOf(db: Kysely<Database>): Promise<Map<string, string>> {
  const { rows } = await sql<{ o: string; drop: string }>`
    select 'trigger ' || t.tgname::text || ' on ' || c.relname::text as o,
      format('drop trigger if exists %I on public.%I', t.tgname, c.relname) as drop, 1 as rank
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where c.relnamespace = 'public'::regnamespace and not t.tgisinternal
    union all
    select 'function ' || p.oid::regprocedure::text,
      format('drop function if exists %s cascade', p.oid::regprocedure), 2
    from pg_proc p where p.pronamespace = 'public'::regnamespace
    union all
    select 'relation ' || c.relname::text,
      format('drop %s if exists public.%I cascade',
        case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view'
          when 'i' then 'index' when 'I' then 'index' else 'table' end, c.relname),
      case when c.relkind in ('r', 'p') then 3 else 4 end
    from pg_class c where c.relnamespace = 'public'::regnamespace
      and c.relkind in ('r', 'p', 'S', 'v', 'm', 'i', 'I')
    order by 3, 1`.execute(db);
  return new Map(rows.map((r) => [r.o, r.drop]));
}
