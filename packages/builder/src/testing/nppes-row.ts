import { readFileSync } from 'node:fs';

/** The header of the NPPES main-file fixture (its real column names, the first 20 of 330). */
export const NPPES_HEADER = readFileSync(
  new URL('../audience/fixtures/nppes-main.csv', import.meta.url),
  'utf8',
).split('\n')[0]!;

/**
 * One NPPES main-file line under {@link NPPES_HEADER}, every field quoted as NPPES writes them: an
 * active Texas organization enumerated in 2005 unless `fields` (by column name) says otherwise.
 *
 * @example
 * const file = [NPPES_HEADER, nppesRow({ NPI: '1234567893', 'NPI Deactivation Date': '10/07/2026' })].join('\n');
 */
export function nppesRow(fields: Record<string, string>): string {
  const defaults: Record<string, string> = {
    'Entity Type Code': '2',
    'Provider Business Practice Location Address State Name': 'TX',
    'Provider Business Practice Location Address Postal Code': '75201',
    'Provider Enumeration Date': '05/23/2005',
    'Last Update Date': '07/08/2020',
    'Healthcare Provider Taxonomy Code_1': '207Q00000X',
    'Healthcare Provider Primary Taxonomy Switch_1': 'Y',
  };
  return NPPES_HEADER.split(',')
    .map((quoted) => quoted.slice(1, -1))
    .map((name) => `"${fields[name] ?? defaults[name] ?? ''}"`)
    .join(',');
}
