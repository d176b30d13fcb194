import { OPERATOR_SUFFIXES, type OperatorTable, operatorOfHost } from '@mailramp/mailbox';
import type { IpAttributor } from './attribute-ip.js';
import {
  classifyReply,
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  listReplySignals,
  normalizeReason,
  type ReplySignal,
} from './classify-reply.js';
import { createReasonCounter } from './count-reasons.js';
import { createQidSet } from './create-qid-set.js';
import { ownCopy } from './own-copy.js';
import type { DeliveryEvent, LineFacts } from './parse-log-line.js';
import {
  type DayStats,
  type DeliveryMix,
  type HourStats,
  type IpAttribution,
  type IpHourStats,
  type IpStats,
  type MailLogReport,
  type OperatorStats,
  OTHER_REASONS,
  type OutcomeRow,
  type ReasonCount,
  type ScannedCounts,
  type SignalStats,
} from './report-types.js';

const MAX_OUTCOME_ROWS = 50_000;
const ACCEPTED: { outcome: DeliveryOutcome; signals: ReplySignal[] } = { outcome: 'accepted', signals: [] };

/** The counters a sent delivery adds to: see `ReportBuilder.addScannerSpan`. */
interface SentGroup {
  day: DayStats;
  hour: HourStats;
  egress?: {
    ip: IpStats;
    ipHour: IpHourStats;
    via: keyof IpAttribution;
    operator: OperatorStats;
    row: OutcomeRow | undefined;
    primary: boolean;
    microsoft: boolean;
  };
}

/** What {@link createDeliveryCounters} needs besides the lines. */
export interface DeliveryCounterOptions {
  primaryIp: string | undefined;
  operatorTable?: OperatorTable | undefined;
  topReasons: number;
  ips: IpAttributor;
  /** Keeps the line being added in a list of samples (when the list has room). */
  sample: (list: string[]) => void;
  /** Outcome rows kept with their reason (default 50,000); later reasons go to OTHER_REASONS rows. */
  maxOutcomeRows?: number | undefined;
}

/** The delivery counters of a report: totals, per day, hour, sending IP, operator, outcome row, reason, signal. */
export interface DeliveryCounters {
  /**
   * Counts a delivery line. With `wantGroup`, a sent delivery also gets the id of the group of
   * counters it added to (see `ReportBuilder.addScannerSpan`); returns that id or -1.
   */
  addDelivery(line: LineFacts, ev: DeliveryEvent, wantGroup: boolean): number;
  /** A qmgr `expired` line: counts the message once, whatever else said it expired. */
  addExpired(line: LineFacts, qid: string): void;
  /** Adds the scanner's counts of later sent lines to the groups they matched. */
  addScanned(scanned: ScannedCounts): void;
  finish(): Pick<
    MailLogReport,
    'totals' | 'byDay' | 'byHour' | 'byIpHour' | 'byIp' | 'byOperator' | 'outcomes' | 'reasons' | 'signals'
  >;
}

const emptyMix = (): DeliveryMix => ({ sent: 0, deferred: 0, bounced: 0, expired: 0 });

const count = (mix: DeliveryMix, status: string): void => {
  if (status === 'sent') mix.sent += 1;
  else if (status === 'deferred') mix.deferred += 1;
  else if (status === 'bounced') mix.bounced += 1;
  else if (status === 'expired') mix.expired += 1;
};

const rate = (m: DeliveryMix) => {
  const attempts = m.sent + m.deferred + m.bounced;
  return attempts === 0 ? undefined : m.sent / attempts;
};

function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip.startsWith('127.') || ip === '::1');
}

