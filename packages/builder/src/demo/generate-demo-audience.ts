import { DOMAIN_FAMILIES } from '@mailramp/mailbox';
import { addDays, type IsoDate } from '../calendar/calendar-date.js';

/** A demo carrier row (the fmcsa_carriers columns the build reads). */
export interface DemoCarrier {
  dot_number: number;
  legal_name: string;
  email: string | null;
  phy_state: string;
  phy_zip: string;
  carrier_operation: string;
  status_code: string;
  mcs150_date: IsoDate | null;
  add_date: IsoDate;
  power_units: number;
  email_verify_result: string | null;
  mx_provider: string | null;
  listmonk_sent_at: string | null;
  attributes: Record<string, unknown>;
}

/** A demo healthcare provider row. */
export interface DemoProvider {
  npi: string;
  clia_number: string | null;
  name: string;
  email: string | null;
  state: string;
  zip: string;
  deactivated_at: IsoDate | null;
  revalidation_due: IsoDate | null;
  clia_expires: IsoDate | null;
  email_verify_result: string | null;
  mx_provider: string | null;
  listmonk_sent_at: string | null;
  attributes: Record<string, unknown>;
}

/** A deterministic pseudo-random generator (mulberry32): the same seed gives the same audience. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Weighted<T> = ReadonlyArray<readonly [T, number]>;

function pick<T>(random: () => number, options: Weighted<T>): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of options) {
    r -= w;
    if (r < 0) return value;
  }
  return options[options.length - 1]![0];
}

// Mailbox mix of the original's audience: ~700k of 1.5M on Google MX, ~135k on Microsoft.
const MAILBOXES: Weighted<{ domain: string | null; operator: string | null }> = [
  [{ domain: 'gmail.com', operator: 'google' }, 30],
  [{ domain: null, operator: 'google' }, 14],
  [{ domain: 'yahoo.com', operator: 'yahoo' }, 5],
  [{ domain: 'aol.com', operator: 'yahoo' }, 1.5],
  [{ domain: 'att.net', operator: 'yahoo' }, 1.5],
  [{ domain: 'sbcglobal.net', operator: 'yahoo' }, 1],
  [{ domain: 'hotmail.com', operator: 'microsoft' }, 4],
  [{ domain: 'outlook.com', operator: 'microsoft' }, 2],
  [{ domain: null, operator: 'microsoft' }, 6],
  [{ domain: 'icloud.com', operator: 'apple' }, 1.5],
  [{ domain: 'comcast.net', operator: 'comcast' }, 2],
  [{ domain: 'charter.net', operator: 'charter' }, 1],
  [{ domain: 'dead', operator: 'mx:dead' }, 2.5],
  [{ domain: null, operator: 'proofpoint' }, 2],
  [{ domain: null, operator: 'mimecast' }, 1],
  [{ domain: null, operator: 'godaddy' }, 6],
  [{ domain: null, operator: 'zoho' }, 1],
  [{ domain: null, operator: 'rackspace' }, 1],
  [{ domain: null, operator: 'mx:protonmail.ch' }, 1],
  [{ domain: null, operator: 'mx:hostinger.com' }, 3],
  // Domains without a usable MX, as classify-mx tags them: no MX but an A record (mailed, implicit
  // MX), gone (NXDOMAIN), a null MX, or no host at all — the last three are never mailed.
  [{ domain: null, operator: 'no_mx' }, 0.3],
  [{ domain: null, operator: 'domain_not_found' }, 0.4],
  [{ domain: null, operator: 'null_mx' }, 0.1],
  [{ domain: null, operator: 'no_mail_host' }, 0.2],
  [{ domain: null, operator: null }, 12],
];

const VERIFY: Weighted<string | null> = [
  ['smtp_valid', 52],
  ['send_confirmed', 6],
  ['catch_all_domain', 8],
  ['catch_all_detected', 2],
  ['mx_unreachable', 10],
  ['smtp_rejected_550', 4],
  ['smtp_unknown_451', 2],
  ['invalid_syntax', 1],
  ['hard_bounced', 2],
  [null, 13],
];

const STATES: Weighted<string> = [
  ['TX', 11],
  ['CA', 9],
  ['FL', 7],
  ['IL', 5],
  ['GA', 4],
  ['OH', 4],
  ['PA', 4],
  ['NY', 4],
  ['NC', 3],
  ['TN', 3],
  ['IN', 3],
  ['MI', 3],
  ['NJ', 2],
  ['WA', 2],
  ['AZ', 2],
  ['MO', 2],
  ['WI', 2],
  ['MN', 2],
  ['CO', 2],
  ['AL', 2],
  ['KY', 2],
  ['OK', 2],
  ['AR', 1],
  ['UT', 1],
  ['NV', 1],
  ['OR', 1],
  ['ID', 1],
  ['NE', 1],
  ['KS', 1],
  ['IA', 1],
  ['LA', 1],
  ['MS', 1],
  ['SC', 1],
  ['VA', 2],
  ['AK', 0.3],
  ['HI', 0.2],
  ['PR', 0.2],
  ['ON', 0.3],
  ['QC', 0.2],
  ['BC', 0.1],
  ['XX', 0.2],
];

/** The deficiency flags the seven trucking deficiency segments read (`attributes.deficiency_flags`). */
export const DEFICIENCIES = [
  'for_hire_authority',
  'irp_ifta',
  'intrastate_authority',
  'state_emissions',
  'state_weight_tax',
  'state_permit',
  'hazmat',
] as const;

const WORDS = [
  'eagle',
  'summit',
  'river',
  'prairie',
  'lone',
  'star',
  'swift',
  'iron',
  'blue',
  'red',
  'north',
  'coastal',
];
const KINDS = ['trucking', 'freight', 'transport', 'logistics', 'hauling', 'express', 'carriers'];

