/**
 * One mail-log line, split into its syslog prefix and a typed Postfix/OpenDKIM event.
 *
 * `time` is the line's wall-clock time as written (local time for the two syslog formats, the line's
 * own offset for RFC 3339), encoded as milliseconds of `Date.UTC(...)` so lines compare and bucket by
 * the clock the operator reads in the file (as `grep "^Jun 24"` does), not by the machine's zone.
 */
export interface LogLine {
  /** Wall-clock milliseconds (`Date.UTC` of the written date and time, year inferred when absent). */
  time: number;
  /** `YYYY-MM-DD` of the written date. */
  date: string;
  /** Hour of the written time, 0–23. */
  hour: number;
  host: string;
  /** Program name with its service prefix, e.g. `postfix/out05/smtp`, `postfix-out05/smtp`, `opendkim`. */
  program: string;
  /** The daemon: the part after the last `/` (`smtp`, `qmgr`, `cleanup`, `opendkim`). */
  daemon: string;
  /**
   * The Postfix service (multi-instance `syslog_name` suffix): `out05` for `postfix/out05/smtp` and
   * `postfix-out05/smtp`, `submission` for `postfix/submission/smtpd`; undefined for plain `postfix/smtp`.
   */
  service: string | undefined;
  pid: number | undefined;
  /** The text after `program[pid]: `. */
  message: string;
  event: LogEvent;
}

/** The delivery statuses Postfix logs on a `to=<…>` line (and the address-verification ones). */
export type DeliveryStatus = 'sent' | 'deferred' | 'bounced' | 'expired' | (string & {});

/**
 * One delivery attempt for one recipient: a Postfix `QID: to=<…>, relay=…, status=…` line. This is the
 * event suppress sync and the guard reuse.
 */
export interface DeliveryEvent {
  kind: 'delivery';
  qid: string;
  recipient: string;
  origRecipient: string | undefined;
  /** `relay=` as logged: `mx.example.com[192.0.2.1]:25`, `none`, `local`, `virtual`. */
  relay: string;
  /** Host name of the remote end: from `relay=`, or from `connect to HOST[…]` / `host HOST[…] said` when relay=none. */
  relayHost: string | undefined;
  /** IP address of the remote end, when logged. */
  relayIp: string | undefined;
  /** Seconds from arrival to this attempt. */
  delay: number;
  /** Enhanced status code (`5.7.1`), or undefined when not logged. */
  dsn: string | undefined;
  status: DeliveryStatus;
  /** The parenthesised reply text after the status, without the parentheses. */
  reply: string;
  /** True for a `status=sent (… forwarded as QID)` local alias expansion, which pflogsumm counts apart. */
  forwarded: boolean;
}

/** What a line says, for the lines the report uses; everything else is `other`. */
export type LogEvent =
  | DeliveryEvent
  /** `postfix/cleanup`: `QID: message-id=<…>` — one message entered the queue. */
  | { kind: 'cleanup'; qid: string; messageId: string }
  /** `postfix/qmgr`: `QID: from=<…>, size=N, nrcpt=N (queue active)` — logged again on every retry. */
  | { kind: 'queued'; qid: string; sender: string; size: number; nrcpt: number }
  /** `postfix/qmgr`: `QID: removed`. */
  | { kind: 'removed'; qid: string }
  /** `postfix/qmgr`: `QID: from=<…>, status=expired, returned to sender`. */
  | { kind: 'expired'; qid: string; sender: string }
  /** `warning: smtp_connect_addr: bind IP: Cannot assign requested address` — the sending IP is not bound. */
  | { kind: 'bind-failure'; ip: string }
  /** OpenDKIM: `QID: DKIM-Signature field added (s=SEL, d=DOMAIN)`. */
  | { kind: 'dkim-signed'; qid: string; selector: string; domain: string }
  | { kind: 'other' };

