import { OPERATOR_SUFFIXES, type OperatorTable, operatorOfHost } from '@mailramp/mailbox';
import {
  classifyReply,
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  listReplySignals,
  normalizeReason,
  type ReplySignal,
} from './classify-reply.js';
import { createQidSet } from './create-qid-set.js';
import { ownCopy } from './own-copy.js';
import type { DeliveryEvent, LineFacts } from './parse-log-line.js';

/** Options for {@link createReportBuilder}: plain data, no config types. */
export interface ReportOptions {
  /** Postfix transport (service) name → the sending IP it binds, e.g. `{ out05: '203.0.113.94' }`. */
  transportIps?: Readonly<Record<string, string>>;
  /** The host's primary IP: where plain `postfix/smtp` and bind-failure fallbacks leave from. */
  primaryIp?: string | undefined;
  /** Operator suffix table for relay hosts (default: `@mailramp/mailbox`'s shipped table). */
  operatorTable?: OperatorTable;
  /** Wall-clock window `[since, until)` in `Date.UTC` milliseconds of the log's own clock. */
  since?: number | undefined;
  until?: number | undefined;
  /** Sample lines kept per piece of evidence (default 3). */
  sampleLines?: number;
  /** Reasons listed per status (default 20). */
  topReasons?: number;
}

/** Delivery counts: `deferred` counts deferral attempts except in {@link MailLogTotals}. */
export interface DeliveryMix {
  sent: number;
  deferred: number;
  bounced: number;
  expired: number;
}

/** Whole-window totals, counted as pflogsumm counts them. */
export interface MailLogTotals extends DeliveryMix {
  /** Messages deferred at least once (pflogsumm's "deferred"). */
  deferred: number;
  /** Deferral attempts (pflogsumm's "deferrals"; what `grep -c status=deferred` counts). */
  deferrals: number;
  /** `status=sent` lines that were local alias forwards (pflogsumm's "forwarded"); not in `sent`. */
  forwarded: number;
  /** Delivery lines with another status (`deliverable`, `undeliverable` from address verification). */
  otherStatus: number;
  /** sent / (sent + deferrals + bounced); undefined with no attempts. */
  deliveryRate: number | undefined;
}

/** One day of the delivery mix, and the per-day figures alarms look at. */
export interface DayStats extends DeliveryMix {
  date: string;
  deliveryRate: number | undefined;
  /** Deliveries leaving the host (smtp to a non-loopback relay). */
  egress: number;
  /** Egress attributed to the primary IP. */
  primaryEgress: number;
  reputationRejects: number;
  gmailUnsolicited: number;
  microsoftAttempts: number;
  microsoftThrottled: number;
  samples: string[];
}

/** One hour of the delivery mix. */
export interface HourStats extends DeliveryMix {
  date: string;
  hour: number;
}

/** How deliveries were attributed to a sending IP. */
export interface IpAttribution {
  /** From the transport's configured IP. */
  transport: number;
  /** From the primary IP: plain `postfix/smtp`. */
  default: number;
  /** From the primary IP after a bind failure of the transport's IP. */
  bindFallback: number;
  /** The receiver quoted this IP in its reply. */
  quoted: number;
}

/** Deliveries per sending IP. */
export interface IpStats extends DeliveryMix {
  ip: string;
  transports: string[];
  via: IpAttribution;
}

/** Deliveries per receiving operator. */
export interface OperatorStats extends DeliveryMix {
  operator: string;
  outcomes: Partial<Record<DeliveryOutcome, number>>;
}

/** One row of the reputation monitor's table: day × sending IP × receiving operator × outcome × reason. */
export interface OutcomeRow {
  date: string;
  ip: string;
  operator: string;
  outcome: DeliveryOutcome;
  /** Normalised reason; empty for accepted. */
  reason: string;
  count: number;
}

/** A normalised reason with its count. */
export interface ReasonCount {
  status: 'deferred' | 'bounced' | 'expired';
  reason: string;
  count: number;
}

/** `Cannot assign requested address` bind failures of one IP. */
export interface BindFailure {
  ip: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  samples: string[];
}

/** DKIM signing against messages, per envelope-sender domain. */
export interface DkimDomainStats {
  domain: string;
  messages: number;
  signed: number;
  ratio: number | undefined;
}

