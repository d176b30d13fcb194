import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { Vertical } from '../segments/default-segments.js';
import type { ImportProblem, ImportSummary } from './import-summary.js';
import { createEmailRowPlanner, type EmailRow } from './plan-contact-rows.js';
import type { CsvRecord } from './read-csv-records.js';
import { type ImportOptions, runAudienceImport } from './run-audience-import.js';
import { SUPPRESSED_EMAIL_SQL } from './upsert-staged-rows.js';

const TARGET = {
  trucking: { table: 'fmcsa_carriers', key: 'dot_number', type: 'bigint' },
  healthcare: { table: 'hc_providers', key: 'npi', type: 'text' },
} as const;

/** Options for {@link importEmails}. */
export interface ImportEmailsOptions extends ImportOptions {
  vertical: Vertical;
}

/**
 * Imports the user's enrichment (recipient key → address) onto existing carriers or providers. The
 * address is marked `email_source: enrichment` so a census refresh does not replace it; a changed
 * address loses its old verification and operator; a suppressed address is refused (never re-imported).
 */
export async function importEmails(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportEmailsOptions,
): Promise<ImportSummary> {
  const target = TARGET[options.vertical];
  return runAudienceImport<EmailRow>(
    db,
    'emails',
    records,
    (header) => {
      const planRow = createEmailRowPlanner(header, options.vertical);
      return {
        layout: options.vertical,
        keysOf: (row) => [row.key],
        planRow,
        async write(trx, rows) {
          const result = await sql<{ updated: number; unknown_lines: number[]; suppressed_lines: number[] }>`
            with r as (
              select * from json_to_recordset(cast(${JSON.stringify(rows)} as json))
                as x(line integer, key ${sql.raw(target.type)}, email text)
            ), s as (
              select r.*, ${sql.raw(SUPPRESSED_EMAIL_SQL)} as suppressed,
                exists (select 1 from ${sql.raw(target.table)} k where k.${sql.raw(target.key)} = r.key) as known
              from r
            ), up as (
              update ${sql.raw(target.table)} t set
                email = s.email,
                email_verify_result = case when s.email is distinct from lower(t.email) then null else t.email_verify_result end,
                mx_provider = case when lower(substring(s.email from '@([^@]*)$')) is distinct from t.email_domain
                  then null else t.mx_provider end,
                attributes = t.attributes || '{"email_source": "enrichment"}'::jsonb,
                updated_at = now()
              from s
              where t.${sql.raw(target.key)} = s.key and not s.suppressed
                and (s.email is distinct from t.email or t.attributes->>'email_source' is distinct from 'enrichment')
              returning s.line
            )
            select
              (select count(*) from up)::int as updated,
              (select coalesce(json_agg(line order by line), '[]'::json) from s where not known) as unknown_lines,
              (select coalesce(json_agg(line order by line), '[]'::json) from s where known and suppressed) as suppressed_lines
          `.execute(trx);
          const out = result.rows[0];
          const problems: ImportProblem[] = [
            ...(out?.unknown_lines ?? []).map((line) => ({
              line,
              reason: 'unknown_key' as const,
              detail:
                options.vertical === 'trucking'
                  ? 'no carrier with this USDOT number; import the FMCSA census first (audience import fmcsa)'
                  : 'no provider with this NPI; import NPPES first (audience import nppes)',
            })),
            ...(out?.suppressed_lines ?? []).map((line) => ({
              line,
              reason: 'suppressed' as const,
              detail: 'the address is suppressed; it is never re-imported',
            })),
          ];
          return { inserted: 0, updated: out?.updated ?? 0, problems };
        },
      };
    },
    options,
  );
}
