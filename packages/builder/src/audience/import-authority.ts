import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../errors.js';
import { DEFAULT_SEGMENTS } from '../segments/default-segments.js';
import { createFlagStage } from './apply-flag-source.js';
import { flagVocabulary } from './flag-vocabulary.js';
import type { FlagImportOptions } from './import-flags.js';
import type { ImportSummary, RowPlan } from './import-summary.js';
import type { CsvRecord } from './read-csv-records.js';
import { findColumn, shapeProblem, textAt } from './read-fields.js';
import { type FinishResult, runAudienceImport } from './run-audience-import.js';

/**
 * The FMCSA authority files this import reads, told apart by their header (DOMAIN.md §1: the legacy
 * L&I datasets and their Motus-schema successors, which cover only entities that transacted after
 * the cut-over, so both are imported and their answers united).
 */
export const AUTHORITY_PARTS = {
  /** L&I "Carrier" (all with history): docket_number, dot_number, common_stat, contract_stat, broker_stat, common_app_pend, contract_app_pend, … */
  li_carrier: 'L&I carrier authority',
  /** Motus carrier authority: docket_number, usdot_number, op_auth_type, op_auth_status, … */
  motus_carrier: 'Motus carrier authority',
  /** L&I BOC-3 (all with history): docket_number, dot_number, company_name, … */
  li_boc3: 'L&I BOC-3',
  /** Motus BOC-3: Docket Number, USDOT Number, Company Name, … */
  motus_boc3: 'Motus BOC-3',
} as const;
export type AuthorityPart = keyof typeof AUTHORITY_PARTS;

interface AuthorityRow {
  line: number;
  dot: number;
  active: boolean;
  pending: boolean;
}

const TRUE = new Set(['Y', 'YES', 'T', 'TRUE', '1', 'X']);
const FALSE = new Set(['', 'N', 'NO', 'F', 'FALSE', '0']);
const STATUS = new Set(['', 'A', 'I', 'N', 'P']);
let nextStage = 1;

interface AuthorityLayout {
  part: AuthorityPart;
  width: number;
  dot: number;
  read(record: CsvRecord): { active: boolean; pending: boolean } | string;
}

function detectAuthorityLayout(header: readonly string[]): AuthorityLayout {
  const cells = header.map((h) => h.trim());
  const col = (...names: string[]) => findColumn(cells, names);
  const liDot = col('dot_number');
  const motusDot = col('usdot_number', 'USDOT Number');
  const dot = liDot ?? motusDot;
  const width = cells.length;
  const common = col('common_stat');
  const contract = col('contract_stat');
  if (dot !== undefined && common !== undefined && contract !== undefined) {
    const pend = [col('common_app_pend'), col('contract_app_pend')];
    return {
      part: 'li_carrier',
      width,
      dot,
      read(record) {
        const stats = [textAt(record, common), textAt(record, contract)].map((v) => (v ?? '').toUpperCase());
        const bad = stats.find((v) => !STATUS.has(v));
        if (bad !== undefined) return `authority status "${bad}" (A, I or N)`;
        const pends = pend.map((i) => (textAt(record, i) ?? '').toUpperCase());
        const odd = pends.find((v) => !TRUE.has(v) && !FALSE.has(v));
        if (odd !== undefined) return `application pending "${odd}" (Y or N)`;
        return { active: stats.includes('A'), pending: pends.some((v) => TRUE.has(v)) };
      },
    };
  }
  const type = col('op_auth_type');
  const status = col('op_auth_status');
  if (dot !== undefined && type !== undefined && status !== undefined) {
    return {
      part: 'motus_carrier',
      width,
      dot,
      read(record) {
        const kind = (textAt(record, type) ?? '').toLowerCase();
        const state = (textAt(record, status) ?? '').toLowerCase();
        // Common and contract authority are the motor-carrier types; broker and forwarder are not.
        const carrier = kind.includes('carrier') && !kind.includes('broker') && !kind.includes('forwarder');
        return { active: carrier && state === 'active', pending: carrier && state === 'pending' };
      },
    };
  }
  if (dot !== undefined && col('company_name', 'Company Name') !== undefined) {
    return {
      part: liDot !== undefined ? 'li_boc3' : 'motus_boc3',
      width,
      dot,
      read: () => ({ active: false, pending: false }),
    };
  }
  throw new BuilderError(
    'AUDIENCE_INPUT_INVALID',
    `the header is none of the FMCSA authority files (L&I carrier: dot_number, common_stat, contract_stat …; Motus: usdot_number, op_auth_type, op_auth_status …; BOC-3: dot_number or USDOT Number, company_name …); it starts ${cells.slice(0, 4).join(',')}`,
  );
}