/** OpenDKIM signatures against Postfix cleanup messages: the signing ratio. */
export interface DkimStats {
  /** `DKIM-Signature field added` lines. */
  signed: number;
  /** Messages that entered the queue (`postfix/cleanup` `message-id=` lines), bounce notifications excepted. */
  messages: number;
  /** Bounce notifications Postfix made itself (null sender): never signed, so not in `messages`. */
  notifications: number;
  ratio: number | undefined;
  bySigningDomain: Array<{ domain: string; signed: number }>;
  bySenderDomain: DkimDomainStats[];
}

/** Counts and samples of one reply signal. */
export interface SignalStats {
  signal: ReplySignal;
  count: number;
  byDay: Record<string, number>;
  samples: string[];
}

/** What the log said, before alarms are applied. */
export interface MailLogReport {
  lines: {
    total: number;
    parsed: number;
    malformed: number;
    outsideWindow: number;
    malformedSamples: string[];
  };
  firstLine: string | undefined;
  lastLine: string | undefined;
  totals: MailLogTotals;
  byDay: DayStats[];
  byHour: HourStats[];
  byIp: IpStats[];
  byOperator: OperatorStats[];
  outcomes: OutcomeRow[];
  reasons: ReasonCount[];
  bindFailures: BindFailure[];
  primaryIp: string | undefined;
  dkim: DkimStats;
  signals: SignalStats[];
}

/** Collects a report line by line; `finish()` gives the result. */
export interface ReportBuilder {
  /** Adds one raw line (counted as malformed when `parsed` is undefined). */
  add(raw: string, parsed: LineFacts | undefined): void;
  /**
   * {@link add} of the line at `[start, end)` of a longer text: the line is only cut out of the
   * text when the report quotes it in a sample. Returns true when the line counted as parsed (well
   * formed and inside the window).
   */
  addSpan(text: string, start: number, end: number, parsed: LineFacts | undefined): boolean;
  /**
   * Adds what the WebAssembly scanner counted without this builder (see `scan-kernel.ts`): the lines
   * it did not hand over, the DKIM correlation, and the first and last dates of all parsed lines.
   */
  addScanned(scanned: ScannedCounts): void;
  /**
   * {@link addSpan} for the WebAssembly scanner: with `wantGroup`, a sent delivery also names the
   * group of counters it added to (its day, hour, sending IP, operator and outcome row), so that the
   * scanner counts identical later lines itself ({@link ScannedCounts.groupLines}). Returns bit 0:
   * parsed; bit 1: a bind failure is pending; bits 2 and up: 1 + the group's id, or 0.
   */
  addScannerSpan(
    text: string,
    start: number,
    end: number,
    parsed: LineFacts | undefined,
    wantGroup: boolean,
  ): number;
  /** Whether smtp process `pid` has a bind failure pending: its next egress delivery leaves from the primary IP. */
  hasPendingBind(pid: number): boolean;
  finish(): MailLogReport;
}

/**
 * What the WebAssembly scanner counted itself over a whole log read in order: the lines it did not
 * hand to {@link ReportBuilder.addSpan} and their DKIM events. Domains are as written (not lowercased),
 * each listed once, in the order first counted.
 */
export interface ScannedCounts {
  lines: { total: number; parsed: number; outsideWindow: number };
  /** Dates of the first and last parsed line of the log, handed-over ones included. */
  firstLine: string | undefined;
  lastLine: string | undefined;
  dkim: { signed: number; messages: number; notifications: number };
  signingDomains: Array<[domain: string, signed: number]>;
  senderDomains: Array<[domain: string, counts: { messages: number; signed: number }]>;
  /** Sent deliveries the scanner counted, by the group id `addScannerSpan` gave. */
  groupLines: ArrayLike<number>;
}

/** The counters a sent delivery adds to: see {@link ReportBuilder.addScannerSpan}. */
interface SentGroup {
  day: DayStats;
  hour: HourStats;
  egress?: {
    ip: IpStats;
    via: keyof IpAttribution;
    operator: OperatorStats;
    row: OutcomeRow | undefined;
    primary: boolean;
    microsoft: boolean;
  };
}

const MAX_REASONS = 5000;
const MAX_OUTCOME_ROWS = 50_000;
const MAX_PENDING = 100_000;
const ACCEPTED: { outcome: DeliveryOutcome; signals: ReplySignal[] } = { outcome: 'accepted', signals: [] };

const emptyMix = (): DeliveryMix => ({ sent: 0, deferred: 0, bounced: 0, expired: 0 });

