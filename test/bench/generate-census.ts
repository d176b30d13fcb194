/**
 * A committed generator of FMCSA census-shaped files (DOMAIN.md §1) for the import benchmark and for
 * regenerating test fixtures. Deterministic for a seed.
 *
 *   pnpm tsx test/bench/generate-census.ts --shape company_census --rows 2000000 > /tmp/census.csv
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

/** The SMS Motor Carrier Census: 42 upper-case columns. */
export const SMS_CENSUS_HEADER = [
  'DOT_NUMBER',
  'LEGAL_NAME',
  'DBA_NAME',
  'CARRIER_OPERATION',
  'HM_FLAG',
  'PC_FLAG',
  'PHY_STREET',
  'PHY_CITY',
  'PHY_STATE',
  'PHY_ZIP',
  'PHY_COUNTRY',
  'MAILING_STREET',
  'MAILING_CITY',
  'MAILING_STATE',
  'MAILING_ZIP',
  'MAILING_COUNTRY',
  'TELEPHONE',
  'FAX',
  'EMAIL_ADDRESS',
  'MCS150_DATE',
  'MCS150_MILEAGE',
  'MCS150_MILEAGE_YEAR',
  'ADD_DATE',
  'OIC_STATE',
  'NBR_POWER_UNIT',
  'DRIVER_TOTAL',
  'RECENT_MILEAGE',
  'RECENT_MILEAGE_YEAR',
  'VMT_SOURCE_ID',
  'PRIVATE_ONLY',
  'AUTHORIZED_FOR_HIRE',
  'EXEMPT_FOR_HIRE',
  'PRIVATE_PROPERTY',
  'PRIVATE_PASSENGER_BUSINESS',
  'PRIVATE_PASSENGER_NONBUSINESS',
  'MIGRANT',
  'US_MAIL',
  'FEDERAL_GOVERNMENT',
  'STATE_GOVERNMENT',
  'LOCAL_GOVERNMENT',
  'INDIAN_TRIBE',
  'OP_OTHER',
] as const;

const CARGO = [
  'genfreight',
  'household',
  'metalsheet',
  'motoveh',
  'drivetow',
  'logpole',
  'bldgmat',
  'mobilehome',
  'machlrg',
  'produce',
  'liqgas',
  'intermodal',
  'passengers',
  'oilfield',
  'livestock',
  'grainfeed',
  'coalcoke',
  'meat',
  'garbage',
  'usmail',
  'chem',
  'drybulk',
  'coldfood',
  'beverages',
  'paperprod',
  'utility',
  'farmsupp',
  'construct',
  'waterwell',
  'cargoothr',
  'cargoothr_desc',
];
const EQUIPMENT = [
  'truck',
  'tract',
  'trail',
  'coach',
  'school_1_8',
  'school_9_15',
  'school_16',
  'bus_16',
  'van_1_8',
  'van_9_15',
  'limo_1_8',
  'limo_9_15',
  'limo_16',
];

/** The daily Company Census File: 147 lower-case columns. */
export const COMPANY_CENSUS_HEADER: readonly string[] = (() => {
  const head = [
    'dot_number',
    'legal_name',
    'dba_name',
    'carrier_operation',
    'hm_flag',
    'pc_flag',
    'phy_street',
    'phy_city',
    'phy_state',
    'phy_zip',
    'phy_country',
    'mailing_street',
    'mailing_city',
    'mailing_state',
    'mailing_zip',
    'mailing_country',
    'telephone',
    'fax',
    'email_address',
    'mcs150_date',
    'mcs150_mileage',
    'mcs150_mileage_year',
    'add_date',
    'oic_state',
    'power_units',
    'total_drivers',
    'status_code',
    'company_officer_1',
    'company_officer_2',
    'docket1prefix',
    'docket1',
    'business_org_desc',
    'fleetsize',
    'interstate_beyond_100_miles',
    'interstate_within_100_miles',
    'intrastate_beyond_100_miles',
    'intrastate_within_100_miles',
  ];
  const cols = [...head, ...CARGO.map((c) => `crgo_${c}`)];
  for (const e of EQUIPMENT) cols.push(`own${e}`, `trm${e}`, `trp${e}`);
  for (let i = cols.length; i < 147; i++) cols.push(`reserved_${i}`);
  return cols;
})();

