import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { createStagedWriter, defaultWriteMethod } from './create-staged-writer.js';
import type { ImportSummary } from './import-summary.js';
import { detectProviderLayout, type ProviderRow, planProviderRow } from './plan-provider-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { type ImportOptions, runAudienceImport } from './run-audience-import.js';
import type { StagedUpsert } from './upsert-staged-rows.js';

// NPPES blanks every field of a deactivated NPI: empty values keep what is stored ("fill"), while
// deactivated_at follows the file so a reactivation clears it.
const PROVIDER_UPSERT: StagedUpsert = {
  table: 'hc_providers',
  key: { name: 'npi', type: 'text' },
  columns: [
    { name: 'name', type: 'text', mode: 'fill' },
    { name: 'entity_type', type: 'text', mode: 'fill' },
    { name: 'state', type: 'text', mode: 'fill' },
    { name: 'zip', type: 'text', mode: 'fill' },
    { name: 'taxonomy', type: 'text', mode: 'fill' },
    { name: 'deactivated_at', type: 'date', mode: 'replace' },
  ],
  email: false,
  attributesKey: 'nppes',
};

/**
 * Imports the NPPES main file into hc_providers, upserting by NPI (check digit verified).
 * Deactivated NPIs are marked with `deactivated_at` and counted under `flagged.deactivated`.
 *
 * @example
 * await importProviders(db, readCsvRecords(createReadStream('npidata_pfile.csv')));
 */
export async function importProviders(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return runAudienceImport<ProviderRow>(
    db,
    'nppes',
    records,
    (header) => {
      const layout = detectProviderLayout(header);
      const writer = createStagedWriter(PROVIDER_UPSERT, options.method ?? defaultWriteMethod(db));
      return {
        layout: 'nppes_main',
        batchSize: writer.batchSize,
        keysOf: (row) => [row.npi],
        planRow: (record) => {
          const plan = planProviderRow(record, layout);
          return plan.ok === true && plan.row.deactivated_at !== null
            ? { ...plan, flag: 'deactivated' }
            : plan;
        },
        async write(trx, rows) {
          const result = await writer.write(
            trx,
            rows.map(({ nppes, ...row }) => ({ ...row, attrs: nppes })),
          );
          return { inserted: result.inserted, updated: result.updated, problems: [] };
        },
        async finish(trx) {
          const result = await writer.finish(trx);
          return { inserted: result.inserted, updated: result.updated, problems: [] };
        },
      };
    },
    options,
  );
}
