import type { HcProvider } from '@mailramp/db';
import { BuilderError } from '../errors.js';
import type { RowPlan } from './import-summary.js';
import { parseCensusDate } from './parse-census-date.js';
import type { CsvRecord } from './read-csv-records.js';
import { findColumn, shapeProblem, textAt } from './read-fields.js';

/** One valid NPPES row, ready to upsert. */
export type ProviderRow = { line: number } & Pick<
  HcProvider,
  'npi' | 'name' | 'entity_type' | 'state' | 'zip' | 'taxonomy' | 'deactivated_at'
> & {
    /** Kept under `attributes.nppes`. */
    nppes: Record<string, string>;
  };

/** Where each field sits in one NPPES main file. */
export interface ProviderLayout {
  width: number;
  npi: number;
  entityType: number;
  organization?: number | undefined;
  first?: number | undefined;
  last?: number | undefined;
  credential?: number | undefined;
  state?: number | undefined;
  zip?: number | undefined;
  enumerated?: number | undefined;
  updated?: number | undefined;
  deactivated?: number | undefined;
  /** `NPI Deactivation Reason Code`: DT death, DB disbandment, FR fraud, OT other. */
  deactivationReason?: number | undefined;
  reactivated?: number | undefined;
  /** [taxonomy code, primary switch] pairs, 1…15. */
  taxonomies: Array<[code: number, primary: number | undefined]>;
  /** `Other Provider Identifier_1…50`: where a lab lists its CLIA number. */
  otherIdentifiers: number[];
}

/** Recognises the NPPES main file (`NPI`, `Entity Type Code`, … 330 columns); refuses anything else. */
export function detectProviderLayout(header: readonly string[]): ProviderLayout {
  const cells = header.map((h) => h.trim());
  const col = (name: string) => findColumn(cells, [name]);
  const npi = col('NPI');
  const entityType = col('Entity Type Code');
  if (npi === undefined || entityType === undefined) {
    throw new BuilderError(
      'AUDIENCE_INPUT_INVALID',
      `the header is not the NPPES main file (needs "NPI" and "Entity Type Code"); it starts ${cells.slice(0, 4).join(',')}`,
    );
  }
  const taxonomies: Array<[number, number | undefined]> = [];
  for (let i = 1; i <= 15; i++) {
    const code = col(`Healthcare Provider Taxonomy Code_${i}`);
    if (code !== undefined) taxonomies.push([code, col(`Healthcare Provider Primary Taxonomy Switch_${i}`)]);
  }
  const otherIdentifiers: number[] = [];
  for (let i = 1; i <= 50; i++) {
    const other = col(`Other Provider Identifier_${i}`);
    if (other !== undefined) otherIdentifiers.push(other);
  }
  return {
    width: cells.length,
    npi,
    entityType,
    organization: col('Provider Organization Name (Legal Business Name)'),
    first: col('Provider First Name'),
    last: col('Provider Last Name (Legal Name)'),
    credential: col('Provider Credential Text'),
    state: col('Provider Business Practice Location Address State Name'),
    zip: col('Provider Business Practice Location Address Postal Code'),
    enumerated: col('Provider Enumeration Date'),
    updated: col('Last Update Date'),
    deactivated: col('NPI Deactivation Date'),
    deactivationReason: col('NPI Deactivation Reason Code'),
    reactivated: col('NPI Reactivation Date'),
    taxonomies,
    otherIdentifiers,
  };
}

/** True when a 10-digit NPI carries a valid check digit (Luhn over `80840` + the first nine digits). */
export function isNpi(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const digits = `80840${value}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A CLIA number: 2-digit state code, `D`, 7 digits (`11D2306220`). */
export const CLIA_NUMBER = /^\d{2}D\d{7}$/;

const US_DATE = { formats: ['MM/DD/YYYY', 'ISO'] as const, yearPivot: 0 };

/**
 * Validates one NPPES record. A deactivated NPI (deactivation date, no later reactivation) gets
 * `deactivated_at` and its reason code under `nppes.deactivation_reason`: such providers get no
 * regular mail (only the reactivation segment may take them, never for DT or DB). Pure.
 */
export function planProviderRow(record: CsvRecord, layout: ProviderLayout): RowPlan<ProviderRow> {
  const line = record.line;
  const shape = shapeProblem(record, layout.width);
  if (shape !== undefined) return { ok: false, problem: shape };
  const npi = textAt(record, layout.npi) ?? '';
  if (!isNpi(npi)) return { ok: false, problem: { line, reason: 'bad_key', detail: `NPI "${npi}"` } };
  const dates: Record<'enumerated' | 'updated' | 'deactivated' | 'reactivated', string | null> = {
    enumerated: null,
    updated: null,
    deactivated: null,
    reactivated: null,
  };
  for (const key of ['enumerated', 'updated', 'deactivated', 'reactivated'] as const) {
    const parsed = parseCensusDate(textAt(record, layout[key]) ?? '', US_DATE);
    if (!parsed.ok)
      return { ok: false, problem: { line, reason: 'bad_date', detail: `${key}: ${parsed.reason}` } };
    dates[key] = parsed.date;
  }
  const deactivated =
    dates.deactivated !== null && (dates.reactivated === null || dates.reactivated < dates.deactivated)
      ? dates.deactivated
      : null;
  const type = textAt(record, layout.entityType);
  const entity_type = type === '1' ? 'individual' : type === '2' ? 'organization' : null;
  const credential = textAt(record, layout.credential);
  const person = [textAt(record, layout.first), textAt(record, layout.last)]
    .filter((p) => p !== null)
    .join(' ');
  const name =
    entity_type === 'organization'
      ? textAt(record, layout.organization)
      : person === ''
        ? null
        : credential === null
          ? person
          : `${person}, ${credential}`;
  let taxonomy: string | null = null;
  for (const [code, primary] of layout.taxonomies) {
    const value = textAt(record, code);
    if (value === null) continue;
    taxonomy ??= value;
    if (textAt(record, primary)?.toUpperCase() === 'Y') {
      taxonomy = value;
      break;
    }
  }
  const nppes: Record<string, string> = {};
  if (dates.enumerated !== null) nppes.enumeration_date = dates.enumerated;
  if (dates.updated !== null) nppes.last_update = dates.updated;
  if (credential !== null) nppes.credential = credential;
  // Kept while deactivated: a death (DT) or disbandment (DB) is never mailed, even about reactivation.
  const reason = textAt(record, layout.deactivationReason);
  if (deactivated !== null && reason !== null) nppes.deactivation_reason = reason.toUpperCase();
  // A lab lists its CLIA number (2-digit state, D, 7 digits) as an other identifier, issuer "CLIA":
  // the CMS lab file names no NPI, so this is how `audience import clia` finds the lab's provider.
  for (const index of layout.otherIdentifiers) {
    const value = textAt(record, index)?.toUpperCase();
    if (value !== undefined && CLIA_NUMBER.test(value)) {
      nppes.clia = value;
      break;
    }
  }
  const zip = textAt(record, layout.zip);
  return {
    ok: true,
    row: {
      line,
      npi,
      name,
      entity_type,
      state: textAt(record, layout.state)?.toUpperCase() ?? null,
      zip,
      taxonomy,
      deactivated_at: deactivated,
      nppes,
    },
  };
}
