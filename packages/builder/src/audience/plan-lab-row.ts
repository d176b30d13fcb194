import type { HcProvider } from '@mailramp/db';
import { BuilderError } from '../errors.js';
import type { RowPlan } from './import-summary.js';
import { parseCensusDate } from './parse-census-date.js';
import { CLIA_NUMBER, isNpi } from './plan-provider-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { findColumn, shapeProblem, textAt } from './read-fields.js';

/** One active lab of the CMS CLIA file, ready to write. */
export type LabRow = { line: number; npi: string | null } & Pick<
  HcProvider,
  'clia_number' | 'name' | 'state' | 'zip' | 'clia_expires'
> & {
    /** Kept under `attributes.clia`. */
    clia: Record<string, string>;
  };

/** Where each field sits in one CLIA file. */
export interface LabLayout {
  width: number;
  clia: number;
  /** Present in files the user joined to NPIs; without it labs are matched by CLIA number only. */
  npi: number | undefined;
  name: number | undefined;
  state: number | undefined;
  zip: number | undefined;
  certificateType: number | undefined;
  effective: number | undefined;
  expires: number | undefined;
  termination: number | undefined;
}

/** Recognises the CMS lab file by `PRVDR_NUM`; refuses anything else. */
export function detectLabLayout(header: readonly string[]): LabLayout {
  const cells = header.map((h) => h.trim());
  const col = (...names: string[]) => findColumn(cells, names);
  const clia = col('PRVDR_NUM');
  if (clia === undefined) {
    throw new BuilderError(
      'AUDIENCE_INPUT_INVALID',
      `the header is not the CMS CLIA lab file (needs PRVDR_NUM, FAC_NAME, …); it starts ${cells.slice(0, 4).join(',')}`,
    );
  }
  return {
    width: cells.length,
    clia,
    npi: col('NPI'),
    name: col('FAC_NAME'),
    state: col('STATE_CD'),
    zip: col('ZIP_CD'),
    certificateType: col('CRTFCT_TYPE_CD'),
    effective: col('CRTFCT_EFCTV_DT'),
    expires: col('TRMNTN_EXPRTN_DT'),
    termination: col('PGM_TRMNTN_CD'),
  };
}

const CMS_DATE = { formats: ['YYYYMMDD', 'ISO'] as const, yearPivot: 0 };

/** Validates one lab record; terminated labs (PGM_TRMNTN_CD other than `00`) are skipped. Pure. */
export function planLabRow(record: CsvRecord, layout: LabLayout): RowPlan<LabRow> {
  const line = record.line;
  const shape = shapeProblem(record, layout.width);
  if (shape !== undefined) return { ok: false, problem: shape };
  const termination = textAt(record, layout.termination);
  if (termination !== null && termination !== '00' && termination !== '0')
    return { ok: 'skip', reason: 'terminated' };
  const clia = (textAt(record, layout.clia) ?? '').toUpperCase();
  if (!CLIA_NUMBER.test(clia))
    return { ok: false, problem: { line, reason: 'bad_key', detail: `CLIA number "${clia}"` } };
  let npi: string | null = null;
  if (layout.npi !== undefined) {
    npi = textAt(record, layout.npi);
    if (npi !== null && !isNpi(npi))
      return { ok: false, problem: { line, reason: 'bad_key', detail: `NPI "${npi}"` } };
  }
  const dates: Record<'effective' | 'expires', string | null> = { effective: null, expires: null };
  for (const key of ['effective', 'expires'] as const) {
    const parsed = parseCensusDate(textAt(record, layout[key]) ?? '', CMS_DATE);
    if (!parsed.ok)
      return { ok: false, problem: { line, reason: 'bad_date', detail: `${key}: ${parsed.reason}` } };
    dates[key] = parsed.date;
  }
  const clia_attrs: Record<string, string> = {};
  const certificate = textAt(record, layout.certificateType);
  if (certificate !== null) clia_attrs.certificate_type = certificate;
  if (dates.effective !== null) clia_attrs.effective = dates.effective;
  return {
    ok: true,
    row: {
      line,
      npi,
      clia_number: clia,
      name: textAt(record, layout.name),
      state: textAt(record, layout.state)?.toUpperCase() ?? null,
      zip: textAt(record, layout.zip),
      clia_expires: dates.expires,
      clia: clia_attrs,
    },
  };
}