/** The date the year of a year-less timestamp is inferred against (usually the file's mtime). */
export interface YearReference {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/**
 * State carried between lines: the year reference and caches of the last timestamp (lines of one
 * second share it) and the last program tag (a log has a few dozen).
 */
export interface ParseContext {
  reference: YearReference;
  /** The cached stamp: the whole `Mon DD HH:MM:SS ` prefix, or an RFC 3339 stamp's first 19 characters. */
  cacheStamp: string;
  cacheTime: number;
  cacheDate: string;
  cacheHour: number;
  programs: Map<string, { daemon: string; service: string | undefined; postfix: boolean }>;
}

/** Creates the context for parsing the lines of one file, with the year reference for year-less stamps. */
export function createParseContext(reference: YearReference | Date): ParseContext {
  const ref =
    reference instanceof Date
      ? { year: reference.getFullYear(), month: reference.getMonth() + 1, day: reference.getDate() }
      : reference;
  return { reference: ref, cacheStamp: '', cacheTime: 0, cacheDate: '', cacheHour: 0, programs: new Map() };
}

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/**
 * The year of a year-less `Mon DD` stamp: the reference year, unless that puts the line more than a
 * day after the reference (a December line read in January belongs to last year).
 */
export function inferYear(month: number, day: number, reference: YearReference): number {
  const line = Date.UTC(reference.year, month - 1, day);
  const limit = Date.UTC(reference.year, reference.month - 1, reference.day + 1);
  return line > limit ? reference.year - 1 : reference.year;
}

const RFC3164 = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? /;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) /;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Parses the timestamp at the start of a line into the context's cache; returns its length or -1. */
function parseStamp(line: string, ctx: ParseContext): number {
  const first = line.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    // RFC 3339: the first 19 characters name the second; fraction and offset differ on every line.
    if (ctx.cacheStamp.length === 19 && line.startsWith(ctx.cacheStamp)) return zoneEnd(line);
    const m = RFC3339.exec(line);
    if (m === null) return -1;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = Number(m[4]);
    if (!validClock(month, day, hour, Number(m[5]), Number(m[6]))) return -1;
    ctx.cacheStamp = line.slice(0, 19);
    ctx.cacheTime = Date.UTC(year, month - 1, day, hour, Number(m[5]), Number(m[6]));
    ctx.cacheDate = `${m[1]}-${m[2]}-${m[3]}`;
    ctx.cacheHour = hour;
    return m[0].length;
  }
  // Classic syslog and Postfix's postlogd share the layout; only the day's padding differs.
  if (ctx.cacheStamp.length === 16 && line.startsWith(ctx.cacheStamp)) return 16;
  const m = RFC3164.exec(line);
  if (m === null) return -1;
  const month = MONTHS[m[1]!];
  if (month === undefined) return -1;
  const day = Number(m[2]);
  const hour = Number(m[3]);
  if (!validClock(month, day, hour, Number(m[4]), Number(m[5]))) return -1;
  const year = inferYear(month, day, ctx.reference);
  const stamp = m[0];
  ctx.cacheStamp = stamp.length === 16 ? stamp : '';
  ctx.cacheTime = Date.UTC(year, month - 1, day, hour, Number(m[4]), Number(m[5]));
  ctx.cacheDate = `${year}-${pad2(month)}-${pad2(day)}`;
  ctx.cacheHour = hour;
  return stamp.length;
}