/**
 * Imports one FMCSA authority or BOC-3 file (legacy L&I or Motus, told apart by the header) into
 * `attributes.fmcsa_authority.<part>` of each carrier, then derives the `for_hire_authority` and
 * `new_carrier_startup` deficiency flags (see {@link AUTHORITY_RULES}) as flag source
 * `fmcsa_authority`. Each file is the whole dataset: a carrier it no longer lists loses that part.
 * Legacy files zero-pad the USDOT number; it is read as a number. Rows without one are `no_dot`.
 */
export async function importAuthority(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: FlagImportOptions = {},
): Promise<ImportSummary> {
  const segments =
    options.segments ?? Object.entries(DEFAULT_SEGMENTS.trucking).map(([id, s]) => ({ id, rule: s.rule }));
  const vocabulary = flagVocabulary(segments);
  const attribute =
    [...vocabulary].find(([, flags]) => flags.has('for_hire_authority'))?.[0] ?? 'deficiency_flags';
  let part: AuthorityPart = 'li_carrier';
  return runAudienceImport<AuthorityRow>(
    db,
    'authority',
    records,
    (header) => {
      const layout = detectAuthorityLayout(header);
      part = layout.part;
      const stage = `mailramp_authority_${nextStage++}`;
      let created = false;
      const ensure = async (trx: Kysely<Database>) => {
        if (created) return;
        await sql
          .raw(
            `create temp table ${stage} (dot bigint not null, active boolean, pending boolean) on commit drop`,
          )
          .execute(trx);
        created = true;
      };
      return {
        layout: layout.part,
        // One row per docket: a carrier with several dockets repeats.
        keysOf: () => [],
        planRow(record): RowPlan<AuthorityRow> {
          const line = record.line;
          const shape = shapeProblem(record, layout.width);
          if (shape !== undefined) return { ok: false, problem: shape };
          const text = textAt(record, layout.dot) ?? '';
          if (text === '' || /^0+$/.test(text)) return { ok: 'skip', reason: 'no_dot' };
          if (!/^\d{1,9}$/.test(text) || Number(text) > 99_999_999)
            return { ok: false, problem: { line, reason: 'bad_key', detail: `USDOT number "${text}"` } };
          const read = layout.read(record);
          if (typeof read === 'string')
            return { ok: false, problem: { line, reason: 'bad_value', detail: read } };
          return { ok: true, row: { line, dot: Number(text), ...read } };
        },
        async write(trx, rows) {
          await ensure(trx);
          await sql`insert into ${sql.table(stage)} (dot, active, pending)
            select dot, active, pending from json_to_recordset(cast(${JSON.stringify(rows)} as json))
              as x(dot bigint, active boolean, pending boolean)`.execute(trx);
          return { inserted: 0, updated: 0, problems: [] };
        },
        async finish(trx): Promise<FinishResult> {
          await ensure(trx);
          const value = part.endsWith('boc3')
            ? sql`jsonb_build_object('filed', true)`
            : sql`jsonb_build_object('active', a.active, 'pending', a.pending)`;
          const written = await sql<{
            updated: number;
            updated_listed: number;
            listed: number;
            not_in_audience: number;
          }>`
            with a as (
              select dot, bool_or(active) as active, bool_or(pending) as pending from ${sql.table(stage)} group by dot
            ), target as (
              select c.dot_number, c.attributes,
                case when jsonb_typeof(c.attributes -> 'fmcsa_authority') = 'object'
                  then c.attributes -> 'fmcsa_authority' else '{}'::jsonb end as fa,
                (a.dot is not null) as listed, ${value} as value
              from fmcsa_carriers c left join a on a.dot = c.dot_number
              where a.dot is not null or c.attributes -> 'fmcsa_authority' ? ${part}::text
            ), next as (
              select dot_number, listed, attributes,
                attributes || jsonb_build_object('fmcsa_authority',
                  case when listed then fa || jsonb_build_object(${part}::text, value) else fa - ${part}::text end) as after
              from target
            ), up as (
              update fmcsa_carriers c set attributes = n.after, updated_at = now()
              from next n where c.dot_number = n.dot_number and n.after is distinct from n.attributes
              returning n.listed
            )
            select (select count(*) from up)::int as updated,
              (select count(*) from up where listed)::int as updated_listed,
              (select count(*) from target where listed)::int as listed,
              (select count(*) from a where not exists (select 1 from fmcsa_carriers c where c.dot_number = a.dot))::int
                as not_in_audience`.execute(trx);
          await sql.raw(`drop table ${stage}`).execute(trx);
          const flags = await deriveAuthorityFlags(trx, attribute, segments);
          const w = written.rows[0];
          return {
            inserted: 0,
            updated: w?.updated ?? 0,
            problems: [],
            unchanged: (w?.listed ?? 0) - (w?.updated_listed ?? 0),
            skipped: w?.not_in_audience ? { not_in_audience: w.not_in_audience } : undefined,
            flagged: flags,
          };
        },
      };
    },
    options,
  );
}

