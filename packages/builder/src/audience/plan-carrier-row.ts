import type { FmcsaCarrier } from '@mailramp/db';
import { BuilderError } from '../errors.js';
import type { ImportProblem, RowPlan } from './import-summary.js';
import { type DateFormat, parseCensusDate } from './parse-census-date.js';
import type { CsvRecord } from './read-csv-records.js';
import { countAt, findColumn, readEmail, shapeProblem, textAt } from './read-fields.js';

/** The two FMCSA census files (DOMAIN.md §1), told apart by their header. */
export const FMCSA_SHAPES = {
  /** SMS "Motor Carrier Census": 42 upper-case columns, dates DD-MON-YY. */
  sms_census: { key: 'DOT_NUMBER' },
  /** Daily "Company Census File": 147 lower-case columns, dates YYYYMMDD. */
  company_census: { key: 'dot_number' },
} as const;
export type FmcsaShape = keyof typeof FMCSA_SHAPES;

/** fmcsa_carriers columns an import may write, besides the key. */
export const CARRIER_COLUMNS = [
  'legal_name',
  'dba_name',
  'email',
  'phy_state',
  'phy_zip',
  'carrier_operation',
  'status_code',
  'mcs150_date',
  'add_date',
  'power_units',
  'drivers',
  'company_officer',
] as const;
export type CarrierColumn = (typeof CARRIER_COLUMNS)[number];

/** One valid census row, ready to upsert. */
export type CarrierRow = { line: number; dot_number: number } & Pick<FmcsaCarrier, CarrierColumn> & {
    /** Extra census fields kept under `attributes.census` for templates. */
    census: Record<string, string>;
  };

const SOURCE_NAMES: Readonly<Record<CarrierColumn, readonly string[]>> = {
  legal_name: ['legal_name'],
  dba_name: ['dba_name'],
  email: ['email_address'],
  phy_state: ['phy_state'],
  phy_zip: ['phy_zip'],
  carrier_operation: ['carrier_operation'],
  status_code: ['status_code'],
  mcs150_date: ['mcs150_date'],
  add_date: ['add_date'],
  power_units: ['nbr_power_unit', 'power_units'],
  drivers: ['driver_total', 'total_drivers'],
  company_officer: ['company_officer_1'],
};

const CENSUS_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  phy_street: ['phy_street'],
  phy_city: ['phy_city'],
  phy_country: ['phy_country'],
  telephone: ['telephone', 'phone'],
  hm_flag: ['hm_flag', 'hm_ind'],
  pc_flag: ['pc_flag'],
  // What the census says of the carrier's operation: the for-hire authority derivation reads them.
  authorized_for_hire: ['authorized_for_hire'],
  classdef: ['classdef'],
};

const DATE_FORMATS: readonly DateFormat[] = ['DD-MON-YY', 'YYYYMMDD', 'ISO'];

/** Where each field sits in one census file. */
export interface CarrierLayout {
  shape: FmcsaShape;
  width: number;
  key: number;
  /** The columns this file supplies; the others are left as stored. */
  columns: CarrierColumn[];
  index: Partial<Record<CarrierColumn, number>>;
  census: Array<[name: string, index: number]>;
}

/**
 * Recognises a census file by its header: upper-case `DOT_NUMBER` is the SMS census, lower-case
 * `dot_number` the Company Census File. Anything else is refused before a row is read.
 */