/** The end (after the space) of an RFC 3339 stamp whose first 19 characters are known good, or -1. */
function zoneEnd(line: string): number {
  let i = 19;
  if (line.charCodeAt(i) === 46 /* . */) {
    i += 1;
    while (isDigit(line.charCodeAt(i))) i += 1;
  }
  const c = line.charCodeAt(i);
  if (c === 90 /* Z */) i += 1;
  else if (c === 43 || c === 45 /* + - */) {
    if (!isDigit(line.charCodeAt(i + 1)) || !isDigit(line.charCodeAt(i + 2))) return -1;
    i += line.charCodeAt(i + 3) === 58 /* : */ ? 4 : 3;
    if (!isDigit(line.charCodeAt(i)) || !isDigit(line.charCodeAt(i + 1))) return -1;
    i += 2;
  } else return -1;
  return line.charCodeAt(i) === 32 ? i + 1 : -1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function validClock(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 61;
}

/**
 * Parses one log line. Returns undefined for a line that is not a syslog line with a timestamp, a
 * host and a `program[pid]:` tag (the caller counts it as malformed and goes on).
 *
 * @example
 * const ctx = createParseContext({ year: 2026, month: 6, day: 30 });
 * parseLogLine('Jun 24 04:04:01 mx postfix/out05/smtp[42]: 4F2A1C: to=<a@b.example>, relay=…', ctx);
 */
export function parseLogLine(line: string, ctx: ParseContext): LogLine | undefined {
  const stampEnd = parseStamp(line, ctx);
  if (stampEnd < 0) return undefined;
  const hostEnd = line.indexOf(' ', stampEnd);
  if (hostEnd <= stampEnd) return undefined;
  const tagEnd = line.indexOf(': ', hostEnd + 1);
  if (tagEnd < 0) return undefined;
  let programEnd = tagEnd;
  let pid: number | undefined;
  const bracket = line.indexOf('[', hostEnd + 1);
  if (bracket > 0 && bracket < tagEnd) {
    if (line.charCodeAt(tagEnd - 1) !== 93 /* ] */ || tagEnd - 1 === bracket + 1) return undefined;
    pid = 0;
    for (let i = bracket + 1; i < tagEnd - 1; i++) {
      const c = line.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      pid = pid * 10 + (c - 48);
    }
    programEnd = bracket;
  }
  if (programEnd === hostEnd + 1) return undefined;
  const program = line.slice(hostEnd + 1, programEnd);
  let tag = ctx.programs.get(program);
  if (tag === undefined) {
    if (program.includes(' ')) return undefined;
    const slash = program.lastIndexOf('/');
    tag = {
      daemon: slash < 0 ? program : program.slice(slash + 1),
      service: slash < 0 ? undefined : serviceOf(program.slice(0, slash)),
      postfix: program.startsWith('postfix'),
    };
    if (ctx.programs.size < 1000) ctx.programs.set(program, tag);
  }
  const message = line.slice(tagEnd + 2);
  let event: LogEvent = OTHER;
  if (tag.postfix) event = parsePostfixMessage(tag.daemon, message);
  else if (tag.daemon === 'opendkim') event = parseOpendkimMessage(message);
  return {
    time: ctx.cacheTime,
    date: ctx.cacheDate,
    hour: ctx.cacheHour,
    host: line.slice(stampEnd, hostEnd),
    program,
    daemon: tag.daemon,
    service: tag.service,
    pid,
    message,
    event,
  };
}

const OTHER: LogEvent = { kind: 'other' };

/** `postfix/out05` → `out05`, `postfix-out05` → `out05`, `postfix` → undefined. */
function serviceOf(syslogName: string): string | undefined {
  if (syslogName === 'postfix') return undefined;
  if (syslogName.startsWith('postfix/') || syslogName.startsWith('postfix-')) return syslogName.slice(8);
  return syslogName;
}

/** Short hex (`[0-9A-F]{6,}`) or long (`enable_long_queue_ids`, 12+ alphanumerics) queue id at [start, end). */
function isQueueId(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 6) return false;
  let hex = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    if (!digit && !upper && !(c >= 97 && c <= 122)) return false;
    if (hex && !digit && !(upper && c <= 70)) hex = false;
  }
  return hex || length >= 12;
}

/** Daemons whose lines the report never reads: skip them before looking at the message. */
const SILENT_DAEMONS = new Set([
  'smtpd',
  'postscreen',
  'anvil',
  'dnsblog',
  'tlsproxy',
  'tlsmgr',
  'master',
  'scache',
  'verify',
  'proxymap',
  'postfix-script',
  'trivial-rewrite',
]);

const QUEUED = /, size=(\d+), nrcpt=(\d+)/y;