/** Per-day and per-hour buckets, the last one found kept at hand (lines come in time order). */
function createTimeBuckets() {
  const days = new Map<string, DayStats>();
  const hours = new Map<string, HourStats>();
  let lastDay: DayStats | undefined;
  let lastHour: HourStats | undefined;
  return {
    dayOf(date: string): DayStats {
      if (lastDay !== undefined && lastDay.date === date) return lastDay;
      let d = days.get(date);
      if (d === undefined) {
        d = {
          date,
          ...emptyMix(),
          deliveryRate: undefined,
          egress: 0,
          primaryEgress: 0,
          reputationRejects: 0,
          gmailUnsolicited: 0,
          microsoftAttempts: 0,
          microsoftThrottled: 0,
          samples: [],
        };
        days.set(date, d);
      }
      lastDay = d;
      return d;
    },
    hourOf(date: string, hour: number): HourStats {
      if (lastHour !== undefined && lastHour.hour === hour && lastHour.date === date) return lastHour;
      const key = `${date} ${hour}`;
      let h = hours.get(key);
      if (h === undefined) {
        h = { date, hour, ...emptyMix() };
        hours.set(key, h);
      }
      lastHour = h;
      return h;
    },
    finish(): Pick<MailLogReport, 'byDay' | 'byHour'> {
      const byDay = [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
      for (const d of byDay) d.deliveryRate = rate(d);
      return {
        byDay,
        byHour: [...hours.values()].sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour),
      };
    },
  };
}

/**
 * Creates the delivery counters. Memory stays bounded: counters per day, hour, IP, operator and
 * reason, 50,000 outcome rows with their reason (then one per day × IP × operator × outcome), and
 * a compact set of deferred queue ids.
 *
 * @example
 * const counters = createDeliveryCounters({ primaryIp, topReasons: 20, ips, sample: () => {} });
 * counters.addDelivery(line, line.event, false);
 * counters.finish().totals.sent;
 */
