/** Why a row of an import file was not written. */
export const REJECT_REASONS = [
  'field_count',
  'unterminated_quote',
  'bad_key',
  'duplicate_key',
  'bad_date',
  'bad_number',
  'bad_email',
  'unknown_result',
  'unknown_key',
  'suppressed',
  'clia_conflict',
  'unknown_flag',
  'bad_value',
  'nul_byte',
  'field_too_long',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Something wrong with a row that was still written (minus the bad value). */
export const WARNING_REASONS = ['invalid_email', 'suppressed_email'] as const;
export type WarningReason = (typeof WARNING_REASONS)[number];

/** One problem with one line of an import file. */
export interface ImportProblem {
  line: number;
  reason: RejectReason | WarningReason;
  detail: string;
}

/** What an import did. `unchanged` rows were valid and already stored exactly so. */
export interface ImportSummary {
  kind: string;
  /** The file layout recognised from the header (e.g. `sms_census`, `company_census`). */
  layout: string;
  dryRun: boolean;
  /** Data records read (header excluded). */
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows left out on purpose (e.g. terminated labs), by reason. */
  skipped: Record<string, number>;
  /** Rows written with a mark worth knowing (e.g. deactivated NPIs), by mark. */
  flagged: Record<string, number>;
  rejected: Partial<Record<RejectReason, number>>;
  warnings: Partial<Record<WarningReason, number>>;
  /** The first problems by line (at most `maxProblems`); counts above cover them all. */
  problems: ImportProblem[];
  problemsTruncated: boolean;
}

/** A row after validation, or the one problem that refused it. */
export type RowPlan<T> =
  | { ok: true; row: T; warnings?: ImportProblem[]; flag?: string }
  | { ok: false; problem: ImportProblem }
  | { ok: 'skip'; reason: string };
