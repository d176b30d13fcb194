import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../errors.js';
import type { ImportSummary } from './import-summary.js';
import { parseCensusDate } from './parse-census-date.js';
import { isNpi } from './plan-provider-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { findColumn, shapeProblem, textAt } from './read-fields.js';
import { type FinishResult, type ImportOptions, runAudienceImport } from './run-audience-import.js';

interface RevalidationRow {
  line: number;
  npi: string;
  due: string | null;
}

const DUE_DATE = { formats: ['MM/DD/YYYY', 'ISO', 'YYYYMMDD'] as const, yearPivot: 0 };
let nextStage = 1;

/**
 * Imports the CMS Revalidation Due Date List (data.cms.gov) into `hc_providers.revalidation_due`.
 * A row's due date is its `Adjusted Due Date` when that holds a date, else its `Revalidation Due
 * Date`; `TBD` (beyond ~6 months) is no date. An NPI with several enrollments takes the earliest
 * date. The list is the whole list: a provider it no longer lists (revalidated, or no longer
 * enrolled) has its due date cleared. NPIs with no provider row are counted as `not_in_audience`.
 *
 * @example
 * await importRevalidation(db, readCsvRecords(createReadStream('revalidation.csv')));
 */
export async function importRevalidation(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return runAudienceImport<RevalidationRow>(
    db,
    'revalidation',
    records,
    (header) => {
      const cells = header.map((h) => h.trim());
      const npi = findColumn(cells, ['National Provider Identifier', 'NPI']);
      const due = findColumn(cells, ['Revalidation Due Date']);
      const adjusted = findColumn(cells, ['Adjusted Due Date']);
      if (npi === undefined || due === undefined) {
        throw new BuilderError(
          'AUDIENCE_INPUT_INVALID',
          `the header is not the CMS Revalidation Due Date List (needs "National Provider Identifier" and "Revalidation Due Date"); it starts ${cells.slice(0, 4).join(',')}`,
        );
      }
      const stage = `mailramp_revalidation_${nextStage++}`;
      let created = false;
      const ensure = async (trx: Kysely<Database>) => {
        if (created) return;
        await sql.raw(`create temp table ${stage} (npi text not null, due date) on commit drop`).execute(trx);
        created = true;
      };
      return {
        layout: 'cms_revalidation',
        // An NPI has one row per enrollment: repeats are expected, not duplicates.
        keysOf: () => [],
        columns: [npi, due, ...(adjusted === undefined ? [] : [adjusted])],
        planRow(record) {
          const line = record.line;
          const shape = shapeProblem(record, cells.length);
          if (shape !== undefined) return { ok: false, problem: shape };
          const value = textAt(record, npi) ?? '';
          if (!isNpi(value))
            return { ok: false, problem: { line, reason: 'bad_key', detail: `NPI "${value}"` } };
          let date: string | null = null;
          for (const [name, index] of [
            ['Adjusted Due Date', adjusted],
            ['Revalidation Due Date', due],
          ] as const) {
            const text = textAt(record, index) ?? '';
            if (text.toUpperCase() === 'TBD' || text === '') continue;
            const parsed = parseCensusDate(text, DUE_DATE);
            if (!parsed.ok)
              return {
                ok: false,
                problem: { line, reason: 'bad_date', detail: `${name}: ${parsed.reason}` },
              };
            date = parsed.date;
            break;
          }
          return { ok: true, row: { line, npi: value, due: date } };
        },
        async write(trx, rows) {
          await ensure(trx);
          await sql`insert into ${sql.table(stage)} (npi, due)
            select npi, due from json_to_recordset(cast(${JSON.stringify(rows)} as json)) as x(npi text, due date)`.execute(
            trx,
          );
          return { inserted: 0, updated: 0, problems: [] };
        },
        async finish(trx): Promise<FinishResult> {
          await ensure(trx);
          const result = await sql<{
            updated: number;
            cleared: number;
            listed: number;
            not_in_audience: number;
          }>`
            with due as (
              select npi, min(due) as due from ${sql.table(stage)} group by npi
            ), target as (
              select p.npi, d.due, (d.npi is not null) as listed
              from hc_providers p left join due d on d.npi = p.npi
              where d.npi is not null or p.revalidation_due is not null
            ), up as (
              update hc_providers p set revalidation_due = t.due, updated_at = now()
              from target t where p.npi = t.npi and p.revalidation_due is distinct from t.due
              returning t.listed
            )
            select
              (select count(*) from up)::int as updated,
              (select count(*) from up where not listed)::int as cleared,
              (select count(*) from target where listed)::int as listed,
              (select count(*) from due d where not exists (select 1 from hc_providers p where p.npi = d.npi))::int
                as not_in_audience`.execute(trx);
          await sql.raw(`drop table ${stage}`).execute(trx);
          const row = result.rows[0];
          const updated = row?.updated ?? 0;
          const cleared = row?.cleared ?? 0;
          return {
            inserted: 0,
            updated,
            problems: [],
            // Counted per provider: a list with several enrollments per NPI has more rows than providers.
            unchanged: (row?.listed ?? 0) - (updated - cleared),
            flagged: cleared > 0 ? { cleared } : undefined,
            // Providers (not rows) the list names that have no provider row.
            skipped: row?.not_in_audience ? { not_in_audience: row.not_in_audience } : undefined,
          };
        },
      };
    },
    options,
  );
}