/** Recomputes the derived flags of every carrier (source `fmcsa_authority`, a snapshot). */
async function deriveAuthorityFlags(
  trx: Kysely<Database>,
  attribute: string,
  segments: NonNullable<FlagImportOptions['segments']>,
): Promise<Record<string, number>> {
  const known = await sql<{ carriers: boolean; boc3: boolean }>`
    select exists (select 1 from fmcsa_carriers where attributes -> 'fmcsa_authority' ?| array['li_carrier', 'motus_carrier']) as carriers,
      exists (select 1 from fmcsa_carriers where attributes -> 'fmcsa_authority' ?| array['li_boc3', 'motus_boc3']) as boc3`.execute(
    trx,
  );
  const carriersKnown = known.rows[0]?.carriers === true;
  const boc3Known = known.rows[0]?.boc3 === true;
  const vocabulary = flagVocabulary(segments);
  const stage = createFlagStage('trucking', 'fmcsa_authority', 'snapshot', [...vocabulary.keys()]);
  const part = (name: string, field: string) =>
    sql`coalesce((c.attributes -> 'fmcsa_authority' -> ${name}::text ->> ${field}::text)::boolean, false)`;
  const active = sql`(${part('li_carrier', 'active')} or ${part('motus_carrier', 'active')})`;
  const pending = sql`(${part('li_carrier', 'pending')} or ${part('motus_carrier', 'pending')})`;
  const boc3 = sql`(c.attributes -> 'fmcsa_authority' ?| array['li_boc3', 'motus_boc3'])`;
  const forHire = sql`(lower(coalesce(c.attributes -> 'census' ->> 'authorized_for_hire', '')) in ('true', 't', 'y', 'yes', 'x', '1')
    or upper(coalesce(c.attributes -> 'census' ->> 'classdef', '')) like '%AUTHORIZED FOR HIRE%')`;
  const missing = carriersKnown
    ? sql`(${forHire} and c.carrier_operation = 'A' and not ${active} and not ${pending})`
    : sql`false`;
  const startup =
    carriersKnown && boc3Known ? sql`(${pending} and not ${active} and not ${boc3})` : sql`false`;
  await stage.addFrom(
    trx,
    sql`select c.dot_number as key, jsonb_build_object(${attribute}::text, to_jsonb(array_remove(array[
        case when ${missing} then 'for_hire_authority' end,
        case when ${startup} then 'new_carrier_startup' end]::text[], null))) as share
      from fmcsa_carriers c where ${missing} or ${startup}`,
  );
  const result = await stage.apply(trx);
  const counts = await sql<{ flag: string; n: number }>`
    select f as flag, count(*)::int as n from fmcsa_carriers c,
      jsonb_array_elements_text(c.attributes -> 'flag_sources' -> 'fmcsa_authority' -> ${attribute}::text) f
    group by f`.execute(trx);
  const flagged: Record<string, number> = {};
  for (const row of counts.rows) flagged[row.flag] = row.n;
  if (result.cleared > 0) flagged.flags_cleared = result.cleared;
  return flagged;
}
