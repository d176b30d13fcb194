import type { Database } from '@mailramp/db';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';

/**
 * Where flags come from. Each source owns its share of a recipient's flags, kept under
 * `attributes.flag_sources.<source>` as `{ <attribute>: [flags] }`; the flag attributes the segments
 * read (`attributes.flags`, `attributes.deficiency_flags`) are the union of every source's share plus
 * the flags no source claims (set by hand or by `db seed-demo`, never touched by an import). So a
 * source can withdraw what it said without erasing what another source said.
 */
export const FLAG_SOURCES = ['leie', 'nppes_deactivated', 'fmcsa_authority', 'enrichment'] as const;
export type FlagSource = (typeof FLAG_SOURCES)[number];

/**
 * How a source's rows apply: `snapshot` — the file lists every recipient the source flags, so a
 * recipient it no longer lists loses the source's flags; `replace` — each listed recipient's share
 * becomes exactly the listed flags (an empty list clears it), the others keep theirs; `add` — the
 * listed flags join each listed recipient's share.
 */
export type FlagMode = 'snapshot' | 'replace' | 'add';

/** One recipient's flags from one source, by attribute (`{ flags: ['oig_exclusion'] }`). */
export type FlagShare = Record<string, string[]>;

/** What applying a source changed. */
export interface FlagSourceResult {
  /** Audience rows whose attributes changed. */
  updated: number;
  /** Listed recipients in the audience that were already so. */
  unchanged: number;
  /** Listed recipients that are in the audience (changed or not). */
  listed: number;
  /** Recipients that lost this source's flags because the file no longer lists them (`snapshot`). */
  cleared: number;
  /** Listed keys with no audience row (nothing to flag). */
  notInAudience: number;
}

let nextStage = 1;

/** A staging table for one source's rows, filled batch by batch and applied once (one transaction). */
export interface FlagStage {
  add(trx: Kysely<Database>, rows: ReadonlyArray<{ key: string; share: FlagShare }>): Promise<void>;
  /** Stages the rows of a query with the columns `key` and `share` (derived flags). */
  addFrom(trx: Kysely<Database>, query: RawBuilder<unknown>): Promise<void>;
  apply(trx: Kysely<Database>): Promise<FlagSourceResult>;
}

/**
 * Stages the rows of one flag source and applies them in one set-based statement at the end.
 * `attributes` are the flag attributes recomputed (every attribute a segment of the vertical reads).
 * Rows stored exactly so are not written, which is why a re-import changes nothing.
 */
export function createFlagStage(
  vertical: Vertical,
  source: FlagSource,
  mode: FlagMode,
  attributes: readonly string[],
): FlagStage {
  const t = AUDIENCE_TABLES[vertical];
  const keyType = t.key === 'dot_number' ? 'bigint' : 'text';
  const stage = `mailramp_flag_stage_${nextStage++}`;
  let created = false;
  const ensure = async (trx: Kysely<Database>) => {
    if (created) return;
    await sql
      .raw(`create temp table ${stage} (key ${keyType} primary key, share jsonb not null) on commit drop`)
      .execute(trx);
    created = true;
  };
  return {
    async add(trx, rows) {
      await ensure(trx);
      if (rows.length === 0) return;
      await sql`insert into ${sql.table(stage)} (key, share)
        select key, share from json_to_recordset(cast(${JSON.stringify(rows)} as json))
          as x(key ${sql.raw(keyType)}, share jsonb)`.execute(trx);
    },
    async addFrom(trx, query) {
      await ensure(trx);
      await sql`insert into ${sql.table(stage)} (key, share) select q.key, q.share from (${query}) q`.execute(
        trx,
      );
    },
    async apply(trx) {
      await ensure(trx);
      const result = await applyStage(trx, t.table, t.key, stage, source, mode, attributes);
      await sql.raw(`drop table ${stage}`).execute(trx);
      created = false;
      return result;
    },
  };
}

/** The elements of a JSON array as text rows (nothing when `value` is not an array). */
const elements = (value: RawBuilder<unknown>) =>
  sql`jsonb_array_elements_text(case when jsonb_typeof(${value}) = 'array' then ${value} else '[]'::jsonb end)`;

