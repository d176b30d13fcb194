import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { ImportProblem, ImportSummary } from './import-summary.js';
import { detectLabLayout, type LabRow, planLabRow } from './plan-lab-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { type ImportOptions, runAudienceImport } from './run-audience-import.js';
import { type StagedUpsert, upsertStagedRows } from './upsert-staged-rows.js';

// A lab's name, state and ZIP from NPPES are better than the CMS facility record: the lab file only
// fills them when empty ("default"); the certificate's expiry follows the file.
const LAB_UPSERT: StagedUpsert = {
  table: 'hc_providers',
  key: { name: 'npi', type: 'text' },
  columns: [
    { name: 'clia_number', type: 'text', mode: 'replace' },
    { name: 'clia_expires', type: 'date', mode: 'replace' },
    { name: 'name', type: 'text', mode: 'default' },
    { name: 'state', type: 'text', mode: 'default' },
    { name: 'zip', type: 'text', mode: 'default' },
  ],
  email: false,
  attributesKey: 'clia',
  guard: 'clia_number',
};

/**
 * Imports the CMS CLIA lab file (active labs only) into hc_providers. Rows with an NPI column value
 * are upserted by NPI; others update the provider that already holds the CLIA number. A CLIA number
 * nobody holds is counted as skipped (`not_in_audience`), as the revalidation, LEIE and deactivation
 * imports count names they do not hold: the national file lists far more labs than any audience.
 */
export async function importLabs(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return runAudienceImport<LabRow>(
    db,
    'clia',
    records,
    (header) => {
      const layout = detectLabLayout(header);
      return {
        layout: layout.npi === undefined ? 'cms_clia' : 'cms_clia_with_npi',
        keysOf: (row) =>
          row.npi === null ? [row.clia_number ?? ''] : [row.clia_number ?? '', `npi:${row.npi}`],
        planRow: (record) => planLabRow(record, layout),
        async write(trx, rows) {
          const withNpi = rows.filter((r) => r.npi !== null);
          const byClia = rows.filter((r) => r.npi === null);
          const upserted = await upsertStagedRows(
            trx,
            LAB_UPSERT,
            withNpi.map(({ clia, ...row }) => ({ ...row, attrs: clia })),
          );
          const updated = await updateLabsByClia(trx, byClia);
          const problems: ImportProblem[] = [
            ...upserted.guardedLines.map((line) => ({
              line,
              reason: 'clia_conflict' as const,
              detail: 'another NPI already holds this CLIA number',
            })),
          ];
          return {
            inserted: upserted.inserted,
            updated: upserted.updated + updated.updated,
            problems,
            skipped: skippedOf({
              not_in_audience: updated.notInAudience,
              clia_ambiguous: updated.ambiguous,
            }),
          };
        },
      };
    },
    options,
  );
}

/**
 * The CMS lab file names no NPI: each lab goes to the provider holding its CLIA number, else to the
 * one provider whose NPPES record lists it (`attributes.nppes.clia`, from the NPPES import), which
 * then holds it. A CLIA number several NPPES records list is left alone (`clia_ambiguous`).
 */
async function updateLabsByClia(
  db: Kysely<Database>,
  rows: LabRow[],
): Promise<{ updated: number; notInAudience: number; ambiguous: number }> {
  if (rows.length === 0) return { updated: 0, notInAudience: 0, ambiguous: 0 };
  const numbers = JSON.stringify(rows.map((r) => r.clia_number));
  const linked = await sql<{ ambiguous: number }>`
    with r as (
      select distinct x as clia_number from json_array_elements_text(cast(${numbers} as json)) as x
    ), listed as (
      select r.clia_number, min(h.npi) as npi, count(*) as n
      from r join hc_providers h on (h.attributes -> 'nppes' ->> 'clia') = r.clia_number
      where h.clia_number is null
        and not exists (select 1 from hc_providers o where o.clia_number = r.clia_number)
      group by r.clia_number
    ), up as (
      update hc_providers t set clia_number = l.clia_number
      from listed l
      where t.npi = l.npi and l.n = 1
      returning t.npi
    )
    select (select count(*) from listed where n > 1)::int as ambiguous, (select count(*) from up)::int as linked
  `.execute(db);
  const ambiguous = linked.rows[0]?.ambiguous ?? 0;
  const staged = rows.map(({ clia, ...row }) => ({ ...row, attrs: clia }));
  const result = await sql<{ updated: number; not_in_audience: number }>`
    with r as (
      select * from json_to_recordset(cast(${JSON.stringify(staged)} as json))
        as x(line integer, clia_number text, name text, state text, zip text, clia_expires date, attrs jsonb)
    ), up as (
      update hc_providers t set
        clia_expires = r.clia_expires,
        name = coalesce(t.name, r.name),
        state = coalesce(t.state, r.state),
        zip = coalesce(t.zip, r.zip),
        attributes = t.attributes || jsonb_build_object('clia', r.attrs),
        updated_at = now()
      from r
      where t.clia_number = r.clia_number
        and (r.clia_expires is distinct from t.clia_expires
          or coalesce(t.name, r.name) is distinct from t.name
          or coalesce(t.state, r.state) is distinct from t.state
          or coalesce(t.zip, r.zip) is distinct from t.zip
          or t.attributes -> 'clia' is distinct from r.attrs)
      returning r.line
    )
    select
      (select count(*) from up)::int as updated,
      (select count(*) from r
        where not exists (select 1 from hc_providers h where h.clia_number = r.clia_number))::int as not_in_audience
  `.execute(db);
  const nobody = result.rows[0]?.not_in_audience ?? 0;
  return { updated: result.rows[0]?.updated ?? 0, notInAudience: nobody - ambiguous, ambiguous };
}

/** The non-zero counts, or nothing when every count is zero. */
function skippedOf(counts: Record<string, number>): Record<string, number> | undefined {
  const kept = Object.entries(counts).filter(([, n]) => n > 0);
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}
