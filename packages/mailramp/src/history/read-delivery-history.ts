import type { Database, ReportDaysTable } from '@mailramp/db';
import { type Kysely, type Selectable, sql } from 'kysely';

/** One day's delivery mix as the report stored it (report_days), with its rates. */
export interface HistoryDay {
  day: string;
  sent: number;
  deferred: number;
  bounced: number;
  expired: number;
  /** sent / (sent + deferred + bounced); null with no attempts or no report that day. */
  deliveryRate: number | null;
  egress: number;
  primaryEgress: number;
  dkimSigned: number;
  dkimMessages: number;
  /** dkimSigned / dkimMessages; null with no campaign message. */
  dkimRatio: number | null;
  /** The last `postqueue -j` count read that day, when one was. */
  queueSize: number | null;
  /** Whether a report run stored this day at all (false: a gap, every count 0). */
  reported: boolean;
  /** The end of the window the day was read from (a partial day while it is today). */
  readUntil: string | null;
}

/** Per-day series of one sending IP (report_hours summed over the day), aligned with `days`. */
export interface HistoryIpSeries {
  ip: string;
  sent: number[];
  attempts: number[];
  deliveryRate: Array<number | null>;
}

/** Per-day series of one receiving operator (report_outcomes), aligned with `days`. */
export interface HistoryOperatorSeries {
  operator: string;
  /** Deliveries the operator accepted. */
  accepted: number[];
  /** Every outcome counted. */
  attempts: number[];
}

/** The last day's figures: its mix by outcome and operator, and its top reasons. */
export interface HistoryLastDay {
  day: string;
  /** Counts per outcome (accepted, throttled, reputation_reject, …), largest first. */
  outcomes: Array<{ outcome: string; count: number }>;
  /** Per operator: counts per outcome, busiest operator first. */
  operators: Array<{ operator: string; total: number; outcomes: Record<string, number> }>;
  /** The most frequent non-empty reasons, largest first. */
  reasons: Array<{ outcome: string; reason: string; count: number }>;
  /** Deliveries per hour (of the log's clock) and sending IP: the hourly ramp as it ran. */
  hours: Array<{ hour: number; ip: string; sent: number; attempts: number }>;
}

/** Stored report results over a span of days, shaped as chart series (oldest day first). */
export interface DeliveryHistory {
  from: string;
  until: string;
  days: string[];
  totals: HistoryDay[];
  byIp: HistoryIpSeries[];
  byOperator: HistoryOperatorSeries[];
  last: HistoryLastDay;
}

/** How many reasons {@link HistoryLastDay.reasons} lists. */
const TOP_REASONS = 10;

/**
 * Reads the stored report results of `days` UTC days ending `until` (inclusive) from report_days,
 * report_hours and report_outcomes; days no report stored are zeros (`reported: false`).
 */
