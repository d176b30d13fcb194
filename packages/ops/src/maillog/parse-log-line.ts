// Twin of packages/ops/assembly/maillog-kernel.ts (the WebAssembly scanner): keep in step.
import { ownCopy } from './own-copy.js';

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
 * What the report reads of a line: its clock, its process and its event. A {@link LogLine} has
 * these; so has a {@link ParseContext} right after {@link scanLogLine}, without a line object.
 */
export interface LineFacts {
  time: number;
  date: string;
  hour: number;
  daemon: string;
  service: string | undefined;
  pid: number | undefined;
  event: LogEvent;
}

/** A program tag seen before, with what its name says. */
interface ProgramTag extends ProgramName {
  program: string;
  /** Two independent 32-bit hashes of the name. */
  hash: number;
  check: number;
}

/** A calendar day seen before: `Date.UTC` of its midnight and its `YYYY-MM-DD`. */
interface DayStamp {
  midnight: number;
  date: string;
}

/**
 * State carried between lines: the year reference, caches of the days and program tags seen (a log
 * has a few of each), and the facts of the last line scanned.
 */
export interface ParseContext extends LineFacts {
  reference: YearReference;
  /** Where the host, the program and the message of the last line scanned start and end. */
  hostStart: number;
  hostEnd: number;
  programEnd: number;
  messageStart: number;
  program: string;
  days: Map<number, DayStamp>;
  /** Program tags by hash of the name, two slots a hash (a direct-mapped cache, checked on use). */
  programs: Array<ProgramTag | undefined>;
}

/** Creates the context for parsing the lines of one file, with the year reference for year-less stamps. */
export function createParseContext(reference: YearReference | Date): ParseContext {
  const ref =
    reference instanceof Date
      ? { year: reference.getFullYear(), month: reference.getMonth() + 1, day: reference.getDate() }
      : reference;
  return {
    reference: ref,
    time: 0,
    date: '',
    hour: 0,
    daemon: '',
    service: undefined,
    pid: undefined,
    event: OTHER,
    hostStart: 0,
    hostEnd: 0,
    programEnd: 0,
    messageStart: 0,
    program: '',
    days: new Map(),
    programs: new Array(PROGRAM_SLOTS).fill(undefined),
  };
}

const OTHER: LogEvent = { kind: 'other' };
const PROGRAM_SLOTS = 512;

/** `Jan` … `Dec` keyed by their three character codes. */
const MONTHS = new Map(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((name, i) => [
    (name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2),
    i + 1,
  ]),
);

/**
 * The year of a year-less `Mon DD` stamp: the reference year, unless that puts the line more than a
 * day after the reference (a December line read in January belongs to last year).
 */