/** Replaces the local part of e-mail addresses in a sample line: evidence names domains, not people. */
export function redactAddresses(line: string): string {
  return line.replace(/([<\s=])[^\s<>@,;()]+@/g, '$1***@');
}

function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip.startsWith('127.') || ip === '::1');
}

const QUOTED_IP =
  /(?:\bip=<?|[Mm]essages from \[?|said: \d{3}[- ](?:\d\.\d{1,3}\.\d{1,3} )?\[)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})/;

/**
 * Creates the one-pass report accumulator. Memory stays bounded: counters per day, hour, IP,
 * operator and reason, a compact set of deferred queue ids, and a map of messages between cleanup
 * and their first qmgr line.
 *
 * @example
 * const builder = createReportBuilder({ transportIps: { out05: '203.0.113.94' }, primaryIp: '203.0.113.71' });
 * for (const line of lines) builder.add(line, parseLogLine(line, ctx));
 * const report = builder.finish();
 */
export function createReportBuilder(options: ReportOptions = {}): ReportBuilder {
  const transportIps = options.transportIps ?? {};
  const primaryIp = options.primaryIp;
  const table = options.operatorTable ?? OPERATOR_SUFFIXES;
  const sampleMax = options.sampleLines ?? 3;
  const topReasons = options.topReasons ?? 20;
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const knownIps = [...new Set([...Object.values(transportIps), ...(primaryIp ? [primaryIp] : [])])];

  const lines = { total: 0, parsed: 0, malformed: 0, outsideWindow: 0, malformedSamples: [] as string[] };
  let firstLine: string | undefined;
  let lastLine: string | undefined;
  const totals = { sent: 0, deferrals: 0, bounced: 0, expired: 0, forwarded: 0, otherStatus: 0 };
  const deferredQids = createQidSet();
  const expiredQids = createQidSet(1 << 8);
  const days = new Map<string, DayStats>();
  const hours = new Map<string, HourStats>();
  const ips = new Map<string, IpStats & { transportSet: Set<string>; id: number }>();
  const operators = new Map<string, OperatorStats>();
  const operatorIds = new Map<string, number>();
  const outcomeRows = new Map<number | string, OutcomeRow>();
  const dayIds = new Map<string, number>();
  const reasons = new Map<string, Map<string, ReasonCount & { id: number }>>();
  let reasonCount = 0;
  let otherReasons = 0;
  const binds = new Map<string, BindFailure>();
  // Keyed by smtp process id: the delivery after a bind failure is that process's next one.
  const pendingBind = new Map<number, string>();
  const operatorCache = new Map<string, string>();
  const signals = new Map<ReplySignal, SignalStats>();
  const dkim = { signed: 0, messages: 0, notifications: 0 };
  const signingDomains = new Map<string, number>();
  const senderDomains = new Map<string, { messages: number; signed: number }>();
  const pendingDkim = new Map<string, PendingDkim>();
  let lastSender = '';
  let lastSenderStats: { messages: number; signed: number } | undefined;

  let lastDay: DayStats | undefined;
  let lastHour: HourStats | undefined;
  const dayOf = (date: string): DayStats => {
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
  };
  const hourOf = (date: string, hour: number): HourStats => {
    if (lastHour !== undefined && lastHour.hour === hour && lastHour.date === date) return lastHour;
    const key = `${date} ${hour}`;
    let h = hours.get(key);
    if (h === undefined) {
      h = { date, hour, ...emptyMix() };
      hours.set(key, h);
    }
    lastHour = h;
    return h;
  };
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
  const count = (mix: DeliveryMix, status: string): void => {
    if (status === 'sent') mix.sent += 1;
    else if (status === 'deferred') mix.deferred += 1;
    else if (status === 'bounced') mix.bounced += 1;
    else if (status === 'expired') mix.expired += 1;
  };

  /** The sending IP of an egress delivery and how it was found. */
  const attribute = (line: LineFacts, ev: DeliveryEvent): { ip: string; via: keyof IpAttribution } => {
    const failedBind = line.pid === undefined ? undefined : pendingBind.get(line.pid);
    if (failedBind !== undefined) pendingBind.delete(line.pid!);
    if (ev.status !== 'sent' && ev.reply !== '') {
      const m = QUOTED_IP.exec(ev.reply);
      if (m !== null) return { ip: m[1]!, via: 'quoted' };
      for (const ip of knownIps) if (ev.reply.includes(ip)) return { ip, via: 'quoted' };
    }
    if (failedBind !== undefined) return { ip: primaryIp ?? 'primary', via: 'bindFallback' };
    if (line.service === undefined) return { ip: primaryIp ?? 'primary', via: 'default' };
    // Own keys only: a service named `__proto__` or `toString` is not an IP.
    const ip = Object.hasOwn(transportIps, line.service) ? transportIps[line.service] : undefined;
    return ip === undefined
      ? { ip: `transport:${line.service}`, via: 'transport' }
      : { ip, via: 'transport' };
  };

  // The scanner's groups of sent deliveries, and the group of the line being added.
  const groups: SentGroup[] = [];
  let wantGroup = false;
  let sentGroup = -1;

  // The line being added, as a span of its text: cut out only for a sample.
  let text = '';
  let start = 0;
  let end = 0;
  const sample = (list: string[]): void => {
    if (list.length < sampleMax) list.push(ownCopy(redactAddresses(text.slice(start, end))));
  };

  const addDelivery = (line: LineFacts, ev: DeliveryEvent): void => {
    const status = ev.status;
    if (status === 'sent') {
      if (ev.forwarded) {
        totals.forwarded += 1;
        return;
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
      return;
    }
    const day = dayOf(line.date);
    const hour = hourOf(line.date, line.hour);
    count(day, status);
    count(hour, status);
    if (status !== 'sent') sample(day.samples);

    let cls = ACCEPTED;
    let reason = '';
    if (status !== 'sent') {
      // Not cached by reply: most replies carry a receiver's token or a time and are seen once
      // (14,904 distinct in 22,547 on the bench log), and keeping copies of them cost more than it saved.
      cls = classifyReply(ev, ev.reply === '' ? [] : listReplySignals(ev.reply));
      reason = normalizeReason(ev.reply);
    }
    for (const signal of cls.signals) {
      let s = signals.get(signal);
      if (s === undefined) {
        s = { signal, count: 0, byDay: {}, samples: [] };
        signals.set(signal, s);
      }
      s.count += 1;
      s.byDay[line.date] = (s.byDay[line.date] ?? 0) + 1;
      sample(s.samples);
    }
    let reasonId = 0;
    if (status !== 'sent') {
      let byReason = reasons.get(status);
      if (byReason === undefined) {
        byReason = new Map();
        reasons.set(status, byReason);
      }
      const r = byReason.get(reason);
      if (r !== undefined) {
        r.count += 1;
        reasonId = r.id;
        reason = r.reason;
      } else {
        // A reason can be a piece of the reply, itself a view of the log's text: kept, it is copied.
        reason = ownCopy(reason);
        if (reasonCount < MAX_REASONS) {
          reasonCount += 1;
          reasonId = reasonCount;
          byReason.set(reason, { status: status as ReasonCount['status'], reason, count: 1, id: reasonId });
        } else otherReasons += 1;
      }
    }

    // Egress: what left the host by SMTP. Local, virtual, pipe and content-filter hops are not egress.
    if (line.daemon !== 'smtp' || isLoopback(ev.relayIp)) {
      if (wantGroup && status === 'sent') sentGroup = groups.push({ day, hour }) - 1;
      return;
    }
    const operator = operatorOf(ev.relayHost);
    const { ip, via } = attribute(line, ev);
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
    ipStats.via[via] += 1;
    ipStats.transportSet.add(line.service ?? 'smtp');
    let opStats = operators.get(operator);
    if (opStats === undefined) {
      opStats = { operator, ...emptyMix(), outcomes: {} };
      operators.set(operator, opStats);
      operatorIds.set(operator, operatorIds.size);
    }
    count(opStats, status);
    opStats.outcomes[cls.outcome] = (opStats.outcomes[cls.outcome] ?? 0) + 1;
    let dayId = dayIds.get(line.date);
    if (dayId === undefined) {
      dayId = dayIds.size;
      dayIds.set(line.date, dayId);
    }
    const rowKey = outcomeRowKey(dayId, ipStats.id, operatorIds.get(operator)!, cls.outcome, reasonId);
    let row = outcomeRows.get(rowKey);
    if (row !== undefined) row.count += 1;
    else if (outcomeRows.size < MAX_OUTCOME_ROWS) {
      row = {
        date: line.date,
        ip: ipStats.ip,
        operator,
        outcome: cls.outcome,
        reason,
        count: 1,
      };
      outcomeRows.set(rowKey, row);
    }
    // After a bind failure the next delivery's IP is not its transport's: no group for it.
    if (wantGroup && status === 'sent' && via !== 'bindFallback') {
      sentGroup =
        groups.push({
          day,
          hour,
          egress: {
            ip: ipStats,
            via,
            operator: opStats,
            row,
            primary: primaryIp !== undefined && ip === primaryIp,
            microsoft: operator === 'microsoft',
          },
        }) - 1;
    }
  };

  const pending = (qid: string) => {
    let p = pendingDkim.get(qid);
    if (p === undefined) {
      if (pendingDkim.size >= MAX_PENDING) pendingDkim.clear();
      p = { cleaned: false, signed: false };
      pendingDkim.set(ownCopy(qid), p);
    }
    return p;
  };
  const domainOf = (sender: string): string => {
    const at = sender.lastIndexOf('@');
    return at < 0 ? '(local)' : sender.slice(at + 1).toLowerCase();
  };
  /** What a parsed line inside the window adds, by its event. */
  const addEvent = (line: LineFacts): void => {
    const ev = line.event;
    switch (ev.kind) {
      case 'other':
        return;
      case 'delivery':
        addDelivery(line, ev);
        return;
      case 'cleanup':
        dkim.messages += 1;
        pending(ev.qid).cleaned = true;
        return;
      case 'dkim-signed': {
        dkim.signed += 1;
        const signedBefore = signingDomains.get(ev.domain);
        if (signedBefore === undefined) signingDomains.set(ownCopy(ev.domain), 1);
        else signingDomains.set(ev.domain, signedBefore + 1);
        pending(ev.qid).signed = true;
        return;
      }
      case 'queued': {
        // qmgr logs from= on every retry; only the first one after cleanup counts the message.
        const p = pendingDkim.get(ev.qid);
        if (p === undefined) return;
        pendingDkim.delete(ev.qid);
        if (!p.cleaned) return;
        // Bounce notifications (null sender) are made by Postfix itself and never signed.
        if (ev.sender === '') {
          dkim.notifications += 1;
          return;
        }
        // Most messages come from one sender: its domain's counters are looked up once per run of it.
        let s = ev.sender === lastSender ? lastSenderStats : undefined;
        if (s === undefined) {
          const domain = domainOf(ev.sender);
          s = senderDomains.get(domain);
          if (s === undefined) {
            s = { messages: 0, signed: 0 };
            senderDomains.set(ownCopy(domain), s);
          }
          lastSender = ownCopy(ev.sender);
          lastSenderStats = s;
        }
        s.messages += 1;
        if (p.signed) s.signed += 1;
        return;
      }
      case 'expired': {
        if (expiredQids.add(ev.qid)) {
          totals.expired += 1;
          dayOf(line.date).expired += 1;
          hourOf(line.date, line.hour).expired += 1;
        }
        return;
      }
      case 'bind-failure': {
        if (line.pid !== undefined) pendingBind.set(line.pid, ownCopy(ev.ip));
        let b = binds.get(ev.ip);
        if (b === undefined) {
          b = { ip: ownCopy(ev.ip), count: 0, firstSeen: stampOf(line), lastSeen: '', samples: [] };
          binds.set(b.ip, b);
        }
        b.count += 1;
        b.lastSeen = stampOf(line);
        sample(b.samples);
        return;
      }
      case 'removed':
        pendingDkim.delete(ev.qid);
        return;
    }
  };

  const builder: ReportBuilder = {
    add(raw, line) {
      builder.addSpan(raw, 0, raw.length, line);
    },
    addSpan(lineText, lineStart, lineEnd, line) {
      text = lineText;
      start = lineStart;
      end = lineEnd;
      lines.total += 1;
      if (line === undefined) {
        lines.malformed += 1;
        sample(lines.malformedSamples);
        return false;
      }
      if (line.time < since || line.time >= until) {
        lines.outsideWindow += 1;
        return false;
      }
      lines.parsed += 1;
      if (firstLine === undefined) firstLine = line.date;
      lastLine = line.date;
      addEvent(line);
      return true;
    },
    addScannerSpan(lineText, lineStart, lineEnd, line, want) {
      wantGroup = want;
      sentGroup = -1;
      const parsed = builder.addSpan(lineText, lineStart, lineEnd, line);
      wantGroup = false;
      return (parsed ? 1 : 0) | (pendingBind.size > 0 ? 2 : 0) | ((sentGroup + 1) << 2);
    },
    hasPendingBind(pid) {
      return pendingBind.has(pid);
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
        egress.ip.via[egress.via] += n;
        egress.operator.sent += n;
        egress.operator.outcomes.accepted = (egress.operator.outcomes.accepted ?? 0) + n;
        if (egress.row !== undefined) egress.row.count += n;
      }
      lines.total += scanned.lines.total;
      lines.parsed += scanned.lines.parsed;
      lines.outsideWindow += scanned.lines.outsideWindow;
      firstLine = scanned.firstLine;
      lastLine = scanned.lastLine;
      dkim.signed += scanned.dkim.signed;
      dkim.messages += scanned.dkim.messages;
      dkim.notifications += scanned.dkim.notifications;
      for (const [written, n] of scanned.signingDomains) {
        const domain = written.toLowerCase();
        signingDomains.set(domain, (signingDomains.get(domain) ?? 0) + n);
      }
      for (const [written, counts] of scanned.senderDomains) {
        const domain = written.toLowerCase();
        const s = senderDomains.get(domain);
        if (s === undefined) senderDomains.set(domain, { ...counts });
        else {
          s.messages += counts.messages;
          s.signed += counts.signed;
        }
      }
    },
    finish() {
      const rate = (m: DeliveryMix) => {
        const attempts = m.sent + m.deferred + m.bounced;
        return attempts === 0 ? undefined : m.sent / attempts;
      };
      const byDay = [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
      for (const d of byDay) d.deliveryRate = rate(d);
      const reasonList = [...reasons.values()]
        .flatMap((m) => [...m.values()].map(({ id: _id, ...r }) => r))
        .sort((a, b) => b.count - a.count);
      const topPerStatus: ReasonCount[] = [];
      for (const status of ['deferred', 'bounced', 'expired'] as const) {
        topPerStatus.push(...reasonList.filter((r) => r.status === status).slice(0, topReasons));
      }
      if (otherReasons > 0)
        topPerStatus.push({ status: 'deferred', reason: '(too many distinct reasons)', count: otherReasons });
      return {
        lines,
        firstLine,
        lastLine,
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
        byDay,
        byHour: [...hours.values()].sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour),
        byIp: [...ips.values()]
          .map(({ transportSet, id: _id, ...rest }) => ({ ...rest, transports: [...transportSet].sort() }))
          .sort((a, b) => a.ip.localeCompare(b.ip)),
        byOperator: [...operators.values()].sort(
          (a, b) => b.sent + b.deferred + b.bounced - (a.sent + a.deferred + a.bounced),
        ),
        outcomes: [...outcomeRows.values()].sort(
          (a, b) =>
            a.date.localeCompare(b.date) ||
            a.ip.localeCompare(b.ip) ||
            a.operator.localeCompare(b.operator) ||
            a.outcome.localeCompare(b.outcome) ||
            b.count - a.count,
        ),
        reasons: topPerStatus,
        bindFailures: [...binds.values()].sort((a, b) => b.count - a.count),
        primaryIp,
        dkim: {
          signed: dkim.signed,
          messages: dkim.messages - dkim.notifications,
          notifications: dkim.notifications,
          ratio:
            dkim.messages - dkim.notifications <= 0
              ? undefined
              : dkim.signed / (dkim.messages - dkim.notifications),
          bySigningDomain: [...signingDomains].map(([domain, signed]) => ({ domain, signed })),
          bySenderDomain: [...senderDomains]
            .map(([domain, s]) => ({
              domain,
              ...s,
              ratio: s.messages === 0 ? undefined : s.signed / s.messages,
            }))
            .sort((a, b) => b.messages - a.messages),
        },
        signals: [...signals.values()],
      };
    },
  };
  return builder;
}

interface PendingDkim {
  cleaned: boolean;
  signed: boolean;
}

function _addMix(to: DeliveryMix, from: DeliveryMix): void {
  to.sent += from.sent;
  to.deferred += from.deferred;
  to.bounced += from.bounced;
  to.expired += from.expired;
}

function _mixSize(m: DeliveryMix): number {
  return m.sent + m.deferred + m.bounced + m.expired;
}

function _appendSamples(to: string[], from: readonly string[], max: number): void {
  for (const line of from) if (to.length < max) to.push(line);
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

function stampOf(line: LineFacts): string {
  const d = new Date(line.time);
  return `${line.date} ${d.toISOString().slice(11, 19)}`;
}
