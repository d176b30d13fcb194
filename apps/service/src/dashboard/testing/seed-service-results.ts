import type { Database } from '@mailramp/db';
import type { Insertable, Kysely } from 'kysely';

/** The six sending IPs of the runbook's host (documentation range). */
export const SEED_IPS = [
  '203.0.113.10',
  '203.0.113.11',
  '203.0.113.12',
  '203.0.113.13',
  '203.0.113.14',
  '203.0.113.15',
];

/** Twelve receiving operators, roughly in the share of a US business audience. */
export const SEED_OPERATORS: ReadonlyArray<[operator: string, share: number]> = [
  ['google', 0.34],
  ['microsoft', 0.24],
  ['proofpoint', 0.07],
  ['yahoo', 0.06],
  ['mimecast', 0.05],
  ['barracuda', 0.04],
  ['comcast', 0.04],
  ['charter', 0.03],
  ['centurylink', 0.03],
  ['apple', 0.03],
  ['cisco', 0.02],
  ['', 0.05],
];

/** Normalised reasons as the report stores them (ops' normalizeReason), per outcome. */
const REASONS = {
  throttled: {
    google: '421-4.7.28 [<ip>] Gmail has detected an unusual rate of unsolicited mail. <id> - gsmtp',
    microsoft:
      '451 4.7.650 The mail server [<ip>] has been temporarily rate limited due to IP reputation. (S775) [<id> <time> <id>]',
    yahoo:
      '421 4.7.0 [TSS04] Messages from <ip> temporarily deferred due to unexpected volume or user complaints - <ip> (in reply to MAIL FROM)',
    other: '421 4.7.0 Try again later, closing connection. (in reply to MAIL FROM)',
  },
  temporary_failure: [
    'connect: Connection timed out',
    'lost connection with <host> while receiving the initial server greeting',
  ],
  recipient_reject: {
    google: '550-5.1.1 The email account that you tried to reach does not exist. <id> - gsmtp',
    other:
      '550 5.1.1 <address>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO)',
  },
  mailbox_full: '552 5.2.2 <address>: Recipient address rejected: Mailbox full (in reply to RCPT TO)',
  reputation_reject:
    '550-5.7.1 [<ip>] Gmail has detected that this message is likely unsolicited mail. more <id> - gsmtp',
  other_reject: '554 5.7.9 Message not accepted for policy reasons. (in reply to end of DATA)',
} as const;

/** The jobs `mailramp serve` runs by default and how often (minutes between slots; daily at hh:mm). */
export const SEED_JOBS: ReadonlyArray<[job: string, every: number | `${number}:${number}`]> = [
  ['warmup', '07:17'],
  ['rampcap', '07:20'],
  ['build-trucking', '07:30'],
  ['build-healthcare', '07:35'],
  ['watchdog', 5],
  ['report', 15],
  ['suppress-sync', 60],
  ['classify-mx', '06:00'],
];

/** Options of {@link seedServiceResults}. */
export interface SeedServiceResultsOptions {
  /** The clock: today is its UTC date, read up to its hour; runs end before it. */
  now: Date;
  /** Days of stored results ending today (default 14). */
  days?: number;
  /** The sending IP whose Gmail reputation collapses over the last two days (default the fifth). */
  collapsingIp?: string | undefined;
  /** Write service_runs for every slot of {@link SEED_JOBS} over the days (default true). */
  runs?: boolean;
}

/** What {@link seedServiceResults} wrote. */
export interface SeededServiceResults {
  days: string[];
  reportDays: number;
  reportOutcomes: number;
  reportHours: number;
  serviceRuns: number;
  alarms: number;
}

const SEND_HOURS = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22];

/**
 * Writes report results in the shape report runs store them — day × sending IP × receiving
 * operator × outcome × reason, hours per IP, day totals with DKIM and queue — for a warm-up that
 * ramps day by day, plus a service run for every slot and a few closed alarm episodes. Deterministic
 * (a seeded generator): tests assert on what it wrote by reading it back.
 */
