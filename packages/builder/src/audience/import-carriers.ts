import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { createStagedWriter, defaultWriteMethod } from './create-staged-writer.js';
import type { ImportSummary } from './import-summary.js';
import {
  type CarrierColumn,
  type CarrierRow,
  carrierLayoutColumns,
  detectCarrierLayout,
  planCarrierRow,
} from './plan-carrier-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { type ImportOptions, runAudienceImport } from './run-audience-import.js';
import type { StagedColumn, StagedResult } from './upsert-staged-rows.js';

/** Options for {@link importCarriers}. */
export interface ImportCarriersOptions extends ImportOptions {
  /** Two-digit years up to this are 20YY (DD-MON-YY dates). */
  yearPivot: number;
}

const COLUMN_TYPES: Readonly<Record<Exclude<CarrierColumn, 'email'>, StagedColumn['type']>> = {
  legal_name: 'text',
  dba_name: 'text',
  phy_state: 'text',
  phy_zip: 'text',
  carrier_operation: 'text',
  status_code: 'text',
  mcs150_date: 'date',
  add_date: 'date',
  power_units: 'integer',
  drivers: 'integer',
  company_officer: 'text',
};

/**
 * Imports an FMCSA census file (either shape) into fmcsa_carriers, upserting by USDOT number.
 * Preserves listmonk_sent_at, verification results, operators and other attributes (flags).
 *
 * @example
 * const summary = await importCarriers(db, readCsvRecords(createReadStream(file)), { yearPivot: 26 });
 */
export async function importCarriers(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportCarriersOptions,
): Promise<ImportSummary> {
  return runAudienceImport<CarrierRow>(
    db,
    'fmcsa',
    records,
    (header) => {
      const layout = detectCarrierLayout(header);
      const columns: StagedColumn[] = layout.columns
        .filter((c): c is Exclude<CarrierColumn, 'email'> => c !== 'email')
        .map((name) => ({ name, type: COLUMN_TYPES[name], mode: 'replace' }));
      const spec = {
        table: 'fmcsa_carriers',
        key: { name: 'dot_number', type: 'bigint' },
        columns,
        email: layout.columns.includes('email'),
        attributesKey: 'census',
      } as const;
      const writer = createStagedWriter(spec, options.method ?? defaultWriteMethod(db));
      const counts = (result: StagedResult) => ({
        inserted: result.inserted,
        updated: result.updated,
        problems: result.suppressedLines.map((line) => ({
          line,
          reason: 'suppressed_email' as const,
          detail: 'the address is suppressed; kept the stored one',
        })),
      });
      return {
        layout: layout.shape,
        keysOf: (row) => [row.dot_number],
        columns: carrierLayoutColumns(layout),
        batchSize: writer.batchSize,
        planRow: (record) => planCarrierRow(record, layout, options),
        async write(trx, rows) {
          const staged = rows.map((row) => {
            const out: Record<string, unknown> = {
              line: row.line,
              dot_number: row.dot_number,
              attrs: row.census,
            };
            for (const c of layout.columns) out[c] = row[c];
            return out;
          });
          return counts(await writer.write(trx, staged));
        },
        finish: async (trx) => counts(await writer.finish(trx)),
      };
    },
    options,
  );
}
