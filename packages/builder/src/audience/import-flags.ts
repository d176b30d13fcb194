import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { BuilderError } from '../errors.js';
import { DEFAULT_SEGMENTS, type SegmentDefinition, type Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';
import { createFlagStage, type FlagMode, type FlagShare, type FlagSource } from './apply-flag-source.js';
import { flagVocabulary } from './flag-vocabulary.js';
import type { ImportSummary, RowPlan } from './import-summary.js';
import { parseCensusDate } from './parse-census-date.js';
import { isNpi } from './plan-provider-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { findColumn, shapeProblem, textAt } from './read-fields.js';
import {
  type FinishResult,
  type ImportOptions,
  type ImportPlan,
  runAudienceImport,
} from './run-audience-import.js';

/** One recipient's share of flags from one file line. */
export interface FlagRow {
  line: number;
  key: string;
  share: FlagShare;
}

/** The segments a flag import checks flags against: the shipped ones unless the caller passes the configured set. */
export interface FlagImportOptions extends ImportOptions {
  segments?: ReadonlyArray<Pick<SegmentDefinition, 'id' | 'rule'>>;
}

const shippedSegments = (vertical: Vertical) =>
  Object.entries(DEFAULT_SEGMENTS[vertical]).map(([id, s]) => ({ id, rule: s.rule }));

/** The attribute a vertical's segments read `flag` from, or the error naming the segments that read flags. */
function attributeOf(vertical: Vertical, flag: string, options: FlagImportOptions): string {
  const vocabulary = flagVocabulary(options.segments ?? shippedSegments(vertical));
  for (const [attribute, flags] of vocabulary) if (flags.has(flag)) return attribute;
  throw new BuilderError(
    'AUDIENCE_INPUT_INVALID',
    `no ${vertical} segment reads the flag ${flag}: this import would feed nothing (is the segment disabled in config?)`,
  );
}

/** Runs a flag import: rows are staged, then the source's share is applied in one statement at the end. */
async function runFlagImport(
  db: Kysely<Database>,
  kind: string,
  vertical: Vertical,
  source: FlagSource,
  mode: FlagMode,
  records: AsyncIterable<CsvRecord>,
  detect: (header: string[]) => { layout: string; planRow(record: CsvRecord): RowPlan<FlagRow> },
  options: FlagImportOptions,
  keyed: boolean,
): Promise<ImportSummary> {
  const attributes = [...flagVocabulary(options.segments ?? shippedSegments(vertical)).keys()];
  return runAudienceImport<FlagRow>(
    db,
    kind,
    records,
    (header): ImportPlan<FlagRow> => {
      const layout = detect(header);
      const stage = createFlagStage(vertical, source, mode, attributes);
      return {
        layout: layout.layout,
        keysOf: (row) => (keyed ? [row.key] : []),
        planRow: layout.planRow,
        async write(trx, rows) {
          await stage.add(
            trx,
            rows.map((r) => ({ key: r.key, share: r.share })),
          );
          return { inserted: 0, updated: 0, problems: [] };
        },
        async finish(trx): Promise<FinishResult> {
          const result = await stage.apply(trx);
          const flagged: Record<string, number> = {};
          if (result.cleared > 0) flagged.cleared = result.cleared;
          return {
            inserted: 0,
            updated: result.updated,
            problems: [],
            unchanged: result.unchanged,
            flagged,
            skipped: result.notInAudience > 0 ? { not_in_audience: result.notInAudience } : undefined,
          };
        },
      };
    },
    options,
  );
}

const NO_DATE = /^0+$/;
const LEIE_DATE = { formats: ['YYYYMMDD'] as const, yearPivot: 0 };

/**
 * Imports the OIG LEIE exclusion list (`UPDATED.csv`) as the `oig_exclusion` flag (source `leie`).
 * The file is the whole list: a provider it no longer lists loses the flag. Rows without an NPI
 * (`0000000000`) are counted as `no_npi` and never matched by name; a row with a reinstatement date
 * on or before `today` is counted as `reinstated`.
 *
 * @example
 * await importLeie(db, readCsvRecords(createReadStream('UPDATED.csv')), { today: '2026-12-07' });
 */
export async function importLeie(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: FlagImportOptions & { today: string },
): Promise<ImportSummary> {
  const attribute = attributeOf('healthcare', 'oig_exclusion', options);
  return runFlagImport(
    db,
    'leie',
    'healthcare',
    'leie',
    'snapshot',
    records,
    (header) => {
      const cells = header.map((h) => h.trim());
      const col = (name: string) => findColumn(cells, [name]);
      const npi = col('NPI');
      const excluded = col('EXCLDATE');
      const reinstated = col('REINDATE');
      if (npi === undefined || excluded === undefined || col('EXCLTYPE') === undefined) {
        throw new BuilderError(
          'AUDIENCE_INPUT_INVALID',
          `the header is not the OIG LEIE file (UPDATED.csv: LASTNAME, FIRSTNAME, …, NPI, …, EXCLTYPE, EXCLDATE, REINDATE, …); it starts ${cells.slice(0, 4).join(',')}`,
        );
      }
      const seen = new Set<string>();
      return {
        layout: 'leie_updated',
        planRow(record) {
          const line = record.line;
          const shape = shapeProblem(record, cells.length);
          if (shape !== undefined) return { ok: false, problem: shape };
          const value = textAt(record, npi) ?? '';
          if (value === '' || NO_DATE.test(value)) return { ok: 'skip', reason: 'no_npi' };
          if (!isNpi(value))
            return { ok: false, problem: { line, reason: 'bad_key', detail: `NPI "${value}"` } };
          const dates: Record<string, string | null> = {};
          for (const [name, index] of [
            ['EXCLDATE', excluded],
            ['REINDATE', reinstated],
          ] as const) {
            const text = textAt(record, index) ?? '';
            const parsed = parseCensusDate(NO_DATE.test(text) ? '' : text, LEIE_DATE);
            if (!parsed.ok)
              return {
                ok: false,
                problem: { line, reason: 'bad_date', detail: `${name}: ${parsed.reason}` },
              };
            dates[name] = parsed.date;
          }
          if (dates.REINDATE !== null && dates.REINDATE !== undefined && dates.REINDATE <= options.today)
            return { ok: 'skip', reason: 'reinstated' };
          // One provider can be listed under several exclusions: the first line flags them.
          if (seen.has(value)) return { ok: 'skip', reason: 'listed_again' };
          seen.add(value);
          return { ok: true, row: { line, key: value, share: { [attribute]: ['oig_exclusion'] } } };
        },
      };
    },
    options,
    false,
  );
}

const DEACTIVATION_DATE = { formats: ['MM/DD/YYYY', 'ISO', 'YYYYMMDD'] as const, yearPivot: 0 };

/**
 * Imports the monthly NPPES Deactivated NPI Report (saved as CSV: `NPI`, `NPPES Deactivation Date`)
 * as the `npi_reactivation` flag (source `nppes_deactivated`): the reactivation segment's audience.
 * The report is the whole list: an NPI it no longer lists (reactivated) loses the flag. Title lines
 * above the header row (the spreadsheet's caption) are skipped.
 */
export async function importDeactivations(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: FlagImportOptions = {},
): Promise<ImportSummary> {
  const attribute = attributeOf('healthcare', 'npi_reactivation', options);
  return runFlagImport(
    db,
    'nppes_deactivated',
    'healthcare',
    'nppes_deactivated',
    'snapshot',
    skipToHeader(records, (fields) => fields.some((f) => f.trim().toUpperCase() === 'NPI')),
    (header) => {
      const cells = header.map((h) => h.trim());
      const npi = findColumn(cells, ['NPI']);
      // Not 'NPI Deactivation Date': that is the NPPES main file's column, and that file read as the
      // report would flag every provider in it (the report has two or three columns, never dozens).
      const date = findColumn(cells, ['NPPES Deactivation Date', 'Deactivation Date']);
      if (cells.length > 6 || cells.includes('Entity Type Code')) {
        throw new BuilderError(
          'AUDIENCE_INPUT_INVALID',
          `this is not the NPPES Deactivated NPI Report (NPI, NPPES Deactivation Date) but a ${cells.length}-column file (the NPPES main file?); import that with \`audience import nppes\``,
        );
      }
      if (npi === undefined || date === undefined) {
        throw new BuilderError(
          'AUDIENCE_INPUT_INVALID',
          `the header is not the NPPES Deactivated NPI Report (NPI, NPPES Deactivation Date); it reads ${cells.slice(0, 4).join(',')}`,
        );
      }
      return {
        layout: 'nppes_deactivated_report',
        planRow(record) {
          const line = record.line;
          const shape = shapeProblem(record, cells.length);
          if (shape !== undefined) return { ok: false, problem: shape };
          const value = textAt(record, npi) ?? '';
          if (!isNpi(value))
            return { ok: false, problem: { line, reason: 'bad_key', detail: `NPI "${value}"` } };
          const dateText = textAt(record, date) ?? '';
          if (dateText.trim() === '')
            return {
              ok: false,
              problem: {
                line,
                reason: 'bad_date',
                detail: 'no deactivation date: the report lists only deactivated NPIs',
              },
            };
          const parsed = parseCensusDate(dateText, DEACTIVATION_DATE);
          if (!parsed.ok)
            return {
              ok: false,
              problem: { line, reason: 'bad_date', detail: `deactivation date: ${parsed.reason}` },
            };
          return { ok: true, row: { line, key: value, share: { [attribute]: ['npi_reactivation'] } } };
        },
      };
    },
    options,
    true,
  );
}

/** Options of {@link importFlags}. */
export interface ImportFlagsOptions extends FlagImportOptions {
  vertical: Vertical;
  /** `replace` (default): each listed recipient's enrichment flags become the listed ones; `add`: they join them. */
  mode?: 'replace' | 'add';
}

/**
 * Imports the user's own enrichment flags: recipient key (`dot_number` or `npi`) → flag list
 * (`flags`, separated by `;`, `|`, `,` or spaces), as source `enrichment`. Each flag must be one a
 * segment of the vertical reads; an unknown flag refuses the row and names the accepted ones.
 */
export async function importFlags(
  db: Kysely<Database>,
  records: AsyncIterable<CsvRecord>,
  options: ImportFlagsOptions,
): Promise<ImportSummary> {
  const { vertical } = options;
  const vocabulary = flagVocabulary(options.segments ?? shippedSegments(vertical));
  const attributeOfFlag = new Map<string, string>();
  for (const [attribute, flags] of vocabulary)
    for (const flag of flags.keys()) attributeOfFlag.set(flag, attribute);
  const known = [...attributeOfFlag.keys()].sort().join(', ');
  const table = AUDIENCE_TABLES[vertical];
  return runFlagImport(
    db,
    'flags',
    vertical,
    'enrichment',
    options.mode ?? 'replace',
    records,
    (header) => {
      const cells = header.map((h) => h.trim());
      const key = findColumn(cells, [table.key, 'key']);
      const flags = findColumn(cells, ['flags', 'flag']);
      if (key === undefined || flags === undefined) {
        throw new BuilderError(
          'AUDIENCE_INPUT_INVALID',
          `the header needs a ${table.key} (or key) column and a flags column; it reads ${cells.slice(0, 4).join(',')}`,
        );
      }
      return {
        layout: `flags_${options.mode ?? 'replace'}`,
        planRow(record) {
          const line = record.line;
          const shape = shapeProblem(record, cells.length);
          if (shape !== undefined) return { ok: false, problem: shape };
          const value = textAt(record, key) ?? '';
          const validKey = table.key === 'npi' ? isNpi(value) : /^\d{1,8}$/.test(value) && Number(value) > 0;
          if (!validKey)
            return { ok: false, problem: { line, reason: 'bad_key', detail: `${table.key} "${value}"` } };
          const share: FlagShare = {};
          for (const flag of (textAt(record, flags) ?? '').toLowerCase().split(/[\s;|,]+/)) {
            if (flag === '') continue;
            const attribute = attributeOfFlag.get(flag);
            if (attribute === undefined)
              return {
                ok: false,
                problem: {
                  line,
                  reason: 'unknown_flag',
                  detail: `"${flag}" is read by no ${vertical} segment; known: ${known}`,
                },
              };
            const list = share[attribute] ?? [];
            if (!list.includes(flag)) list.push(flag);
            share[attribute] = list;
          }
          return {
            ok: true,
            row: { line, key: table.key === 'dot_number' ? String(Number(value)) : value, share },
          };
        },
      };
    },
    options,
    true,
  );
}

/**
 * The records from the first one `isHeader` accepts: a spreadsheet saved as CSV often carries a
 * caption line or two above its header. Records are passed on unchanged (line numbers stay the file's).
 */
async function* skipToHeader(
  records: AsyncIterable<CsvRecord>,
  isHeader: (fields: string[]) => boolean,
): AsyncGenerator<CsvRecord> {
  let found = false;
  let skipped = 0;
  for await (const record of records) {
    if (!found) {
      if (!isHeader(record.fields)) {
        skipped += 1;
        if (skipped > 10) {
          throw new BuilderError(
            'AUDIENCE_INPUT_INVALID',
            'no header row in the first 10 lines (the report needs an "NPI" column)',
          );
        }
        continue;
      }
      found = true;
    }
    yield record;
  }
}
