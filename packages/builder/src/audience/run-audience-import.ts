import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { BuilderError } from '../errors.js';
import type { WriteMethod } from './create-staged-writer.js';
import type { ImportProblem, ImportSummary, RejectReason, RowPlan, WarningReason } from './import-summary.js';
import { type CsvRecord, isCsvRecords } from './read-csv-records.js';

/** How one kind of file is validated and written, made once its header is known. */
export interface ImportPlan<T> {
  layout: string;
  /** The row's unique keys, for duplicate detection across the whole file. */
  keysOf(row: T): Array<string | number>;
  /** Rows per write when the caller sets no batchSize (default 5000). */
  batchSize?: number | undefined;
  /** The field indices `planRow` reads; a reader from readCsvRecords then skips the others. */
  columns?: readonly number[];
  planRow(record: CsvRecord): RowPlan<T>;
  /**
   * Writes a batch; returns counts, the rows refused by the database side (suppressed, unknown key …)
   * and the valid rows it left out (`skipped`, e.g. keys not in the audience).
   */
  write(db: Kysely<Database>, rows: T[]): Promise<WriteResult>;
  /** Called once after the last batch (a staged writer applies the whole file here). */
  finish?(db: Kysely<Database>): Promise<FinishResult>;
}

/** What one batch write did. */
export interface WriteResult {
  inserted: number;
  updated: number;
  problems: ImportProblem[];
  skipped?: Record<string, number> | undefined;
}

/**
 * What the last step did. An import that applies the whole file at the end may also say which valid
 * rows it left out (`skipped`, e.g. keys not in the audience), what it marked (`flagged`, e.g. flags
 * cleared) and how many recipients were already so (`unchanged`, when that is not one per row).
 */
export interface FinishResult extends WriteResult {
  flagged?: Record<string, number> | undefined;
  unchanged?: number | undefined;
}

/** Progress of a running import. */
export interface ImportProgress {
  read: number;
  written: number;
}

/** Options shared by every `import…` function. */
export interface ImportOptions {
  /** Rows per statement (default 5000; 20,000 on the `copy` path). */
  batchSize?: number;
  /**
   * `copy`: COPY FROM STDIN into a temporary table, then one upsert (default on PostgreSQL, for the
   * imports that support it); `batches`: one upsert per batch (PGlite, and the peer in benchmarks).
   */
  method?: WriteMethod;
  /** Validate and count inside a transaction that is rolled back: nothing is stored. */
  dryRun?: boolean;
  /** Problems listed line by line in the summary (default 1000); counts always cover all. */
  maxProblems?: number;
  onProgress?: (progress: ImportProgress) => void;
}

class DryRunRollback extends Error {}

/**
 * No field of a public audience file is near this long (a legal name, an address line); a longer
 * one is a broken file or an attack, and it would reach a campaign (Listmonk attributes) as is.
 */
export const MAX_FIELD_CHARS = 1000;

/**
 * A row holding a NUL (PostgreSQL text cannot store one: the whole import failed) or a field over
 * MAX_FIELD_CHARS is refused by line, like any other bad row.
 */
function checkFields(record: CsvRecord): ImportProblem | undefined {
  const { fields } = record;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined) continue;
    if (field.length > MAX_FIELD_CHARS) {
      return {
        line: record.line,
        reason: 'field_too_long',
        detail: `column ${i + 1} has ${field.length} characters (at most ${MAX_FIELD_CHARS})`,
      };
    }
    if (field.includes('\0')) {
      return { line: record.line, reason: 'nul_byte', detail: `column ${i + 1} holds a NUL byte` };
    }
  }
  return undefined;
}

/**
 * Streams records through a plan in batches inside one transaction: either the whole file is applied
 * or none of it. Bad rows are reported with their line numbers and skipped, never fatal; a bad header
 * fails before anything is written.
 */
