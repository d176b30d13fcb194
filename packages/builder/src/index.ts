export { type ImportCarriersOptions, importCarriers } from './audience/import-carriers.js';
export {
  type ImportProblem,
  type ImportSummary,
  REJECT_REASONS,
  type RejectReason,
  WARNING_REASONS,
  type WarningReason,
} from './audience/import-summary.js';
export { type DateFormat, parseCensusDate } from './audience/parse-census-date.js';
export {
  CARRIER_COLUMNS,
  detectCarrierLayout,
  FMCSA_SHAPES,
  type FmcsaShape,
} from './audience/plan-carrier-row.js';
export { type CsvOptions, type CsvRecord, readCsvRecords } from './audience/read-csv-records.js';
export type { ImportOptions, ImportProgress } from './audience/run-audience-import.js';
export * from './backfill/index.js';
export * from './backfill/links/index.js';
export * from './errors.js';
export * from './template/index.js';
