import type { ReadSpan } from './plan-alarm-episodes.js';
import type { DeliveryMix, MailLogReport } from './report-types.js';

const DAY = 86_400_000;

/** One log day of a report as `report_days`, `report_outcomes` and `report_hours` store it. */
export interface ReportDay {
  /** YYYY-MM-DD of the log's clock. */
  day: string;
  mix: DeliveryMix;
  egress: number;
  primaryEgress: number;
  dkimSigned: number;
  dkimMessages: number;
  /**
   * The part of the day the run read, `Date.UTC` ms of the log's clock: from the window's start
   * (or, without one, the first line read) to the window's end, the last line read (without an end)
   * or the run's clock, whichever comes first, each clipped to the day.
   */
  readFrom: number;
  readUntil: number;
  /** day × sending IP × receiving operator × outcome × reason, one row per key. */
  outcomes: Array<{ ip: string; operator: string; outcome: string; reason: string; count: number }>;
  hours: Array<DeliveryMix & { hour: number; ip: string }>;
}

/** The parts of a report stored per day. */
export type DaySource = Pick<MailLogReport, 'byDay' | 'byIpHour' | 'outcomes' | 'dkim'>;

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The report's figures per log day, for the days the report has: those with deliveries, DKIM
 * messages, hourly rows or outcomes, and the days of the first and last line read (a day the run saw
 * quiet is stored as zeros), bounded by the window. Never a day between them it has no line for: a
 * dump whose lines are out of order, or whose year-less stamps roll over a year, has its first line
 * later than its last or hundreds of days between two of its lines. `now` is the run's clock on
 * the log's wall clock: no read covers time that has not happened. Pure.
 *
 * @example
 * planReportDays(summary, { since, until, firstTime: summary.firstTime, lastTime: summary.lastTime }, nowMs);
 */
export function planReportDays(report: DaySource, span: ReadSpan, now: number): ReportDay[] {
  if (span.firstTime === undefined || span.lastTime === undefined) return [];
  const earliest = Math.min(span.firstTime, span.lastTime);
  const latest = Math.max(span.firstTime, span.lastTime);
  const from = span.since ?? earliest;
  const until = Math.min(span.until ?? latest + 1000, now);
  const inWindow = (start: number) =>
    (span.since === undefined || start + DAY > span.since) &&
    (span.until === undefined || start < span.until);
  const dates = new Set([
    dateOf(span.firstTime),
    dateOf(span.lastTime),
    ...report.byDay.map((d) => d.date),
    ...report.dkim.byDay.map((d) => d.date),
    ...report.byIpHour.map((h) => h.date),
    ...report.outcomes.map((o) => o.date),
  ]);
  const days = new Map<string, ReportDay>();
  for (const day of [...dates].sort()) {
    const start = Date.parse(`${day}T00:00:00Z`);
    if (!inWindow(start)) continue;
    const readFrom = Math.min(Math.max(start, from), start + DAY);
    days.set(day, {
      day,
      mix: { sent: 0, deferred: 0, bounced: 0, expired: 0 },
      egress: 0,
      primaryEgress: 0,
      dkimSigned: 0,
      dkimMessages: 0,
      readFrom,
      readUntil: Math.max(readFrom, Math.min(start + DAY, until)),
      outcomes: [],
      hours: [],
    });
  }
  for (const d of report.byDay) {
    const row = days.get(d.date);
    if (row === undefined) continue;
    row.mix = { sent: d.sent, deferred: d.deferred, bounced: d.bounced, expired: d.expired };
    row.egress = d.egress;
    row.primaryEgress = d.primaryEgress;
  }
  for (const d of report.dkim.byDay) {
    const row = days.get(d.date);
    if (row === undefined) continue;
    row.dkimSigned = d.signed;
    row.dkimMessages = d.messages;
  }
  for (const h of report.byIpHour) {
    days.get(h.date)?.hours.push({
      hour: h.hour,
      ip: h.ip,
      sent: h.sent,
      deferred: h.deferred,
      bounced: h.bounced,
      expired: h.expired,
    });
  }
  // The report keeps a row per reason id; two ids can share a normalised text (a deferral and a
  // bounce with the same reply), and the table's key cannot: their counts are added.
  const merged = new Map<string, ReportDay['outcomes'][number]>();
  for (const o of report.outcomes) {
    const row = days.get(o.date);
    if (row === undefined) continue;
    const key = `${o.date}\u0000${o.ip}\u0000${o.operator}\u0000${o.outcome}\u0000${o.reason}`;
    const seen = merged.get(key);
    if (seen !== undefined) seen.count += o.count;
    else {
      const out = { ip: o.ip, operator: o.operator, outcome: o.outcome, reason: o.reason, count: o.count };
      merged.set(key, out);
      row.outcomes.push(out);
    }
  }
  return [...days.values()];
}
