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
 * The report's figures per log day, for every day from the first line read to the last (a day
 * without a delivery is stored as zeros: the run saw it quiet). `now` is the run's clock on the
 * log's wall clock: no read covers time that has not happened. Pure.
 *
 * @example
 * planReportDays(summary, { since, until, firstTime: summary.firstTime, lastTime: summary.lastTime }, nowMs);
 */
export function planReportDays(report: DaySource, span: ReadSpan, now: number): ReportDay[] {
  if (span.firstTime === undefined || span.lastTime === undefined) return [];
  const from = span.since ?? span.firstTime;
  const until = Math.min(span.until ?? span.lastTime + 1000, now);
  const days = new Map<string, ReportDay>();
  const first = Date.parse(`${dateOf(span.firstTime)}T00:00:00Z`);
  for (let start = first; start <= span.lastTime; start += DAY) {
    const day = dateOf(start);
    days.set(day, {
      day,
      mix: { sent: 0, deferred: 0, bounced: 0, expired: 0 },
      egress: 0,
      primaryEgress: 0,
      dkimSigned: 0,
      dkimMessages: 0,
      readFrom: Math.max(start, from),
      readUntil: Math.max(Math.max(start, from), Math.min(start + DAY, until)),
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