export function inferYear(month: number, day: number, reference: YearReference): number {
  const line = Date.UTC(reference.year, month - 1, day);
  const limit = Date.UTC(reference.year, reference.month - 1, reference.day + 1);
  return line > limit ? reference.year - 1 : reference.year;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** True for the character code of `0`–`9`. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The value of the two digits at `i`, or -1. */
function twoDigits(line: string, i: number): number {
  const a = line.charCodeAt(i) - 48;
  const b = line.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function validClock(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 61;
}

/** `HH:MM:SS` at `i`, as milliseconds into the day, with the hour in `ctx.hour`; -1 when malformed. */
function clockAt(text: string, i: number, month: number, day: number, ctx: ParseContext): number {
  const hour = twoDigits(text, i);
  const minute = twoDigits(text, i + 3);
  const second = twoDigits(text, i + 6);
  if (hour < 0 || minute < 0 || second < 0 || text.charCodeAt(i + 2) !== 58 || text.charCodeAt(i + 5) !== 58)
    return -1;
  if (!validClock(month, day, hour, minute, second)) return -1;
  ctx.hour = hour;
  return hour * 3_600_000 + minute * 60_000 + second * 1000;
}

/**
 * Parses the timestamp at `s` (`Mon DD HH:MM:SS[.frac] ` with the day space- or zero-padded, or
 * RFC 3339 with fraction and offset) into `ctx.time`, `ctx.date` and `ctx.hour`; returns where it
 * ends, or -1. Days are cached: a line costs a few character reads. Reads stop at the line's end by
 * themselves: the character after a line is `\r`, `\n` or nothing, which no stamp field accepts.
 */
function parseStamp(text: string, s: number, end: number, ctx: ParseContext): number {
  const first = text.charCodeAt(s);
  if (isDigit(first)) {
    // RFC 3339: YYYY-MM-DDTHH:MM:SS, then an optional fraction and the offset.
    const century = twoDigits(text, s);
    const yy = twoDigits(text, s + 2);
    const month = twoDigits(text, s + 5);
    const day = twoDigits(text, s + 8);
    if (century < 0 || yy < 0 || month < 0 || day < 0) return -1;
    if (text.charCodeAt(s + 4) !== 45 || text.charCodeAt(s + 7) !== 45 || text.charCodeAt(s + 10) !== 84)
      return -1;
    const clock = clockAt(text, s + 11, month, day, ctx);
    if (clock < 0) return -1;
    const stampEnd = zoneEnd(text, s + 19);
    if (stampEnd < 0) return -1;
    const year = century * 100 + yy;
    // Above the keys of year-less days (month * 32 + day < 512): a year-0000 day is not a `Mon DD` one.
    const key = 512 + (year * 16 + month) * 32 + day;
    let stamp = ctx.days.get(key);
    if (stamp === undefined) {
      stamp = { midnight: Date.UTC(year, month - 1, day), date: text.slice(s, s + 10) };
      if (ctx.days.size > 4096) ctx.days.clear();
      ctx.days.set(key, stamp);
    }
    ctx.time = stamp.midnight + clock;
    ctx.date = stamp.date;
    return stampEnd;
  }
  // Classic syslog and Postfix's postlogd share the layout; only the day's padding differs.
  if (end - s < 16) return -1;
  const month = MONTHS.get((first << 16) | (text.charCodeAt(s + 1) << 8) | text.charCodeAt(s + 2));
  if (month === undefined || text.charCodeAt(s + 3) !== 32) return -1;
  let i = s + 4;
  if (text.charCodeAt(i) === 32) i += 1;
  const d1 = text.charCodeAt(i) - 48;
  if (d1 < 0 || d1 > 9) return -1;
  let day = d1;
  i += 1;
  const d2 = text.charCodeAt(i) - 48;
  if (d2 >= 0 && d2 <= 9) {
    day = d1 * 10 + d2;
    i += 1;
  }
  if (text.charCodeAt(i) !== 32) return -1;
  const clock = clockAt(text, i + 1, month, day, ctx);
  if (clock < 0) return -1;
  i += 9;
  if (text.charCodeAt(i) === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
    i += 2;
    while (isDigit(text.charCodeAt(i))) i += 1;
  }
  if (text.charCodeAt(i) !== 32) return -1;
  const key = month * 32 + day;
  let stamp = ctx.days.get(key);
  if (stamp === undefined) {
    const year = inferYear(month, day, ctx.reference);
    stamp = { midnight: Date.UTC(year, month - 1, day), date: `${year}-${pad2(month)}-${pad2(day)}` };
    ctx.days.set(key, stamp);
  }
  ctx.time = stamp.midnight + clock;
  ctx.date = stamp.date;
  return i + 1;
}

/** The end (after the space) of an RFC 3339 stamp's fraction and offset, which start at `i`, or -1. */
function zoneEnd(text: string, i: number): number {
  if (text.charCodeAt(i) === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
    i += 2;
    while (isDigit(text.charCodeAt(i))) i += 1;
  }
  const c = text.charCodeAt(i);
  if (c === 90 /* Z */) i += 1;
  else if (c === 43 || c === 45 /* + - */) {
    if (!isDigit(text.charCodeAt(i + 1)) || !isDigit(text.charCodeAt(i + 2))) return -1;
    i += text.charCodeAt(i + 3) === 58 /* : */ ? 4 : 3;
    if (!isDigit(text.charCodeAt(i)) || !isDigit(text.charCodeAt(i + 1))) return -1;
    i += 2;
  } else return -1;
  return text.charCodeAt(i) === 32 ? i + 1 : -1;
}

/**
 * Scans one log line into the context (its clock, host and program positions, pid, daemon, service
 * and event) without building a line object; returns false for a line that is not a syslog line
 * with a timestamp, a host and a `program[pid]:` tag. Lines of daemons the report never reads get
 * the `other` event after a few character reads. The fast path under {@link parseLogLine}.
 *
 * @example
 * if (scanLogLine(line, ctx) && ctx.event.kind === 'delivery') count(ctx.date, ctx.event.status);
 */
export function scanLogLine(line: string, ctx: ParseContext): boolean {
  return scanLogSpan(line, 0, line.length, ctx);
}

/**
 * {@link scanLogLine} of the line at `[start, end)` of a longer text (a chunk of a file, each line
 * followed by `\n` or `\r\n`): no string is cut out of the text unless the line's event needs one.
 * Positions left in the context are relative to the text.
 */
export function scanLogSpan(text: string, start: number, end: number, ctx: ParseContext): boolean {
  const stampEnd = parseStamp(text, start, end, ctx);
  if (stampEnd < 0) return false;
  const hostEnd = text.indexOf(' ', stampEnd);
  if (hostEnd <= stampEnd || hostEnd >= end) return false;
  const programStart = hostEnd + 1;
  // The program runs to the first `[` or `: `, whichever comes first; hash it on the way, twice.
  let hash = 0x011c9dc5;
  let check = 0x5bd1e995;
  let i = programStart;
  let bracket = -1;
  let tagEnd = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */) {
      bracket = i;
      break;
    }
    if (c === 58 /* : */ && text.charCodeAt(i + 1) === 32) {
      tagEnd = i;
      break;
    }
    hash = Math.imul(hash ^ c, 0x01000193);
    check = Math.imul(check ^ c, 0x5bd1e995) ^ (check >>> 15);
  }
  let programEnd = i;
  let pid: number | undefined;
  if (bracket >= 0) {
    // The pid is a few characters long: a loop finds the `: ` after it sooner than indexOf.
    tagEnd = -1;
    for (let j = bracket + 1; j < end; j++) {
      if (text.charCodeAt(j) === 58 /* : */ && text.charCodeAt(j + 1) === 32) {
        tagEnd = j;
        break;
      }
    }
    if (tagEnd < 0) return false;
    if (text.charCodeAt(tagEnd - 1) !== 93 /* ] */ || tagEnd - 1 === bracket + 1) return false;
    pid = 0;
    for (let j = bracket + 1; j < tagEnd - 1; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) return false;
      pid = pid * 10 + (c - 48);
    }
    programEnd = bracket;
  } else if (tagEnd < 0) return false;
  if (programEnd === programStart) return false;
  const length = programEnd - programStart;
  const slot = (hash & (PROGRAM_SLOTS / 2 - 1)) * 2;
  // Two 32-bit hashes and the length name a program: a wrong match needs a 64-bit collision among
  // the few dozen names of a log (odds ~2^-54), and saves comparing the name on every line.
  let tag = ctx.programs[slot];
  if (tag === undefined || tag.hash !== hash || tag.check !== check || tag.program.length !== length)
    tag = ctx.programs[slot + 1];
  if (tag === undefined || tag.hash !== hash || tag.check !== check || tag.program.length !== length) {
    const program = ownCopy(text.slice(programStart, programEnd));
    const name = describeProgram(program);
    if (name === undefined) return false;
    tag = { program, hash, check, ...name };
    // The newest tag takes the first slot; the one it displaces moves to the second.
    ctx.programs[slot + 1] = ctx.programs[slot];
    ctx.programs[slot] = tag;
  }
  ctx.hostStart = stampEnd;
  ctx.hostEnd = hostEnd;
  ctx.programEnd = programEnd;
  ctx.messageStart = tagEnd + 2;
  ctx.program = tag.program;
  ctx.daemon = tag.daemon;
  ctx.service = tag.service;
  ctx.pid = pid;
  ctx.event = tag.silent
    ? OTHER
    : tag.postfix
      ? parsePostfixMessage(tag.daemon, text, tagEnd + 2, end)
      : tag.daemon === 'opendkim'
        ? parseOpendkimMessage(text, tagEnd + 2, end)
        : OTHER;
  return true;
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
  if (!scanLogLine(line, ctx)) return undefined;
  return {
    time: ctx.time,
    date: ctx.date,
    hour: ctx.hour,
    host: line.slice(ctx.hostStart, ctx.hostEnd),
    program: ctx.program,
    daemon: ctx.daemon,
    service: ctx.service,
    pid: ctx.pid,
    message: line.slice(ctx.messageStart),
    event: ctx.event,
  };
}