export async function seedServiceResults(
  db: Kysely<Database>,
  options: SeedServiceResultsOptions,
): Promise<SeededServiceResults> {
  const random = mulberry32(0x5eed);
  const count = options.days ?? 14;
  const today = options.now.toISOString().slice(0, 10);
  const nowHour = options.now.getUTCHours();
  const collapsing = options.collapsingIp ?? SEED_IPS[4]!;
  const days = Array.from({ length: count }, (_, i) =>
    new Date(Date.parse(`${today}T00:00:00Z`) - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );

  const outcomes: Insertable<Database['report_outcomes']>[] = [];
  const hours: Insertable<Database['report_hours']>[] = [];
  const totals: Insertable<Database['report_days']>[] = [];
  for (const [d, day] of days.entries()) {
    const isToday = day === today;
    const hoursOfDay = SEND_HOURS.filter((h) => !isToday || h < nowHour);
    // The share of the day's sending hours already run (a partial day while it is today).
    const part = hoursOfDay.length / SEND_HOURS.length;
    const collapse = d >= count - 2;
    const dayTotal = { sent: 0, deferred: 0, bounced: 0 };
    for (const [i, ip] of SEED_IPS.entries()) {
      // The pool grows from the front of the list: IP i joins on day 2i, then ramps.
      const age = d - 2 * i;
      if (age < 0) continue;
      const perIp = Math.round(Math.min(150 * (age + 1), 3000) * part);
      const ipTotal = { sent: 0, deferred: 0, bounced: 0 };
      for (const [operator, share] of SEED_OPERATORS) {
        const volume = Math.round(perIp * share * (0.85 + 0.3 * random()));
        if (volume === 0) continue;
        const add = (outcome: string, reason: string, n: number) => {
          if (n <= 0) return;
          outcomes.push({ day, ip, operator, outcome, reason, count: n });
          if (outcome === 'accepted') ipTotal.sent += n;
          else if (outcome === 'throttled' || outcome === 'temporary_failure') ipTotal.deferred += n;
          else ipTotal.bounced += n;
        };
        const known = (table: Record<string, string>) => table[operator] ?? table.other!;
        const repRejects =
          operator === 'google' ? Math.round(volume * (ip === collapsing && collapse ? 0.45 : 0.004)) : 0;
        // At least one of the everyday outcomes per IP × operator, as a real day has.
        const some = (rate: number) => Math.max(1, Math.round(volume * rate * (0.5 + random())));
        const throttled = some(operator === 'microsoft' ? 0.06 : 0.02);
        const big = operator === 'google' || operator === 'microsoft' || operator === 'yahoo';
        const tryLater = big ? some(0.01) : 0;
        const timeouts = [some(0.006), some(0.004)];
        const unknownUser = some(0.015);
        const mailboxFull = some(0.003);
        const policy = random() < 0.3 ? 1 : 0;
        add('throttled', known(REASONS.throttled), throttled);
        add('throttled', REASONS.throttled.other, tryLater);
        add('temporary_failure', REASONS.temporary_failure[0], timeouts[0]!);
        add('temporary_failure', REASONS.temporary_failure[1], timeouts[1]!);
        add('recipient_reject', known(REASONS.recipient_reject), unknownUser);
        add('recipient_reject', REASONS.mailbox_full, mailboxFull);
        add('reputation_reject', REASONS.reputation_reject, repRejects);
        add('other_reject', REASONS.other_reject, policy);
        const failed = throttled + tryLater + timeouts[0]! + timeouts[1]! + unknownUser + mailboxFull;
        add('accepted', '', volume - failed - repRejects - policy);
      }
      // Spread the IP's day over its sending hours, the remainder in the first ones.
      for (const [h, hour] of hoursOfDay.entries()) {
        const share = (n: number) => Math.floor(n / hoursOfDay.length) + (h < n % hoursOfDay.length ? 1 : 0);
        hours.push({
          day,
          hour,
          ip,
          sent: share(ipTotal.sent),
          deferred: share(ipTotal.deferred),
          bounced: share(ipTotal.bounced),
        });
      }
      dayTotal.sent += ipTotal.sent;
      dayTotal.deferred += ipTotal.deferred;
      dayTotal.bounced += ipTotal.bounced;
    }
    const messages = dayTotal.sent + dayTotal.bounced;
    totals.push({
      day,
      ...dayTotal,
      expired: d % 5 === 0 ? 1 : 0,
      egress: dayTotal.sent + dayTotal.deferred + dayTotal.bounced,
      primary_egress: 0,
      dkim_signed: messages,
      dkim_messages: messages,
      // The report could not read postqueue on some days: NULL, as stored.
      queue_size: d % 7 === 3 ? null : Math.round(20 + 180 * random()),
      read_from: `${day}T00:00:00Z`,
      read_until: isToday ? options.now.toISOString() : new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000),
    });
  }

  const runs: Insertable<Database['service_runs']>[] = [];
  if (options.runs ?? true) {
    const start = Date.parse(`${days[0]}T00:00:00Z`);
    const end = options.now.getTime();
    for (const [job, every] of SEED_JOBS) {
      const slots: number[] = [];
      if (typeof every === 'number') {
        for (let t = start; t < end - 60_000; t += every * 60_000) slots.push(t);
      } else {
        const [hh, mm] = every.split(':').map(Number) as [number, number];
        for (let t = start + (hh * 60 + mm) * 60_000; t < end - 60_000; t += 86_400_000) slots.push(t);
      }
      for (const t of slots) {
        const took = job.startsWith('build') ? 95_000 : job === 'report' ? 4_200 : 800;
        runs.push({
          job,
          slot: new Date(t),
          outcome: 'ok',
          started_at: new Date(t + 150),
          ended_at: new Date(t + 150 + Math.round(took * (0.5 + random()))),
          summary: JSON.stringify(job === 'report' ? { lines: Math.round(50_000 * random()) } : {}),
          worker: 'mta01:4242',
        });
      }
    }
  }

  const alarms: Insertable<Database['alarms']>[] = days
    .filter((_, i) => i % 9 === 4)
    .map((day) => ({
      alarm: 'microsoft_throttling',
      scope: '',
      severity: 'warning' as const,
      status: 'closed' as const,
      message: 'Microsoft throttled most deliveries of the day',
      action: 'hold the Microsoft share for a day',
      evidence: JSON.stringify({ counts: { microsoftAttempts: 400, microsoftThrottled: 300 }, samples: [] }),
      first_seen: `${day}T15:00:00Z`,
      last_seen: `${day}T21:45:00Z`,
      closed_at: `${day}T22:00:00Z`,
    }));

  await insertChunked(db, 'report_days', totals);
  await insertChunked(db, 'report_outcomes', outcomes);
  await insertChunked(db, 'report_hours', hours);
  await insertChunked(db, 'service_runs', runs);
  await insertChunked(db, 'alarms', alarms);
  return {
    days,
    reportDays: totals.length,
    reportOutcomes: outcomes.length,
    reportHours: hours.length,
    serviceRuns: runs.length,
    alarms: alarms.length,
  };
}

async function insertChunked<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 2000) as never)
      .execute();
  }
}

/** A small seeded generator (mulberry32): the same rows on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