function mailboxOf(
  random: () => number,
  n: number,
  business: string,
): { email: string | null; operator: string | null } {
  const box = pick(random, MAILBOXES);
  const r = random();
  if (r < 0.04) return { email: null, operator: null };
  if (r < 0.05)
    return {
      email: pick(random, [
        ['n/a', 1],
        ['dispatch@', 1],
        ['ops@@example.com', 1],
      ] as const),
      operator: null,
    };
  const local = pick(random, [
    ['dispatch', 3],
    ['info', 3],
    ['safety', 2],
    [`owner${n % 97}`, 4],
    ['office', 2],
  ] as const);
  let domain = box.domain ?? business;
  if (domain === 'dead') {
    const dead = DOMAIN_FAMILIES.dead_isp;
    domain = dead[n % dead.length] ?? 'earthlink.net';
  }
  return { email: `${local}${n}@${domain}`, operator: box.operator };
}

/** Options for the demo generators. */
export interface DemoOptions {
  seed?: number;
  /** The date the demo is "today": due dates and add dates are spread around it. */
  today: IsoDate;
}

/**
 * A realistic demo trucking audience: the original's domain and operator mix (Google-heavy, the
 * Yahoo family, dead ISPs), verification results, states, MCS-150 dates, status codes, deficiency
 * flags, some invalid addresses and some already mailed.
 */
export function generateDemoCarriers(count: number, options: DemoOptions): DemoCarrier[] {
  const random = createRandom(options.seed ?? 7);
  const carriers: DemoCarrier[] = [];
  let dot = 1_000_000;
  for (let n = 0; n < count; n += 1) {
    dot += 1 + Math.floor(random() * 3);
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    const kind = KINDS[Math.floor(random() * KINDS.length)]!;
    const business = `${word}${kind}${n % 5000}.com`;
    const { email, operator } = mailboxOf(random, n, business);
    const state = pick(random, STATES);
    const flags: string[] =
      random() < 0.15 ? [DEFICIENCIES[Math.floor(random() * DEFICIENCIES.length)]!] : [];
    carriers.push({
      dot_number: dot,
      legal_name: `${word.toUpperCase()} ${kind.toUpperCase()} LLC`,
      email,
      phy_state: state,
      phy_zip: String(10000 + Math.floor(random() * 89999)),
      carrier_operation: pick(random, [
        ['A', 60],
        ['C', 35],
        ['B', 5],
      ] as const),
      status_code: pick(random, [
        ['A', 90],
        ['I', 7],
        ['P', 3],
      ] as const),
      mcs150_date: random() < 0.05 ? null : addDays(options.today, -Math.floor(random() * 1600)),
      add_date:
        random() < 0.04
          ? addDays(options.today, -Math.floor(random() * 90))
          : addDays(options.today, -90 - Math.floor(random() * 6000)),
      power_units: 1 + Math.floor(random() * random() * 60),
      email_verify_result: email === null ? null : pick(random, VERIFY),
      mx_provider: operator,
      listmonk_sent_at:
        random() < 0.1 ? `${addDays(options.today, -1 - Math.floor(random() * 60))}T15:00:00Z` : null,
      attributes: { demo: true, deficiency_flags: flags },
    });
    // A carrier that registered in the last 90 days is in the start-up window (pending authority, no
    // BOC-3 yet), which `audience import authority` derives from the FMCSA files.
    const added = carriers[carriers.length - 1]!;
    if (added.add_date >= addDays(options.today, -90)) flags.push('new_carrier_startup');
  }
  return carriers;
}

/** The NPI check digit (Luhn over the 80840 prefix + 9 digits). */
export function npiOf(base9: number): string {
  const digits = `80840${String(base9).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${String(base9).padStart(9, '0')}${(10 - (sum % 10)) % 10}`;
}

/** A realistic demo healthcare audience: revalidation dates, CLIA labs, deactivated NPIs, flags. */
export function generateDemoProviders(count: number, options: DemoOptions): DemoProvider[] {
  const random = createRandom((options.seed ?? 7) + 1);
  const providers: DemoProvider[] = [];
  let base = 100_000_000;
  for (let n = 0; n < count; n += 1) {
    base += 1 + Math.floor(random() * 5);
    const business = `${WORDS[n % WORDS.length]}clinic${n % 3000}.com`;
    const { email, operator } = mailboxOf(random, n, business);
    const state = pick(random, STATES);
    const lab = random() < 0.2;
    const flags =
      random() < 0.05
        ? [
            pick(random, [
              ['oig_exclusion', 1],
              ['sam_exclusion', 1],
              ['npi_reactivation', 2],
            ] as const),
          ]
        : [];
    providers.push({
      npi: npiOf(base),
      clia_number: lab
        ? `${String(10 + (n % 80)).padStart(2, '0')}D${String(2_000_000 + n).padStart(7, '0')}`
        : null,
      name: `${WORDS[n % WORDS.length]!.toUpperCase()} HEALTH ${n}`,
      email,
      state,
      zip: String(10000 + Math.floor(random() * 89999)),
      deactivated_at: random() < 0.03 ? addDays(options.today, -Math.floor(random() * 700)) : null,
      revalidation_due: random() < 0.1 ? null : addDays(options.today, Math.floor(random() * 720) - 200),
      clia_expires: lab ? addDays(options.today, Math.floor(random() * 730) - 60) : null,
      email_verify_result: email === null ? null : pick(random, VERIFY),
      mx_provider: operator,
      listmonk_sent_at:
        random() < 0.1 ? `${addDays(options.today, -1 - Math.floor(random() * 60))}T15:00:00Z` : null,
      attributes: { demo: true, flags },
    });
  }
  return providers;
}