/** What a program tag's name says: see {@link describeProgram}. */
export interface ProgramName {
  /** The part after the last `/`: `smtp`, `qmgr`, `opendkim`. */
  daemon: string;
  /** The Postfix service: see {@link LogLine.service}. */
  service: string | undefined;
  /** Logged by Postfix (`postfix/…`, `postfix-…/…`). */
  postfix: boolean;
  /** A Postfix daemon whose lines the report never reads. */
  silent: boolean;
}

/**
 * What a program tag's name says, as {@link scanLogSpan} reads it; undefined for a name with a
 * space, which makes the line malformed.
 *
 * @example
 * describeProgram('postfix/out05/smtp'); // { daemon: 'smtp', service: 'out05', postfix: true, silent: false }
 */
export function describeProgram(program: string): ProgramName | undefined {
  if (program.includes(' ')) return undefined;
  const slash = program.lastIndexOf('/');
  const daemon = slash < 0 ? program : program.slice(slash + 1);
  const postfix = program.startsWith('postfix');
  return {
    daemon,
    service: slash < 0 ? undefined : serviceOf(program.slice(0, slash)),
    postfix,
    silent: postfix && SILENT_DAEMONS.has(daemon),
  };
}

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
const SILENT_DAEMONS: ReadonlySet<string> = new Set([
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

/** Where the run of digits at `i` ends (`i` when there is none). */
function digitsEnd(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i += 1;
  return i;
}

/** The event of the Postfix message at `[start, end)` of the text (after `program[pid]: `). */
function parsePostfixMessage(daemon: string, text: string, start: number, end: number): LogEvent {
  const colon = text.indexOf(': ', start);
  if (colon < 0 || colon >= end) return OTHER;
  if (!isQueueId(text, start, colon)) {
    if (colon === start + 7 && text.startsWith('warning', start)) return parseWarning(text, start);
    return OTHER;
  }
  const at = colon + 2;
  const c = text.charCodeAt(at);
  if (c === 116 /* t */ && text.startsWith('to=<', at)) {
    return parseDeliveryAt(text.slice(start, colon), text, at, end) ?? OTHER;
  }
  if (c === 102 /* f */ && text.startsWith('from=<', at)) {
    const close = text.indexOf('>', at + 6);
    if (close < 0 || close >= end) return OTHER;
    if (text.startsWith(', size=', close + 1)) {
      // `, size=N, nrcpt=N`
      const sizeEnd = digitsEnd(text, close + 8);
      if (sizeEnd === close + 8 || !text.startsWith(', nrcpt=', sizeEnd)) return OTHER;
      const nrcptEnd = digitsEnd(text, sizeEnd + 8);
      if (nrcptEnd === sizeEnd + 8) return OTHER;
      return {
        kind: 'queued',
        qid: text.slice(start, colon),
        sender: text.slice(at + 6, close),
        size: Number(text.slice(close + 8, sizeEnd)),
        nrcpt: Number(text.slice(sizeEnd + 8, nrcptEnd)),
      };
    }
    if (text.startsWith(', status=expired', close + 1))
      return { kind: 'expired', qid: text.slice(start, colon), sender: text.slice(at + 6, close) };
    return OTHER;
  }
  if (c === 114 /* r */ && daemon === 'qmgr' && text.startsWith('removed', at)) {
    return { kind: 'removed', qid: text.slice(start, colon) };
  }
  if (c === 109 /* m */ && daemon === 'cleanup' && text.startsWith('message-id=', at)) {
    // The id without its angle brackets (and a stray quote some milters leave after them).
    let from = at + 11;
    let to = end;
    if (from < to && text.charCodeAt(from) === 60 /* < */) from += 1;
    if (to - 2 >= at + 11 && text.charCodeAt(to - 1) === 34 /* " */ && text.charCodeAt(to - 2) === 62 /* > */)
      to -= 2;
    else if (to - 1 >= at + 11 && text.charCodeAt(to - 1) === 62 /* > */) to -= 1;
    return {
      kind: 'cleanup',
      qid: text.slice(start, colon),
      messageId: from < to ? text.slice(from, to) : '',
    };
  }
  return OTHER;
}

// Multi-line mode: `$` is the end of the line inside a chunk of text (checked against the line's end).
const DELIVERY =
  /to=<([^>]*)>, (?:orig_to=<([^>]*)>, )?relay=([^,]+), (?:conn_use=\d+, )?delay=([\d.]+), (?:delays=[^,]+, )?(?:dsn=([^,]+), )?status=([^\s"]+) ?(.*)$/my;

/** Parses the `to=<…>` part of a delivery line; undefined when the line is cut short. */
export function parseDelivery(qid: string, rest: string): DeliveryEvent | undefined {
  return parseDeliveryAt(qid, rest, 0, rest.length);
}

/** {@link parseDelivery} of the `to=<…>` part at `[at, end)` of the text. */
function parseDeliveryAt(qid: string, text: string, at: number, end: number): DeliveryEvent | undefined {
  DELIVERY.lastIndex = at;
  const m = DELIVERY.exec(text);
  // A match that stops before the line's end stopped at a line break inside the line: not a delivery.
  if (m === null || DELIVERY.lastIndex !== end) return undefined;
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

const BIND_FAILURE = /warning: smtp_connect_addr: bind ([0-9a-fA-F.:]+): Cannot assign requested address/y;

function parseWarning(text: string, start: number): LogEvent {
  BIND_FAILURE.lastIndex = start;
  const m = BIND_FAILURE.exec(text);
  return m === null ? OTHER : { kind: 'bind-failure', ip: m[1]! };
}

/** OpenDKIM: `QID: DKIM-Signature field added (s=SELECTOR, d=DOMAIN)` (or `header added`). */
function parseOpendkimMessage(text: string, start: number, end: number): LogEvent {
  let qidEnd = start;
  while (isAlphanumeric(text.charCodeAt(qidEnd))) qidEnd += 1;
  if (qidEnd === start || !text.startsWith(': DKIM-Signature ', qidEnd)) return OTHER;
  let selector = qidEnd + 17;
  if (text.startsWith('field added (s=', selector)) selector += 15;
  else if (text.startsWith('header added (s=', selector)) selector += 16;
  else return OTHER;
  const comma = text.indexOf(',', selector);
  if (comma <= selector || comma >= end || !text.startsWith(', d=', comma)) return OTHER;
  const close = text.indexOf(')', comma + 4);
  if (close <= comma + 4 || close >= end) return OTHER;
  return {
    kind: 'dkim-signed',
    qid: text.slice(start, qidEnd),
    selector: text.slice(selector, comma),
    domain: text.slice(comma + 4, close).toLowerCase(),
  };
}

function isAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
