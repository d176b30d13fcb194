import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { ImportProblem, ImportSummary } from './import-summary.js';
import { createVerificationRowPlanner, type VerificationRow } from './plan-contact-rows.js';
import type { CsvRecord } from './read-csv-records.js';
import { type ImportOptions, runAudienceImport } from './run-audience-import.js';
import { SUPPRESSED_EMAIL_SQL } from './upsert-staged-rows.js';
import { CONFIRMING_RESULTS } from './verify-results.js';

const CONFIRMING_SQL = CONFIRMING_RESULTS.map((r) => `'${r}'`).join(', ');

/**
 * Imports verifier results (address → result, mapped onto the `email_verify_result` vocabulary) onto
 * every carrier and provider with that address. A suppressed address is never re-confirmed: a
 * sendable result for it is refused; a non-sendable one (hard_bounced …) is still recorded.
 */
export async function importVerification(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return runAudienceImport<VerificationRow>(
    db,
    'verification',
    records,
    (header) => ({
      layout: 'verifier',
      keysOf: (row) => [row.email],
      planRow: createVerificationRowPlanner(header),
      async write(trx, rows) {
        const result = await sql<{ updated: number; unknown_lines: number[]; refused_lines: number[] }>`
          with r as (
            select * from json_to_recordset(cast(${JSON.stringify(rows)} as json)) as x(line integer, email text, result text)
          ), s as (
            select r.*, (${sql.raw(SUPPRESSED_EMAIL_SQL)} and r.result in (${sql.raw(CONFIRMING_SQL)})) as refused from r
          ), a as (
            update fmcsa_carriers t set email_verify_result = s.result, updated_at = now()
            from s where lower(t.email) = s.email and not s.refused and t.email_verify_result is distinct from s.result
            returning s.line
          ), b as (
            update hc_providers t set email_verify_result = s.result, updated_at = now()
            from s where lower(t.email) = s.email and not s.refused and t.email_verify_result is distinct from s.result
            returning s.line
          )
          select
            (select count(distinct line) from (select line from a union all select line from b) changed)::int as updated,
            (select coalesce(json_agg(line order by line), '[]'::json) from s
              where not exists (select 1 from fmcsa_carriers c where lower(c.email) = s.email)
                and not exists (select 1 from hc_providers h where lower(h.email) = s.email)) as unknown_lines,
            (select coalesce(json_agg(line order by line), '[]'::json) from s where refused) as refused_lines
        `.execute(trx);
        const out = result.rows[0];
        const refused = new Set(out?.refused_lines ?? []);
        const problems: ImportProblem[] = [
          ...(out?.unknown_lines ?? [])
            .filter((line) => !refused.has(line))
            .map((line) => ({
              line,
              reason: 'unknown_key' as const,
              detail: 'no carrier or provider has this address',
            })),
          ...[...refused].map((line) => ({
            line,
            reason: 'suppressed' as const,
            detail: 'the address is suppressed; it is never re-confirmed',
          })),
        ];
        return { inserted: 0, updated: out?.updated ?? 0, problems };
      },
    }),
    options,
  );
}