export function detectCarrierLayout(header: readonly string[]): CarrierLayout {
  const cells = header.map((h) => h.trim());
  const shape: FmcsaShape | undefined = cells.includes(FMCSA_SHAPES.sms_census.key)
    ? 'sms_census'
    : cells.includes(FMCSA_SHAPES.company_census.key)
      ? 'company_census'
      : undefined;
  if (shape === undefined) {
    throw new BuilderError(
      'AUDIENCE_INPUT_INVALID',
      `the header is neither the SMS census (DOT_NUMBER, LEGAL_NAME, …) nor the Company Census File (dot_number, legal_name, …); it starts ${cells.slice(0, 4).join(',')}`,
    );
  }
  const index: Partial<Record<CarrierColumn, number>> = {};
  const columns: CarrierColumn[] = [];
  for (const column of CARRIER_COLUMNS) {
    const i = findColumn(cells, SOURCE_NAMES[column]);
    if (i === undefined) continue;
    index[column] = i;
    columns.push(column);
  }
  const census: Array<[string, number]> = [];
  for (const [name, names] of Object.entries(CENSUS_ATTRIBUTES)) {
    const i = findColumn(cells, names);
    if (i !== undefined) census.push([name, i]);
  }
  return { shape, width: cells.length, key: cells.indexOf(FMCSA_SHAPES[shape].key), columns, index, census };
}

/** The field indices {@link planCarrierRow} reads with `layout`. */
export function carrierLayoutColumns(layout: CarrierLayout): number[] {
  return [layout.key, ...Object.values(layout.index), ...layout.census.map(([, i]) => i)];
}

/** Options for {@link planCarrierRow}. */
export interface CarrierRowOptions {
  /** Two-digit years up to this are 20YY (see parseCensusDate). */
  yearPivot: number;
}

/** Validates one census record into a row, or says why it is refused. Pure. */
export function planCarrierRow(
  record: CsvRecord,
  layout: CarrierLayout,
  options: CarrierRowOptions,
): RowPlan<CarrierRow> {
  const line = record.line;
  const shape = shapeProblem(record, layout.width);
  if (shape !== undefined) return { ok: false, problem: shape };
  const dotText = textAt(record, layout.key) ?? '';
  if (!/^\d{1,8}$/.test(dotText) || Number(dotText) === 0) {
    return { ok: false, problem: { line, reason: 'bad_key', detail: `USDOT number "${dotText}"` } };
  }
  const dates: Record<'mcs150_date' | 'add_date', string | null> = { mcs150_date: null, add_date: null };
  for (const column of ['mcs150_date', 'add_date'] as const) {
    const parsed = parseCensusDate(textAt(record, layout.index[column]) ?? '', {
      formats: DATE_FORMATS,
      yearPivot: options.yearPivot,
    });
    if (!parsed.ok)
      return { ok: false, problem: { line, reason: 'bad_date', detail: `${column}: ${parsed.reason}` } };
    dates[column] = parsed.date;
  }
  const counts: Record<'power_units' | 'drivers', number | null> = { power_units: null, drivers: null };
  for (const column of ['power_units', 'drivers'] as const) {
    const n = countAt(record, layout.index[column]);
    if (n === undefined) {
      return {
        ok: false,
        problem: {
          line,
          reason: 'bad_number',
          detail: `${column}: "${textAt(record, layout.index[column])}"`,
        },
      };
    }
    counts[column] = n;
  }
  const warnings: ImportProblem[] = [];
  const rawEmail = textAt(record, layout.index.email);
  let email = readEmail(rawEmail);
  if (email === undefined) {
    warnings.push({
      line,
      reason: 'invalid_email',
      detail: `"${rawEmail}" is not one e-mail address; kept none`,
    });
    email = null;
  }
  const census: Record<string, string> = {};
  for (const [name, i] of layout.census) {
    const v = textAt(record, i);
    if (v !== null) census[name] = v;
  }
  const upper = (v: string | null) => (v === null ? null : v.toUpperCase());
  const row: CarrierRow = {
    line,
    dot_number: Number(dotText),
    legal_name: textAt(record, layout.index.legal_name),
    dba_name: textAt(record, layout.index.dba_name),
    email,
    phy_state: upper(textAt(record, layout.index.phy_state)),
    phy_zip: textAt(record, layout.index.phy_zip),
    carrier_operation: upper(textAt(record, layout.index.carrier_operation)),
    status_code: upper(textAt(record, layout.index.status_code)),
    ...dates,
    ...counts,
    company_officer: textAt(record, layout.index.company_officer),
    census,
  };
  return warnings.length > 0 ? { ok: true, row, warnings } : { ok: true, row };
}