export async function runAudienceImport<T extends { line: number }>(
  db: Kysely<Database>,
  kind: string,
  records: AsyncIterable<CsvRecord>,
  createPlan: (header: string[]) => ImportPlan<T>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  let batchSize = options.batchSize ?? 5000;
  const maxProblems = options.maxProblems ?? 1000;
  const summary: ImportSummary = {
    kind,
    layout: '',
    dryRun: options.dryRun === true,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: {},
    flagged: {},
    rejected: {},
    warnings: {},
    problems: [],
    problemsTruncated: false,
  };
  let valid = 0;
  let refusedByWrite = 0;
  let unchangedOverride: number | undefined;
  const note = (problem: ImportProblem, rejected: boolean) => {
    if (rejected) {
      const reason = problem.reason as RejectReason;
      summary.rejected[reason] = (summary.rejected[reason] ?? 0) + 1;
    } else {
      const reason = problem.reason as WarningReason;
      summary.warnings[reason] = (summary.warnings[reason] ?? 0) + 1;
    }
    if (summary.problems.length < maxProblems) summary.problems.push(problem);
    else summary.problemsTruncated = true;
  };

  const count = (written: WriteResult) => {
    summary.inserted += written.inserted;
    summary.updated += written.updated;
    for (const problem of written.problems) {
      const rejected = !(problem.reason === 'invalid_email' || problem.reason === 'suppressed_email');
      if (rejected) refusedByWrite += 1;
      note(problem, rejected);
    }
    for (const [reason, n] of Object.entries(written.skipped ?? {})) {
      summary.skipped[reason] = (summary.skipped[reason] ?? 0) + n;
      valid -= n;
    }
    options.onProgress?.({ read: summary.read, written: summary.inserted + summary.updated });
  };

  const run = async (trx: Kysely<Database>) => {
    let plan: ImportPlan<T> | undefined;
    const seen = new Set<string | number>();
    let batch: T[] = [];
    let pending: Promise<{ error: unknown } | undefined> | undefined;
    const settle = async () => {
      const outcome = await pending;
      pending = undefined;
      if (outcome !== undefined) throw outcome.error;
    };
    const flush = async () => {
      await settle();
      if (batch.length === 0 || plan === undefined) return;
      const rows = batch;
      batch = [];
      const p = plan;
      // The next batch is parsed while this one is written; the outcome is awaited before the next write.
      pending = p.write(trx, rows).then(
        (written) => {
          count(written);
          return undefined;
        },
        (error: unknown) => ({ error }),
      );
    };
    for await (const record of records) {
      // Records arrive through microtasks only: without a turn of the event loop now and then, the
      // database's answers to the batch being written would wait until the reader needs more file.
      if ((summary.read & 1023) === 1023) await new Promise((resolve) => setImmediate(resolve));
      if (plan === undefined) {
        plan = createPlan(record.fields);
        summary.layout = plan.layout;
        batchSize = options.batchSize ?? plan.batchSize ?? batchSize;
        // Fields past the header's width stay readable: the field-count check looks at them.
        if (plan.columns !== undefined && isCsvRecords(records))
          records.keepColumns(plan.columns, record.fields.length);
        continue;
      }
      summary.read += 1;
      const unfit = checkFields(record);
      if (unfit !== undefined) {
        note(unfit, true);
        continue;
      }
      const planned = plan.planRow(record);
      if (planned.ok === 'skip') {
        summary.skipped[planned.reason] = (summary.skipped[planned.reason] ?? 0) + 1;
        continue;
      }
      if (planned.ok === false) {
        note(planned.problem, true);
        continue;
      }
      const keys = plan.keysOf(planned.row);
      const repeated = keys.find((key) => seen.has(key));
      if (repeated !== undefined) {
        note(
          { line: record.line, reason: 'duplicate_key', detail: `${repeated} appears earlier in the file` },
          true,
        );
        continue;
      }
      for (const key of keys) seen.add(key);
      if (planned.flag !== undefined)
        summary.flagged[planned.flag] = (summary.flagged[planned.flag] ?? 0) + 1;
      for (const w of planned.warnings ?? []) note(w, false);
      valid += 1;
      batch.push(planned.row);
      if (batch.length >= batchSize) await flush();
    }
    if (plan === undefined)
      throw new BuilderError('AUDIENCE_INPUT_INVALID', 'the file is empty: no header line');
    await flush();
    await settle();
    if (plan.finish !== undefined) {
      const finished = await plan.finish(trx);
      count(finished);
      for (const [mark, n] of Object.entries(finished.flagged ?? {}))
        summary.flagged[mark] = (summary.flagged[mark] ?? 0) + n;
      unchangedOverride = finished.unchanged;
    }
    if (options.dryRun) throw new DryRunRollback();
  };

  try {
    await db.transaction().execute(run);
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  summary.unchanged = unchangedOverride ?? valid - refusedByWrite - summary.inserted - summary.updated;
  summary.problems.sort((a, b) => a.line - b.line);
  return summary;
}
