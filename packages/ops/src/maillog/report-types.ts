import type { OperatorTable } from '@mailramp/mailbox';
import type { DeliveryOutcome, ReplySignal } from './classify-reply.js';
import type { LineFacts } from './parse-log-line.js';

/** Options for `createReportBuilder` (build-report.ts): plain data, no config types. */
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
  /**
   * Outcome rows (day × IP × operator × outcome × reason) kept with their reason (default 50,000);
   * past it a new reason is counted in its day × IP × operator × outcome's {@link OTHER_REASONS}
   * row: memory stays bounded and no delivery goes uncounted.
   */
  maxOutcomeRows?: number;
}

/** The reason of an outcome row that gathers the reasons past `maxOutcomeRows`. */
export const OTHER_REASONS = '(other reasons)';

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

/** One hour of one sending IP's egress (what `report_hours` stores). */
export interface IpHourStats extends DeliveryMix {
  date: string;
  hour: number;
  ip: string;
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

/** One day of the DKIM signing ratio: each event counts on the day of its own line. */
export interface DkimDayStats {
  date: string;
  signed: number;
  /** Cleanup lines of the day less the bounce notifications whose qmgr line is on the day. */
  messages: number;
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
  byDay: DkimDayStats[];
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
  /** Times of the first and last parsed line in the window, `Date.UTC` milliseconds of the log's clock. */
  firstTime: number | undefined;
  lastTime: number | undefined;
  totals: MailLogTotals;
  byDay: DayStats[];
  byHour: HourStats[];
  /** Egress per day × hour × sending IP. */
  byIpHour: IpHourStats[];
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
   * scanner counts identical later lines itself ({@link ScannedCounts.groupLines}). Returns the
   * flags `HANDOFF_PARSED` and `HANDOFF_BIND_PENDING` (kernel-codes.ts), and from bit
   * `HANDOFF_GROUP_SHIFT` up: 1 + the group's id, or 0.
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
  firstTime: number | undefined;
  lastTime: number | undefined;
  dkim: { signed: number; messages: number; notifications: number };
  /** The scanner's DKIM events per day (a day may come twice, once per file that had it). */
  dkimByDay: Array<[date: string, counts: { signed: number; messages: number; notifications: number }]>;
  signingDomains: Array<[domain: string, signed: number]>;
  senderDomains: Array<[domain: string, counts: { messages: number; signed: number }]>;
  /** Sent deliveries the scanner counted, by the group id `addScannerSpan` gave. */
  groupLines: ArrayLike<number>;
}