export async function readDeliveryHistory(
  db: Kysely<Database>,
  options: { until: string; days: number },
): Promise<DeliveryHistory> {
  const days = listDays(options.until, options.days);
  const from = days[0]!;
  const { until } = options;
  const index = new Map(days.map((d, i) => [d, i]));
  const [dayRows, ipRows, operatorRows, reasonRows, hourRows] = await Promise.all([
    db.selectFrom('report_days').selectAll().where('day', '>=', from).where('day', '<=', until).execute(),
    db
      .selectFrom('report_hours')
      .select([
        'day',
        'ip',
        sql<number>`sum(sent)::int`.as('sent'),
        sql<number>`sum(sent + deferred + bounced)::int`.as('attempts'),
      ])
      .where('day', '>=', from)
      .where('day', '<=', until)
      .groupBy(['day', 'ip'])
      .execute(),
    db
      .selectFrom('report_outcomes')
      .select(['day', 'operator', 'outcome', sql<number>`sum(count)::int`.as('count')])
      .where('day', '>=', from)
      .where('day', '<=', until)
      .groupBy(['day', 'operator', 'outcome'])
      .execute(),
    db
      .selectFrom('report_outcomes')
      .select(['outcome', 'reason', sql<number>`sum(count)::int`.as('count')])
      .where('day', '=', until)
      .where('reason', '<>', '')
      .groupBy(['outcome', 'reason'])
      .orderBy('count', 'desc')
      .orderBy('reason')
      .limit(TOP_REASONS)
      .execute(),
    db
      .selectFrom('report_hours')
      .select(['hour', 'ip', 'sent', sql<number>`sent + deferred + bounced`.as('attempts')])
      .where('day', '=', until)
      .orderBy('hour')
      .orderBy('ip')
      .execute(),
  ]);

  const stored = new Map(dayRows.map((r) => [r.day, r]));
  const totals = days.map((day) => toHistoryDay(day, stored.get(day)));

  const ips = new Map<string, { sent: number[]; attempts: number[] }>();
  for (const r of ipRows) {
    let s = ips.get(r.ip);
    if (s === undefined) {
      s = { sent: zeros(days.length), attempts: zeros(days.length) };
      ips.set(r.ip, s);
    }
    const i = index.get(r.day)!;
    s.sent[i] = r.sent;
    s.attempts[i] = r.attempts;
  }
  const byIp = [...ips]
    .map(([ip, s]) => ({ ip, ...s, deliveryRate: s.sent.map((n, i) => ratio(n, s.attempts[i]!)) }))
    .sort((a, b) => compareIps(a.ip, b.ip));

  const operators = new Map<string, HistoryOperatorSeries>();
  const lastOutcomes = new Map<string, number>();
  const lastOperators = new Map<string, { total: number; outcomes: Record<string, number> }>();
  for (const r of operatorRows) {
    let s = operators.get(r.operator);
    if (s === undefined) {
      s = { operator: r.operator, accepted: zeros(days.length), attempts: zeros(days.length) };
      operators.set(r.operator, s);
    }
    const i = index.get(r.day)!;
    s.attempts[i]! += r.count;
    if (r.outcome === 'accepted') s.accepted[i]! += r.count;
    if (r.day === until) {
      lastOutcomes.set(r.outcome, (lastOutcomes.get(r.outcome) ?? 0) + r.count);
      let o = lastOperators.get(r.operator);
      if (o === undefined) {
        o = { total: 0, outcomes: {} };
        lastOperators.set(r.operator, o);
      }
      o.total += r.count;
      o.outcomes[r.outcome] = (o.outcomes[r.outcome] ?? 0) + r.count;
    }
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const byOperator = [...operators.values()].sort(
    (a, b) => sum(b.attempts) - sum(a.attempts) || a.operator.localeCompare(b.operator),
  );

  return {
    from,
    until,
    days,
    totals,
    byIp,
    byOperator,
    last: {
      day: until,
      outcomes: [...lastOutcomes]
        .map(([outcome, count]) => ({ outcome, count }))
        .sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome)),
      operators: [...lastOperators]
        .map(([operator, o]) => ({ operator, ...o }))
        .sort((a, b) => b.total - a.total || a.operator.localeCompare(b.operator)),
      reasons: reasonRows.map((r) => ({ outcome: r.outcome, reason: r.reason, count: r.count })),
      hours: hourRows.map((r) => ({ hour: r.hour, ip: r.ip, sent: r.sent, attempts: r.attempts })),
    },
  };
}

type ReportDayRow = Selectable<ReportDaysTable>;

/** A day's totals from its report_days row; zeros and `reported: false` when no report stored it. */
function toHistoryDay(day: string, r: ReportDayRow | undefined): HistoryDay {
  if (r === undefined) {
    return {
      day,
      sent: 0,
      deferred: 0,
      bounced: 0,
      expired: 0,
      deliveryRate: null,
      egress: 0,
      primaryEgress: 0,
      dkimSigned: 0,
      dkimMessages: 0,
      dkimRatio: null,
      queueSize: null,
      reported: false,
      readUntil: null,
    };
  }
  return {
    day,
    sent: r.sent,
    deferred: r.deferred,
    bounced: r.bounced,
    expired: r.expired,
    deliveryRate: ratio(r.sent, r.sent + r.deferred + r.bounced),
    egress: r.egress,
    primaryEgress: r.primary_egress,
    dkimSigned: r.dkim_signed,
    dkimMessages: r.dkim_messages,
    dkimRatio: ratio(r.dkim_signed, r.dkim_messages),
    queueSize: r.queue_size,
    reported: true,
    readUntil: r.read_until?.toISOString() ?? null,
  };
}

/** One UTC day's stored totals (one row of report_days): what `history` gives as `totals[i]`. */
export async function readHistoryDay(db: Kysely<Database>, day: string): Promise<HistoryDay> {
  const row = await db.selectFrom('report_days').selectAll().where('day', '=', day).executeTakeFirst();
  return toHistoryDay(day, row);
}

/** The `count` UTC dates ending `until`, oldest first. */
export function listDays(until: string, count: number): string[] {
  const end = Date.parse(`${until}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** Dotted IPv4 in numeric order (203.0.113.9 before 203.0.113.10); anything else after, by text. */
function compareIps(a: string, b: string): number {
  const key = (ip: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split('.').map(Number) : undefined);
  const ka = key(a);
  const kb = key(b);
  if (ka && kb) {
    for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return 0;
  }
  if (ka) return -1;
  if (kb) return 1;
  return a.localeCompare(b);
}