function parsePostfixMessage(daemon: string, message: string): LogEvent {
  if (SILENT_DAEMONS.has(daemon)) return OTHER;
  const colon = message.indexOf(': ');
  if (colon < 0) return OTHER;
  if (!isQueueId(message, 0, colon)) {
    if (colon === 7 && message.startsWith('warning')) return parseWarning(message);
    return OTHER;
  }
  const at = colon + 2;
  const c = message.charCodeAt(at);
  if (c === 116 /* t */ && message.startsWith('to=<', at)) {
    return parseDelivery(message.slice(0, colon), message.slice(at)) ?? OTHER;
  }
  if (c === 102 /* f */ && message.startsWith('from=<', at)) {
    const end = message.indexOf('>', at + 6);
    if (end < 0) return OTHER;
    const qid = message.slice(0, colon);
    const sender = message.slice(at + 6, end);
    if (message.startsWith(', size=', end + 1)) {
      QUEUED.lastIndex = end + 1;
      const m = QUEUED.exec(message);
      if (m === null) return OTHER;
      return { kind: 'queued', qid, sender, size: Number(m[1]), nrcpt: Number(m[2]) };
    }
    if (message.startsWith(', status=expired', end + 1)) return { kind: 'expired', qid, sender };
    return OTHER;
  }
  if (c === 114 /* r */ && daemon === 'qmgr' && message.startsWith('removed', at)) {
    return { kind: 'removed', qid: message.slice(0, colon) };
  }
  if (c === 109 /* m */ && daemon === 'cleanup' && message.startsWith('message-id=', at)) {
    return {
      kind: 'cleanup',
      qid: message.slice(0, colon),
      messageId: message.slice(at + 11).replace(/^<|>"?$/g, ''),
    };
  }
  return OTHER;
}

const DELIVERY =
  /^to=<([^>]*)>, (?:orig_to=<([^>]*)>, )?relay=([^,]+), (?:conn_use=\d+, )?delay=([\d.]+), (?:delays=[^,]+, )?(?:dsn=([^,]+), )?status=([^\s"]+) ?(.*)$/;

/** Parses the `to=<…>` part of a delivery line; undefined when the line is cut short. */
export function parseDelivery(qid: string, rest: string): DeliveryEvent | undefined {
  const m = DELIVERY.exec(rest);
  if (m === null) return undefined;
  const relay = m[3]!;
  let reply = m[7]!;
  if (reply.startsWith('(')) {
    const close = reply.lastIndexOf(')');
    reply = close > 0 ? reply.slice(1, close) : reply.slice(1);
  }
  let relayHost: string | undefined;
  let relayIp: string | undefined;
  const open = relay.indexOf('[');
  if (open > 0) {
    relayHost = relay.slice(0, open);
    relayIp = relay.slice(open + 1, relay.indexOf(']', open));
  } else if (relay === 'none') {
    const r = /^(?:connect to|host) ([^\s[]+)\[([^\]]+)\]/.exec(reply);
    if (r !== null) {
      relayHost = r[1];
      relayIp = r[2];
    }
  }
  const status = m[6]!;
  return {
    kind: 'delivery',
    qid,
    recipient: m[1]!,
    origRecipient: m[2],
    relay,
    relayHost,
    relayIp,
    delay: Number(m[4]),
    dsn: m[5],
    status,
    reply,
    forwarded: status === 'sent' && reply.includes('forwarded as '),
  };
}

const BIND_FAILURE = /^warning: smtp_connect_addr: bind ([0-9a-fA-F.:]+): Cannot assign requested address/;

function parseWarning(message: string): LogEvent {
  const m = BIND_FAILURE.exec(message);
  return m === null ? OTHER : { kind: 'bind-failure', ip: m[1]! };
}

const DKIM_SIGNED = /^([0-9A-Za-z]+): DKIM-Signature (?:field|header) added \(s=([^,]+), d=([^)]+)\)/;

function parseOpendkimMessage(message: string): LogEvent {
  const m = DKIM_SIGNED.exec(message);
  if (m === null) return OTHER;
  return { kind: 'dkim-signed', qid: m[1]!, selector: m[2]!, domain: m[3]!.toLowerCase() };
}
