import type { Database } from '@mailramp/db';
import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * A column an import writes: `replace` stores the file's value (even empty), `fill` keeps the stored
 * value when the file's is empty, `default` writes the file's value only where nothing is stored.
 */
export interface StagedColumn {
  name: string;
  type: 'text' | 'date' | 'integer' | 'bigint';
  mode: 'replace' | 'fill' | 'default';
}

/** SQL true when staged row `r`'s address, or its domain, is suppressed. */
export const SUPPRESSED_EMAIL_SQL = `(r.email is not null and (exists (select 1 from suppressions su where su.email = r.email)
  or exists (select 1 from suppressed_domains sd where sd.domain = lower(substring(r.email from '@([^@]*)$')))))`;

/** What one upsert statement writes. Identifiers come from code, never from input. */
export interface StagedUpsert {
  table: 'fmcsa_carriers' | 'hc_providers';
  key: { name: string; type: StagedColumn['type'] };
  columns: readonly StagedColumn[];
  /** The rows carry `email`: suppressed addresses are dropped and a changed address resets its verification and operator. */
  email: boolean;
  /** Rows carry `attrs`, stored as `attributes[attributesKey]` (other keys of attributes are kept). */
  attributesKey: string;
  /** Another unique column: a row whose value another key already holds is not written but reported. */
  guard?: string;
}

/** What one batch did. */
export interface StagedResult {
  inserted: number;
  updated: number;
  /** Lines whose address was suppressed and therefore not written. */
  suppressedLines: number[];
  /** Lines refused because another key holds their `guard` value. */
  guardedLines: number[];
}

// The address the row ends up with: an address the user set through `audience import emails` beats the
// census; an empty file value keeps what is stored.
const NEW_EMAIL =
  "(case when t.attributes->>'email_source' = 'enrichment' then t.email else coalesce(excluded.email, t.email) end)";

/**
 * Upserts a batch of validated rows in one statement (json_to_recordset → insert … on conflict), so a
 * batch of thousands costs one round trip. Rows already stored exactly so are not touched, which is
 * how `unchanged` is counted and why a re-import changes nothing. Never touches listmonk_sent_at;
 * keeps email_verify_result and mx_provider unless the address itself changed; keeps every
 * attributes key but its own (deficiency flags and the like survive).
 */
export async function upsertStagedRows(
  db: Kysely<Database>,
  spec: StagedUpsert,
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<StagedResult> {
  if (rows.length === 0) return { inserted: 0, updated: 0, suppressedLines: [], guardedLines: [] };
  const recordDefs = stagedColumns(spec)
    .map((c) => `${c.name} ${c.type}`)
    .join(', ');
  return await upsertFrom(
    db,
    spec,
    sql`select * from json_to_recordset(cast(${JSON.stringify(rows)} as json)) as x(${sql.raw(recordDefs)})`,
  );
}

/** The staged row's columns, in order: line, key, the spec's columns, email, attrs. */
export function stagedColumns(spec: StagedUpsert): Array<{ name: string; type: string }> {
  return [
    { name: 'line', type: 'integer' },
    { name: spec.key.name, type: spec.key.type },
    ...spec.columns.map((c) => ({ name: c.name, type: c.type })),
    ...(spec.email ? [{ name: 'email', type: 'text' }] : []),
    { name: 'attrs', type: 'jsonb' },
  ];
}

/**
 * The one upsert statement, reading staged rows from `source` (a select over a JSON batch, or over
 * a batch copied into a temporary table). With `skipUnchanged`, rows stored exactly so are dropped by
 * a join on the key before the insert: `on conflict … where` alone would still lock (and so write)
 * every unchanged row, which is most of a daily re-import.
 */
export async function upsertFrom(
  db: Kysely<Database>,
  spec: StagedUpsert,
  source: RawBuilder<unknown>,
  options: { skipUnchanged?: boolean } = {},
): Promise<StagedResult> {
  const { key, columns } = spec;
  const insertColumns = [
    key.name,
    ...columns.map((c) => c.name),
    ...(spec.email ? ['email'] : []),
    'attributes',
  ];
  const selectColumns = [
    key.name,
    ...columns.map((c) => c.name),
    ...(spec.email ? ['case when suppressed then null else email end'] : []),
    `jsonb_build_object('${spec.attributesKey}', coalesce(attrs, '{}'::jsonb))`,
  ];
  const newValue = (c: StagedColumn) =>
    c.mode === 'replace'
      ? `excluded.${c.name}`
      : c.mode === 'fill'
        ? `coalesce(excluded.${c.name}, t.${c.name})`
        : `coalesce(t.${c.name}, excluded.${c.name})`;
  const sets = columns.map((c) => `${c.name} = ${newValue(c)}`);
  const changed = columns.map((c) => `${newValue(c)} is distinct from t.${c.name}`);
  if (spec.email) {
    sets.push(
      `email = ${NEW_EMAIL}`,
      `email_verify_result = case when lower(${NEW_EMAIL}) is distinct from lower(t.email) then null else t.email_verify_result end`,
      `mx_provider = case when lower(substring(${NEW_EMAIL} from '@([^@]*)$')) is distinct from t.email_domain then null else t.mx_provider end`,
    );
    changed.push(`${NEW_EMAIL} is distinct from t.email`);
  }
  sets.push('attributes = t.attributes || excluded.attributes', 'updated_at = now()');
  changed.push(
    `t.attributes -> '${spec.attributesKey}' is distinct from excluded.attributes -> '${spec.attributesKey}'`,
  );
  const suppressed = spec.email ? SUPPRESSED_EMAIL_SQL : 'false';
  const guarded =
    spec.guard === undefined
      ? 'false'
      : `(r.${spec.guard} is not null and exists (select 1 from ${spec.table} o
          where o.${spec.guard} = r.${spec.guard} and o.${key.name} <> r.${key.name}))`;
  const fresh = `select ${selectColumns.map((c, i) => `${c} as ${insertColumns[i]}`).join(', ')} from s where not guarded`;
  const rowsToInsert = options.skipUnchanged
    ? `select n.* from (${fresh}) n left join ${spec.table} t on t.${key.name} = n.${key.name}
       where t.${key.name} is null or ${changed.map((c) => `(${c.replaceAll('excluded.', 'n.')})`).join('\n or ')}`
    : `select ${selectColumns.join(', ')} from s where not guarded`;
  const result = await sql<{
    inserted: number;
    updated: number;
    suppressed_lines: number[];
    guarded_lines: number[];
  }>`
    with r as (
      ${source}
    ), s as (
      select r.*, ${sql.raw(suppressed)} as suppressed, ${sql.raw(guarded)} as guarded from r
    ), up as (
      insert into ${sql.raw(spec.table)} as t (${sql.raw(insertColumns.join(', '))})
      ${sql.raw(rowsToInsert)}
      on conflict (${sql.raw(key.name)}) do update set ${sql.raw(sets.join(',\n'))}
      where ${sql.raw(changed.join('\n or '))}
      returning (xmax = 0) as inserted
    )
    select
      (select count(*) from up where inserted)::int as inserted,
      (select count(*) from up where not inserted)::int as updated,
      (select coalesce(json_agg(line order by line), '[]'::json) from s where suppressed) as suppressed_lines,
      (select coalesce(json_agg(line order by line), '[]'::json) from s where guarded) as guarded_lines
  `.execute(db);
  const out = result.rows[0];
  return {
    inserted: out?.inserted ?? 0,
    updated: out?.updated ?? 0,
    suppressedLines: out?.suppressed_lines ?? [],
    guardedLines: out?.guarded_lines ?? [],
  };
}