export function createDeliveryCounters(options: DeliveryCounterOptions): DeliveryCounters {
  const { primaryIp, ips: attributor, sample } = options;
  const maxOutcomeRows = options.maxOutcomeRows ?? MAX_OUTCOME_ROWS;
  const table = options.operatorTable ?? OPERATOR_SUFFIXES;
  const totals = { sent: 0, deferrals: 0, bounced: 0, expired: 0, forwarded: 0, otherStatus: 0 };
  const deferredQids = createQidSet();
  const expiredQids = createQidSet(1 << 8);
  const time = createTimeBuckets();
  const reasons = createReasonCounter(options.topReasons);
  const ips = new Map<string, IpStats & { transportSet: Set<string>; id: number }>();
  const operators = new Map<string, OperatorStats & { id: number }>();
  const operatorCache = new Map<string, string>();
  const dayIds = new Map<string, number>();
  const outcomeRows = new Map<number | string, OutcomeRow>();
  const signals = new Map<ReplySignal, SignalStats>();
  // Egress per hour bucket, indexed by the sending IP's id.
  const ipHours = new Map<HourStats, IpHourStats[]>();
  // Lines come in time order: the last hour's list is kept at hand.
  let lastHour: HourStats | undefined;
  let lastHourIps: IpHourStats[] = [];
  const ipHourOf = (hour: HourStats, ip: IpStats & { id: number }): IpHourStats => {
    let list = hour === lastHour ? lastHourIps : ipHours.get(hour);
    if (list === undefined) {
      list = [];
      ipHours.set(hour, list);
    }
    lastHour = hour;
    lastHourIps = list;
    let stats = list[ip.id];
    if (stats === undefined) {
      stats = { date: hour.date, hour: hour.hour, ip: ip.ip, ...emptyMix() };
      list[ip.id] = stats;
    }
    return stats;
  };
  // The scanner's groups of sent deliveries.
  const groups: SentGroup[] = [];

  const operatorOf = (host: string | undefined): string => {
    if (host === undefined) return 'unknown';
    let op = operatorCache.get(host);
    if (op === undefined) {
      op = operatorOfHost(host, table) ?? 'other';
      if (operatorCache.size > 50_000) operatorCache.clear();
      operatorCache.set(ownCopy(host), op);
    }
    return op;
  };
  const countSignals = (date: string, list: readonly ReplySignal[]): void => {
    for (const signal of list) {
      let s = signals.get(signal);
      if (s === undefined) {
        s = { signal, count: 0, byDay: {}, samples: [] };
        signals.set(signal, s);
      }
      s.count += 1;
      s.byDay[date] = (s.byDay[date] ?? 0) + 1;
      sample(s.samples);
    }
  };

  return {
    addDelivery(line, ev, wantGroup) {
      const status = ev.status;
      if (status === 'sent') {
        if (ev.forwarded) {
          totals.forwarded += 1;
          return -1;
        }
        totals.sent += 1;
      } else if (status === 'deferred') {
        totals.deferrals += 1;
        deferredQids.add(ev.qid);
      } else if (status === 'bounced') {
        totals.bounced += 1;
      } else if (status === 'expired') {
        if (expiredQids.add(ev.qid)) {
          totals.expired += 1;
        }
      } else {
        totals.otherStatus += 1;
        return -1;
      }
      const day = time.dayOf(line.date);
      const hour = time.hourOf(line.date, line.hour);
      count(day, status);
      count(hour, status);
      if (status !== 'sent') sample(day.samples);

      let cls = ACCEPTED;
      let reason = '';
      let reasonId = 0;
      if (status !== 'sent') {
        // Not cached by reply: most replies carry a receiver's token or a time and are seen once
        // (14,904 distinct in 22,547 on the bench log), and keeping copies of them cost more than it saved.
        cls = classifyReply(ev, ev.reply === '' ? [] : listReplySignals(ev.reply));
        countSignals(line.date, cls.signals);
        ({ id: reasonId, reason } = reasons.add(status as ReasonCount['status'], normalizeReason(ev.reply)));
      }

      // Egress: what left the host by SMTP. Local, virtual, pipe and content-filter hops are not egress.
      if (line.daemon !== 'smtp' || isLoopback(ev.relayIp)) {
        return wantGroup && status === 'sent' ? groups.push({ day, hour }) - 1 : -1;
      }
      const operator = operatorOf(ev.relayHost);
      const { ip, via } = attributor.attribute(line, ev);
      day.egress += 1;
      if (primaryIp !== undefined && ip === primaryIp) day.primaryEgress += 1;
      if (cls.outcome === 'reputation_reject') day.reputationRejects += 1;
      if (cls.signals.includes('gmail_unsolicited')) day.gmailUnsolicited += 1;
      if (operator === 'microsoft') {
        day.microsoftAttempts += 1;
        if (cls.outcome === 'throttled') day.microsoftThrottled += 1;
      }
      let ipStats = ips.get(ip);
      if (ipStats === undefined) {
        ipStats = {
          ip: ownCopy(ip),
          transports: [],
          transportSet: new Set(),
          id: ips.size,
          ...emptyMix(),
          via: { transport: 0, default: 0, bindFallback: 0, quoted: 0 },
        };
        ips.set(ipStats.ip, ipStats);
      }
      count(ipStats, status);
      const ipHour = ipHourOf(hour, ipStats);
      count(ipHour, status);
      ipStats.via[via] += 1;
      ipStats.transportSet.add(line.service ?? 'smtp');
      let opStats = operators.get(operator);
      if (opStats === undefined) {
        opStats = { operator, ...emptyMix(), outcomes: {}, id: operators.size };
        operators.set(operator, opStats);
      }
      count(opStats, status);
      opStats.outcomes[cls.outcome] = (opStats.outcomes[cls.outcome] ?? 0) + 1;
      let dayId = dayIds.get(line.date);
      if (dayId === undefined) {
        dayId = dayIds.size;
        dayIds.set(line.date, dayId);
      }
      const rowKey = outcomeRowKey(dayId, ipStats.id, opStats.id, cls.outcome, reasonId);
      let row = outcomeRows.get(rowKey);
      if (row !== undefined) row.count += 1;
      else {
        // Past the bound a new reason joins its group's "(other reasons)" row: counted, not dropped.
        const full = outcomeRows.size >= maxOutcomeRows;
        const key = full ? `${dayId}|${ipStats.id}|${opStats.id}|${cls.outcome}|other` : rowKey;
        row = full ? outcomeRows.get(key) : undefined;
        if (row !== undefined) row.count += 1;
        else {
          const kept = full ? OTHER_REASONS : reason;
          row = { date: line.date, ip: ipStats.ip, operator, outcome: cls.outcome, reason: kept, count: 1 };
          outcomeRows.set(key, row);
        }
      }
      // After a bind failure the next delivery's IP is not its transport's: no group for it.
      if (!wantGroup || status !== 'sent' || via === 'bindFallback') return -1;
      const egress = {
        ip: ipStats,
        ipHour,
        via,
        operator: opStats,
        row,
        primary: primaryIp !== undefined && ip === primaryIp,
        microsoft: operator === 'microsoft',
      };
      return groups.push({ day, hour, egress }) - 1;
    },
    addExpired(line, qid) {
      if (expiredQids.add(qid)) {
        totals.expired += 1;
        time.dayOf(line.date).expired += 1;
        time.hourOf(line.date, line.hour).expired += 1;
      }
    },
    addScanned(scanned) {
      for (const [id, group] of groups.entries()) {
        const n = scanned.groupLines[id] ?? 0;
        if (n === 0) continue;
        totals.sent += n;
        group.day.sent += n;
        group.hour.sent += n;
        const egress = group.egress;
        if (egress === undefined) continue;
        group.day.egress += n;
        if (egress.primary) group.day.primaryEgress += n;
        if (egress.microsoft) group.day.microsoftAttempts += n;
        egress.ip.sent += n;
        egress.ipHour.sent += n;
        egress.ip.via[egress.via] += n;
        egress.operator.sent += n;
        egress.operator.outcomes.accepted = (egress.operator.outcomes.accepted ?? 0) + n;
        if (egress.row !== undefined) egress.row.count += n;
      }
    },
    finish() {
      return {
        totals: {
          sent: totals.sent,
          deferred: deferredQids.size,
          deferrals: totals.deferrals,
          bounced: totals.bounced,
          expired: totals.expired,
          forwarded: totals.forwarded,
          otherStatus: totals.otherStatus,
          deliveryRate: rate({ ...totals, deferred: totals.deferrals }),
        },
        ...time.finish(),
        byIpHour: [...ipHours.values()]
          .flatMap((list) => list.filter((s) => s !== undefined))
          .sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour || a.ip.localeCompare(b.ip)),
        byIp: [...ips.values()]
          .map(({ transportSet, id: _id, ...rest }) => ({ ...rest, transports: [...transportSet].sort() }))
          .sort((a, b) => a.ip.localeCompare(b.ip)),
        byOperator: [...operators.values()]
          .map(({ id: _id, ...rest }) => rest)
          .sort((a, b) => b.sent + b.deferred + b.bounced - (a.sent + a.deferred + a.bounced)),
        outcomes: [...outcomeRows.values()].sort(
          (a, b) =>
            a.date.localeCompare(b.date) ||
            a.ip.localeCompare(b.ip) ||
            a.operator.localeCompare(b.operator) ||
            a.outcome.localeCompare(b.outcome) ||
            b.count - a.count,
        ),
        reasons: reasons.finish(),
        signals: [...signals.values()],
      };
    },
  };
}

/**
 * The key of a day × IP × operator × outcome × reason row: one number from the parts' ids (no string
 * built per delivery), or a string when an id is out of the number's range.
 */
function outcomeRowKey(
  dayId: number,
  ipId: number,
  operatorId: number,
  outcome: DeliveryOutcome,
  reasonId: number,
): number | string {
  const outcomeId = DELIVERY_OUTCOMES.indexOf(outcome);
  if (dayId >= 1 << 16 || ipId >= 1 << 12 || operatorId >= 1 << 8 || reasonId >= 1 << 13)
    return `${dayId} ${ipId} ${operatorId} ${outcomeId} ${reasonId}`;
  return (((dayId * 4096 + ipId) * 256 + operatorId) * 8 + outcomeId) * 8192 + reasonId;
}