/** Which census layout to write. */
export type CensusShape = 'sms_census' | 'company_census';

/** Options for {@link writeCensus}. */
export interface GenerateOptions {
  shape: CensusShape;
  rows: number;
  /** First USDOT number; rows are consecutive from it (default 1,000,001). */
  firstDot?: number;
  seed?: number;
  /** Dates in ISO instead of the shape's own layout (the open-data API form). */
  isoDates?: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const STATES = ['TX', 'CA', 'FL', 'IL', 'OH', 'PA', 'GA', 'NC', 'MI', 'NJ', 'AZ', 'WA', 'TN', 'IN', 'MO'];
const DOMAINS = ['gmail.com', 'outlook.com', 'comcast.net', 'yahoo.com', 'truckingco.com', 'fleetmail.us'];
const WORDS = ['EXPRESS', 'FREIGHT', 'LOGISTICS', 'HAULING', 'TRANSPORT', 'CARRIERS', 'ROAD', 'LINES'];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One data row of the given shape, as CSV text without the line break. */
export function censusRow(shape: CensusShape, dot: number, rand: () => number, isoDates = false): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const name = `${pick(WORDS)} ${pick(WORDS)} ${dot % 7 === 0 ? 'INC, LLC' : 'LLC'}`;
  const year = 1990 + Math.floor(rand() * 36);
  const month = 1 + Math.floor(rand() * 12);
  const day = 1 + Math.floor(rand() * 28);
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const date = isoDates
    ? `${year}-${mm}-${dd}T00:00:00.000`
    : shape === 'sms_census'
      ? `${dd}-${MONTHS[month - 1]}-${String(year).slice(2)}`
      : `${year}${mm}${dd}`;
  const email = rand() < 0.6 ? `dispatch${dot}@${pick(DOMAINS)}` : '';
  const state = pick(STATES);
  const units = String(1 + Math.floor(rand() * 40));
  const drivers = String(1 + Math.floor(rand() * 50));
  const values: Record<string, string> = {
    dot_number: String(dot),
    legal_name: name,
    dba_name: rand() < 0.2 ? `${pick(WORDS)} "${pick(WORDS)}"` : '',
    carrier_operation: pick(['A', 'A', 'A', 'B', 'C']),
    hm_flag: rand() < 0.05 ? 'Y' : 'N',
    pc_flag: 'N',
    phy_street: `${Math.floor(rand() * 9999)} MAIN ST`,
    phy_city: 'SPRINGFIELD',
    phy_state: state,
    phy_zip: String(10000 + Math.floor(rand() * 89999)),
    phy_country: 'US',
    telephone: `(555) ${String(Math.floor(rand() * 9999999)).padStart(7, '0')}`,
    email_address: email,
    mcs150_date: date,
    add_date: date,
    mcs150_mileage: String(Math.floor(rand() * 500000)),
    mcs150_mileage_year: String(year),
    nbr_power_unit: units,
    power_units: units,
    driver_total: drivers,
    total_drivers: drivers,
    status_code: pick(['A', 'A', 'A', 'I']),
    company_officer_1: `JOHN ${pick(WORDS)}`,
  };
  const header = shape === 'sms_census' ? SMS_CENSUS_HEADER : COMPANY_CENSUS_HEADER;
  return header.map((h) => csv(values[h.toLowerCase()] ?? '')).join(',');
}

/** Writes a header and `rows` rows to a stream, respecting back-pressure. */
export async function writeCensus(out: Writable, options: GenerateOptions): Promise<void> {
  const rand = mulberry32(options.seed ?? 42);
  const header = options.shape === 'sms_census' ? SMS_CENSUS_HEADER : COMPANY_CENSUS_HEADER;
  const first = options.firstDot ?? 1_000_001;
  let chunk = `${header.join(',')}\n`;
  for (let i = 0; i < options.rows; i++) {
    chunk += `${censusRow(options.shape, first + i, rand, options.isoDates)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const shape = (arg('--shape') ?? 'company_census') as CensusShape;
  const out = arg('--out');
  const stream = out ? createWriteStream(out) : process.stdout;
  await writeCensus(stream, {
    shape,
    rows: Number(arg('--rows') ?? 1000),
    seed: Number(arg('--seed') ?? 42),
    isoDates: argv.includes('--iso-dates'),
  });
  if (out) {
    stream.end();
    await once(stream, 'finish');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