async function applyStage(
  trx: Kysely<Database>,
  table: 'fmcsa_carriers' | 'hc_providers',
  key: 'dot_number' | 'npi',
  stage: string,
  source: FlagSource,
  mode: FlagMode,
  attributes: readonly string[],
): Promise<FlagSourceResult> {
  const k = sql.ref(`c.${key}`);
  const st = sql.table(stage);
  // The share this source holds after the file: the listed share (merged with the old one in `add`
  // mode), or nothing for a recipient a snapshot no longer lists.
  const mine =
    mode === 'add'
      ? sql`(select coalesce(jsonb_object_agg(a.attr, a.flags), '{}'::jsonb) from (
            select attr, jsonb_agg(distinct f order by f) as flags from (
              select e.key as attr, ${elements(sql`e.value`)} as f
                from jsonb_each(coalesce(g.old_share, '{}'::jsonb) || '{}'::jsonb) e
              union all
              select e.key, ${elements(sql`e.value`)} from jsonb_each(g.share) e
            ) u group by attr) a)`
      : sql`coalesce(g.share, '{}'::jsonb)`;
  // A share with no flag in any attribute is no share.
  const nonEmpty = (share: RawBuilder<unknown>) =>
    sql`exists (select 1 from jsonb_each(${share}) e where jsonb_typeof(e.value) = 'array' and jsonb_array_length(e.value) > 0)`;
  const sourcesOf = (attrs: RawBuilder<unknown>) =>
    sql`(case when jsonb_typeof(${attrs} -> 'flag_sources') = 'object' then ${attrs} -> 'flag_sources' else '{}'::jsonb end)`;
  const newValue = (
    attribute: string,
  ) => sql`(select coalesce(jsonb_agg(distinct f order by f), '[]'::jsonb) from (
      (select ${elements(sql`n.attributes -> ${attribute}::text`)} as f
       except
       select ${elements(sql`s.value -> ${attribute}::text`)} from jsonb_each(${sourcesOf(sql`n.attributes`)}) s)
      union
      select ${elements(sql`s.value -> ${attribute}::text`)} from jsonb_each(n.sources) s
    ) v)`;
  // The recomputed attributes: each flag attribute present before or non-empty now, and flag_sources
  // (dropped when empty and absent before).
  let rebuilt: RawBuilder<unknown> = sql`n.attributes - 'flag_sources'
      || (case when n.sources = '{}'::jsonb and not (n.attributes ? 'flag_sources') then '{}'::jsonb
               else jsonb_build_object('flag_sources', n.sources) end)`;
  for (const attribute of attributes) {
    rebuilt = sql`(${rebuilt}) || (case when (n.attributes ? ${attribute}::text) or jsonb_array_length(${newValue(attribute)}) > 0
        then jsonb_build_object(${attribute}::text, ${newValue(attribute)}) else '{}'::jsonb end)`;
  }
  const unlisted =
    mode === 'snapshot'
      ? sql`union all
        select ${k} as key, c.attributes, null::jsonb as share, false as listed
        from ${sql.table(table)} c
        where ${sourcesOf(sql`c.attributes`)} ? ${source}::text
          and not exists (select 1 from ${st} l where l.key = ${k})`
      : sql``;
  const result = await sql<{
    updated: number;
    updated_listed: number;
    listed: number;
    cleared: number;
    not_in_audience: number;
  }>`
    with g0 as (
      select ${k} as key, c.attributes, l.share, true as listed
      from ${st} l join ${sql.table(table)} c on ${k} = l.key
      ${unlisted}
    ), g as (
      select g0.*, ${sourcesOf(sql`g0.attributes`)} -> ${source}::text as old_share from g0
    ), m as (
      select g.key, g.attributes, g.listed, g.old_share, ${mine} as mine from g
    ), n as (
      select m.key, m.attributes, m.listed, m.old_share,
        (${sourcesOf(sql`m.attributes`)} - ${source}::text)
          || (case when ${nonEmpty(sql`m.mine`)} then jsonb_build_object(${source}::text, m.mine) else '{}'::jsonb end) as sources
      from m
    ), r as (
      select n.key, n.listed, n.old_share, ${rebuilt} as attributes, n.attributes as before from n
    ), up as (
      update ${sql.table(table)} c set attributes = r.attributes, updated_at = now()
      from r where ${k} = r.key and r.attributes is distinct from r.before
      returning r.listed
    )
    select
      (select count(*) from up)::int as updated,
      (select count(*) from up where listed)::int as updated_listed,
      (select count(*) from r where listed)::int as listed,
      (select count(*) from r where not listed and old_share is not null)::int as cleared,
      (select count(*) from ${st} l where not exists (
        select 1 from ${sql.table(table)} c where ${k} = l.key))::int as not_in_audience
  `.execute(trx);
  const row = result.rows[0];
  return {
    updated: row?.updated ?? 0,
    unchanged: (row?.listed ?? 0) - (row?.updated_listed ?? 0),
    listed: row?.listed ?? 0,
    cleared: row?.cleared ?? 0,
    notInAudience: row?.not_in_audience ?? 0,
  };
}
