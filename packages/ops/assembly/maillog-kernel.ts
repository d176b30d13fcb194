// Twin of packages/ops/src/maillog/parse-log-line.ts and build-report.ts: keep in step.
/**
 * The mail-log report's byte scanner, in AssemblyScript (compiled to WebAssembly by
 * packages/ops/scripts/build-kernel.mjs). It reads whole lines of log bytes and does, for most lines,
 * exactly what `scanLogSpan` and the report builder do in TypeScript, without making a string:
 *
 * - lines the report only counts (silent daemons, other programs, Postfix lines without an event);
 * - the DKIM correlation: `cleanup` message-id lines, OpenDKIM signatures, qmgr `from=` and
 *   `removed` lines, with the pending-message table, the signing and sender domains.
 *
 * Every other line (deliveries, expiries, warnings, malformed lines) goes back to the TypeScript
 * path through `handoff`, in order, so the state each side keeps is its own: no line this scanner
 * counts touches what the TypeScript builder keeps, and no line it hands off touches the DKIM state.
 * src/maillog/scan-kernel.ts loads it and checks it against the TypeScript path.
 */

// The numbers both sides pass each other (scan-kernel.ts imports the same file).
import {
  COUNT_DKIM_MESSAGES,
  COUNT_DKIM_NOTIFICATIONS,
  COUNT_DKIM_SIGNED,
  COUNT_DAYS,
  COUNT_FIRST_DAY,
  COUNT_GROUPS,
  COUNT_LAST_DAY,
  COUNT_LINES_OUTSIDE,
  COUNT_LINES_PARSED,
  COUNT_LINES_TOTAL,
  DATE_RFC3339,
  DATE_SYSLOG,
  DAY_DKIM_MESSAGES,
  DAY_DKIM_NOTIFICATIONS,
  DAY_DKIM_SIGNED,
  DOMAINS_SIGNING,
  HANDOFF_BIND_PENDING,
  HANDOFF_GROUP_SHIFT,
  HANDOFF_PARSED,
  TAG_CLEANUP,
  TAG_MALFORMED,
  TAG_OPENDKIM,
  TAG_OTHER,
  TAG_QMGR,
  TAG_SMTP,
} from '../src/maillog/kernel-codes';

/** Gives a new program tag's class (one of the TAG_ constants): the tag is bytes `[ptr, ptr + len)`. */
@external('env', 'programClass')
declare function programClass(ptr: usize, len: i32): i32;
/**
 * A day not seen in this file: `rfc` DATE_RFC3339 for an RFC 3339 date (`year` as written),
 * DATE_SYSLOG for a year-less `Mon DD` (the caller infers the year). Returns the midnight in
 * `Date.UTC` milliseconds; days get ids 0, 1, 2, … in the order of these calls.
 */
@external('env', 'newDay')
declare function newDay(rfc: i32, year: i32, month: i32, day: i32): f64;
/**
 * Gives the line `[start, end)` to the TypeScript path. Returns the flags HANDOFF_PARSED (it counted
 * the line as parsed and in the window) and HANDOFF_BIND_PENDING (some smtp process has a bind
 * failure pending), and from bit HANDOFF_GROUP_SHIFT up: with `wantGroup`, 1 + the id of the
 * group of counters the line (a sent delivery) added to, or 0.
 */
@external('env', 'handoff')
declare function handoff(start: usize, end: usize, wantGroup: i32): i32;
/** Whether the smtp process `pid` has a bind failure pending (its next egress delivery leaves from the primary IP). */
@external('env', 'hasPendingBind')
declare function hasPendingBind(pid: f64): i32;

const MAX_PENDING: i32 = 100_000;

// The window and what this scanner counted of the lines it did not hand off.
let since: f64 = -Infinity;
let until: f64 = Infinity;
let linesTotal: i32 = 0;
let linesParsed: i32 = 0;
let linesOutside: i32 = 0;
let dkimSigned: i32 = 0;
let dkimMessages: i32 = 0;
let dkimNotifications: i32 = 0;
/** Days of the first and last line counted as parsed (its own and handed-off lines), or -1. */
let firstDay: i32 = -1;
let lastDay: i32 = -1;
/** Times of the first and last line counted as parsed, in `Date.UTC` milliseconds. */
let firstTime: f64 = NaN;
let lastTime: f64 = NaN;

// The line being scanned: its day and time, set by parseStamp.
let lineDay: i32 = 0;
let lineTime: f64 = 0;
let lineHour: i32 = 0;
/**
 * The slot of the line's program tag (-1 when not cached) and its pid (-1 without one), a double as
 * parse-log-line.ts computes it (any number of digits).
 */
let lineTagSlot: i32 = -1;
let linePid: f64 = -1;
/** Whether a bind failure is pending in the TypeScript builder (from the last handoff). */
let bindsPending: bool = false;

/** Sets the window `[since, until)` and clears every count: a new report. */
export function reset(windowSince: f64, windowUntil: f64): void {
  since = windowSince;
  until = windowUntil;
  linesTotal = 0;
  linesParsed = 0;
  linesOutside = 0;
  dkimSigned = 0;
  dkimMessages = 0;
  dkimNotifications = 0;
  firstDay = -1;
  lastDay = -1;
  firstTime = NaN;
  lastTime = NaN;
  dayCount = 0;
  memory.fill(dayDkim, 0, <usize>dayDkimCapacity * 12);
  clearDays();
  clearPrograms();
  clearPending();
  signing.clear();
  senders.clear();
  relayHosts.clear();
  clearGroups();
  bindsPending = false;
}

/** A new file: its year-less stamps are read against a new reference, so days are looked up anew. */
export function beginFile(): void {
  clearDays();
}

/** Reserves `size` bytes for the caller to copy lines into; the pointer stays valid until the next call. */
let input: usize = 0;
let inputSize: usize = 0;
export function reserveInput(size: usize): usize {
  if (size > inputSize) {
    // Padding: words are compared 8 bytes at a time, past a line's end.
    input = heap.alloc(size + 64);
    inputSize = size;
  }
  return input;
}

/**
 * Scans the lines of bytes `[ptr, ptr + len)` (whole lines, each ending in `\n`); returns how many
 * lines there were.
 */
export function scan(ptr: usize, len: usize): i32 {
  const stop = ptr + len;
  let start = ptr;
  let lines: i32 = 0;
  while (start < stop) {
    const nl = find(start, stop, 10 /* \n */);
    if (nl == stop) break;
    const end = nl > start && load<u8>(nl - 1) == 13 ? nl - 1 : nl;
    scanLine(start, end);
    lines++;
    start = nl + 1;
  }
  return lines;
}

// Results, read by the caller after the scan.
export function countOf(what: i32): i32 {
  switch (what) {
    case COUNT_LINES_TOTAL:
      return linesTotal;
    case COUNT_LINES_PARSED:
      return linesParsed;
    case COUNT_LINES_OUTSIDE:
      return linesOutside;
    case COUNT_DKIM_SIGNED:
      return dkimSigned;
    case COUNT_DKIM_MESSAGES:
      return dkimMessages;
    case COUNT_DKIM_NOTIFICATIONS:
      return dkimNotifications;
    case COUNT_FIRST_DAY:
      return firstDay;
    case COUNT_LAST_DAY:
      return lastDay;
    case COUNT_GROUPS:
      return groupCount;
    case COUNT_DAYS:
      return dayCount;
    default:
      return -1;
  }
}

/** The time of the first (`which` 0) or last (1) line counted as parsed, or NaN. */
export function lineTimeOf(which: i32): f64 {
  return which == 0 ? firstTime : lastTime;
}

/** DKIM events this scanner counted on day `day` (an id of `newDay`): one of the DAY_DKIM_ fields. */
export function dayDkimOf(day: i32, field: i32): i32 {
  return load<i32>(dayDkim + (<usize>day * 3 + <usize>field) * 4);
}

/** Lines of the sent-delivery group `id` this scanner counted (see `handoff`). */
export function groupLines(id: i32): i32 {
  return load<i32>(groupLineCounts + (<usize>id << 2));
}

/** Domains seen: `which` 0 for signing domains, 1 for sender domains. */
export function domainCount(which: i32): i32 {
  return (which == DOMAINS_SIGNING ? signing : senders).count;
}
export function domainPtr(which: i32, id: i32): usize {
  return (which == DOMAINS_SIGNING ? signing : senders).ptrOf(id);
}
export function domainLength(which: i32, id: i32): i32 {
  return (which == DOMAINS_SIGNING ? signing : senders).lengthOf(id);
}
/** Signing domains: signatures; sender domains: `field` 0 messages, 1 signed messages. */
export function domainValue(which: i32, id: i32, field: i32): i32 {
  return (which == DOMAINS_SIGNING ? signing : senders).valueOf(id, field);
}

// ---------------------------------------------------------------------------------------------------
// One line

const EV_OTHER: i32 = 0;
const EV_HANDOFF: i32 = 1;
const EV_CLEANUP: i32 = 2;
const EV_QUEUED: i32 = 3;
const EV_REMOVED: i32 = 4;
const EV_SIGNED: i32 = 5;
const EV_SENT: i32 = 6;

// Spans of the event's fields (absolute pointers).
let qidStart: usize = 0;
let qidEnd: usize = 0;
let fieldStart: usize = 0;
let fieldEnd: usize = 0;

function scanLine(start: usize, end: usize): void {
  newGroupKey = -1;
  const event = classify(start, end);
  if (event == EV_HANDOFF) {
    const key = newGroupKey;
    const result = handoff(start, end, key >= 0 ? 1 : 0);
    if ((result & HANDOFF_PARSED) != 0) {
      if (firstDay < 0) {
        firstDay = lineDay;
        firstTime = lineTime;
      }
      lastDay = lineDay;
      lastTime = lineTime;
    }
    bindsPending = (result & HANDOFF_BIND_PENDING) != 0;
    if (key >= 0 && result >> HANDOFF_GROUP_SHIFT != 0) addGroup(key, (result >> HANDOFF_GROUP_SHIFT) - 1);
    return;
  }
  linesTotal++;
  if (lineTime < since || lineTime >= until) {
    linesOutside++;
    return;
  }
  linesParsed++;
  if (firstDay < 0) {
    firstDay = lineDay;
    firstTime = lineTime;
  }
  lastDay = lineDay;
  lastTime = lineTime;
  if (event == EV_OTHER) return;
  if (event == EV_SENT) {
    const at = groupLineCounts + (<usize>lineGroup << 2);
    store<i32>(at, load<i32>(at) + 1);
  } else if (event == EV_CLEANUP) {
    dkimMessages++;
    countDayDkim(DAY_DKIM_MESSAGES);
    const slot = pendingSlot(qidStart, qidEnd, true);
    store<u32>(slot, load<u32>(slot, 12) | 1, 12);
  } else if (event == EV_SIGNED) {
    dkimSigned++;
    countDayDkim(DAY_DKIM_SIGNED);
    const id = signing.intern(fieldStart, fieldEnd);
    signing.add(id, 0, 1);
    const slot = pendingSlot(qidStart, qidEnd, true);
    store<u32>(slot, load<u32>(slot, 12) | 2, 12);
  } else if (event == EV_QUEUED) {
    // qmgr logs from= on every retry; only the first one after cleanup counts the message.
    const slot = pendingSlot(qidStart, qidEnd, false);
    if (slot == 0) return;
    const flags = load<u32>(slot, 12);
    removePending(slot);
    if ((flags & 1) == 0) return;
    // Bounce notifications (null sender) are made by Postfix itself and never signed.
    if (fieldEnd == fieldStart) {
      dkimNotifications++;
      countDayDkim(DAY_DKIM_NOTIFICATIONS);
      return;
    }
    let at = fieldEnd;
    while (at > fieldStart && load<u8>(at - 1) != 64 /* @ */) at--;
    const id = at == fieldStart ? senders.intern(LOCAL, LOCAL + 7) : senders.intern(at, fieldEnd);
    senders.add(id, 0, 1);
    if ((flags & 2) != 0) senders.add(id, 1, 1);
  } else if (event == EV_REMOVED) {
    const slot = pendingSlot(qidStart, qidEnd, false);
    if (slot != 0) removePending(slot);
  }
}

/** Counts a DKIM event on the line's day. */
function countDayDkim(field: i32): void {
  const at = dayDkim + (<usize>lineDay * 3 + <usize>field) * 4;
  store<i32>(at, load<i32>(at) + 1);
}

/** `(local)`: the sender domain of a sender without `@`. */
const LOCAL: usize = memory.data<u8>([40, 108, 111, 99, 97, 108, 41]);

/**
 * What the line is, as `scanLogSpan` and the report builder would find: an event this scanner
 * counts (its fields in qidStart… fieldEnd), EV_OTHER, or EV_HANDOFF for the TypeScript path.
 */
function classify(start: usize, end: usize): i32 {
  const stampEnd = parseStamp(start, end);
  if (stampEnd == 0) return EV_HANDOFF;
  let hostEnd = stampEnd;
  while (hostEnd < end && load<u8>(hostEnd) != 32) hostEnd++;
  if (hostEnd <= stampEnd || hostEnd >= end) return EV_HANDOFF;
  const programStart = hostEnd + 1;
  // The program runs to the first `[` or `: `.
  let i = programStart;
  let bracket: usize = 0;
  let tagEnd: usize = 0;
  for (;;) {
    i = findEither(i, end, 0x5b /* [ */, 0x3a /* : */);
    if (i >= end) break;
    if (load<u8>(i) == 91) {
      bracket = i;
      break;
    }
    if (load<u8>(i + 1) == 32) {
      tagEnd = i;
      break;
    }
    i++;
  }
  let programEnd = i;
  if (bracket != 0) {
    tagEnd = findColonSpace(bracket + 1, end);
    if (tagEnd >= end) return EV_HANDOFF;
    if (load<u8>(tagEnd - 1) != 93 /* ] */ || tagEnd - 1 == bracket + 1) return EV_HANDOFF;
    let pid: f64 = 0;
    for (let j = bracket + 1; j < tagEnd - 1; j++) {
      const c = <i32>load<u8>(j);
      if (c < 48 || c > 57) return EV_HANDOFF;
      pid = pid * 10 + <f64>(c - 48);
    }
    linePid = pid;
    programEnd = bracket;
  } else if (tagEnd == 0) return EV_HANDOFF;
  else linePid = -1;
  if (programEnd == programStart) return EV_HANDOFF;
  const tag = programTag(programStart, programEnd, wordHash(programStart, programEnd));
  const message = tagEnd + 2;
  if (tag == TAG_MALFORMED) return EV_HANDOFF;
  if (tag == TAG_OTHER) return EV_OTHER;
  if (tag == TAG_OPENDKIM) return classifyOpendkim(message, end);
  return classifyPostfix(tag, message, end);
}

/**
 * The zero bytes of `x` flagged by their top bit: exact up to the first zero byte (the lowest flag
 * is the first zero), which is all its callers read.
 */
// @ts-ignore: decorator
@inline
function zeroBytes(x: u64): u64 {
  return (x - 0x0101010101010101) & ~x & 0x8080808080808080;
}

/** Where the first `: ` at or after `i` starts (`end` when there is none before it). */
function findColonSpace(i: usize, end: usize): usize {
  for (;;) {
    i = find(i, end, 58 /* : */);
    if (i >= end || load<u8>(i + 1) == 32) return i;
    i++;
  }
  return unreachable();
}

/** Where the first byte that is `a` or `b` at or after `i` is (`end` when there is none). */
function findEither(i: usize, end: usize, a: u32, b: u32): usize {
  const pa = <u64>a * 0x0101010101010101;
  const pb = <u64>b * 0x0101010101010101;
  while (i + 8 <= end) {
    const w = load<u64>(i);
    const zero = zeroBytes(w ^ pa) | zeroBytes(w ^ pb);
    if (zero != 0) {
      // The lowest flag of either is a true first match of that byte; the lower of the two wins.
      const za = zeroBytes(w ^ pa);
      const zb = zeroBytes(w ^ pb);
      const ia = za == 0 ? 8 : ctz(za) >> 3;
      const ib = zb == 0 ? 8 : ctz(zb) >> 3;
      return i + <usize>(ia < ib ? ia : ib);
    }
    i += 8;
  }
  while (i < end) {
    const c = <u32>load<u8>(i);
    if (c == a || c == b) break;
    i++;
  }
  return i;
}

/** A hash of bytes `[start, end)`, eight at a time (names are compared in full on a hit). */
function wordHash(start: usize, end: usize): u32 {
  let h: u64 = <u64>(end - start) * 0x9e3779b97f4a7c15;
  let i = start;
  for (; i + 8 <= end; i += 8) h = (h ^ load<u64>(i)) * 0xbf58476d1ce4e5b9;
  const rest = <u64>(end - i);
  if (rest > 0) h = (h ^ (load<u64>(i) & ((<u64>1 << (rest << 3)) - 1))) * 0x94d049bb133111eb;
  return <u32>(h >> 32);
}

function isDigit(c: u32): bool {
  return c - 48 <= 9;
}

function isAlphanumeric(c: u32): bool {
  return c - 48 <= 9 || c - 65 <= 25 || c - 97 <= 25;
}

/**
 * Whether the `n` (1–8) bytes at `p` are `word`, its first byte lowest: one load for a word of the
 * log's vocabulary (the input has padding after its last line for the bytes read past it).
 */
// @ts-ignore: decorator
@inline
function bytesAre(p: usize, word: u64, n: u32): bool {
  return (load<u64>(p) & (n == 8 ? <u64>-1 : (<u64>1 << (<u64>n << 3)) - 1)) == word;
}

/** The value of the two digits at `p`, or -1. */
function twoDigits(p: usize): i32 {
  const a = <u32>load<u8>(p) - 48;
  const b = <u32>load<u8>(p + 1) - 48;
  return a <= 9 && b <= 9 ? <i32>(a * 10 + b) : -1;
}

/** `HH:MM:SS` at `p` as milliseconds into the day, or -1 (month and day checked with it). */
function clockAt(p: usize, month: i32, day: i32): i32 {
  const hour = twoDigits(p);
  const minute = twoDigits(p + 3);
  const second = twoDigits(p + 6);
  if (hour < 0 || minute < 0 || second < 0 || load<u8>(p + 2) != 58 || load<u8>(p + 5) != 58) return -1;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour >= 24 || minute >= 60 || second >= 61) return -1;
  lineHour = hour;
  return hour * 3_600_000 + minute * 60_000 + second * 1000;
}

/** Month number of the three letters at `p`, or 0. */
function monthAt(p: usize): i32 {
  const key = (<u32>load<u8>(p) << 16) | (<u32>load<u8>(p + 1) << 8) | <u32>load<u8>(p + 2);
  switch (key) {
    case 0x4a616e:
      return 1; // Jan
    case 0x466562:
      return 2; // Feb
    case 0x4d6172:
      return 3; // Mar
    case 0x417072:
      return 4; // Apr
    case 0x4d6179:
      return 5; // May
    case 0x4a756e:
      return 6; // Jun
    case 0x4a756c:
      return 7; // Jul
    case 0x417567:
      return 8; // Aug
    case 0x536570:
      return 9; // Sep
    case 0x4f6374:
      return 10; // Oct
    case 0x4e6f76:
      return 11; // Nov
    case 0x446563:
      return 12; // Dec
    default:
      return 0;
  }
}

/**
 * The timestamp at `s` into lineDay and lineTime (as `parseStamp` in parse-log-line.ts); returns
 * where it ends, or 0.
 */
function parseStamp(s: usize, end: usize): usize {
  const first = <u32>load<u8>(s);
  if (isDigit(first)) {
    const century = twoDigits(s);
    const yy = twoDigits(s + 2);
    const month = twoDigits(s + 5);
    const day = twoDigits(s + 8);
    if (century < 0 || yy < 0 || month < 0 || day < 0) return 0;
    if (load<u8>(s + 4) != 45 || load<u8>(s + 7) != 45 || load<u8>(s + 10) != 84) return 0;
    const clock = clockAt(s + 11, month, day);
    if (clock < 0) return 0;
    const stampEnd = zoneEnd(s + 19);
    if (stampEnd == 0) return 0;
    const year = century * 100 + yy;
    setDay(RFC_KEYS + (year * 16 + month) * 32 + day, DATE_RFC3339, year, month, day, clock);
    return stampEnd;
  }
  if (end - s < 16) return 0;
  const month = monthAt(s);
  if (month == 0 || load<u8>(s + 3) != 32) return 0;
  let i = s + 4;
  if (load<u8>(i) == 32) i++;
  const d1 = <u32>load<u8>(i) - 48;
  if (d1 > 9) return 0;
  let day = <i32>d1;
  i++;
  const d2 = <u32>load<u8>(i) - 48;
  if (d2 <= 9) {
    day = <i32>(d1 * 10 + d2);
    i++;
  }
  if (load<u8>(i) != 32) return 0;
  const clock = clockAt(i + 1, month, day);
  if (clock < 0) return 0;
  i += 9;
  if (load<u8>(i) == 46 && isDigit(load<u8>(i + 1))) {
    i += 2;
    while (isDigit(load<u8>(i))) i++;
  }
  if (load<u8>(i) != 32) return 0;
  setDay(month * 32 + day, DATE_SYSLOG, 0, month, day, clock);
  return i + 1;
}

/** The end (after the space) of an RFC 3339 stamp's fraction and offset, which start at `i`, or 0. */
function zoneEnd(i: usize): usize {
  if (load<u8>(i) == 46 && isDigit(load<u8>(i + 1))) {
    i += 2;
    while (isDigit(load<u8>(i))) i++;
  }
  const c = load<u8>(i);
  if (c == 90 /* Z */) i++;
  else if (c == 43 || c == 45) {
    if (!isDigit(load<u8>(i + 1)) || !isDigit(load<u8>(i + 2))) return 0;
    i += load<u8>(i + 3) == 58 ? 4 : 3;
    if (!isDigit(load<u8>(i)) || !isDigit(load<u8>(i + 1))) return 0;
    i += 2;
  } else return 0;
  return load<u8>(i) == 32 ? i + 1 : 0;
}

// Days of this file: keys as parse-log-line.ts makes them (RFC 3339 keys above RFC_KEYS), each with
// its id and midnight.
const RFC_KEYS: i32 = 512;
const DAY_SLOTS: i32 = 8192;
const dayKeys = heap.alloc(DAY_SLOTS * 4);
const dayIds = heap.alloc(DAY_SLOTS * 4);
const dayMidnights = heap.alloc(DAY_SLOTS * 8);
let daysInFile: i32 = 0;
let dayCount: i32 = 0;
// DKIM events per day id: signed, messages, notifications (DAY_DKIM_ fields), 12 bytes a day.
let dayDkimCapacity: i32 = 64;
let dayDkim: usize = heap.alloc(<usize>dayDkimCapacity * 12);
memory.fill(dayDkim, 0, <usize>dayDkimCapacity * 12);

/** Makes room for the DKIM counters of day id `id`. */
function reserveDayDkim(id: i32): void {
  if (id < dayDkimCapacity) return;
  const capacity = dayDkimCapacity * 2;
  const bigger = heap.alloc(<usize>capacity * 12);
  memory.fill(bigger, 0, <usize>capacity * 12);
  memory.copy(bigger, dayDkim, <usize>dayDkimCapacity * 12);
  dayDkim = bigger;
  dayDkimCapacity = capacity;
}

function clearDays(): void {
  memory.fill(dayKeys, 0xff, DAY_SLOTS * 4);
  daysInFile = 0;
  lastKey = -1;
}

// The day of the line before: most lines share it.
let lastKey: i32 = -1;
let lastId: i32 = 0;
let lastMidnight: f64 = 0;

function setDay(key: i32, rfc: i32, year: i32, month: i32, day: i32, clock: i32): void {
  if (key == lastKey) {
    lineDay = lastId;
    lineTime = lastMidnight + <f64>clock;
    return;
  }
  let slot = (<u32>key * 0x9e3779b1) >> 19;
  for (;;) {
    const k = load<i32>(dayKeys + (<usize>slot << 2));
    if (k == key) break;
    if (k == -1) {
      // A log has a few days; a full table starts over.
      if (daysInFile >= DAY_SLOTS / 2) {
        clearDays();
        slot = (<u32>key * 0x9e3779b1) >> 19;
      }
      store<i32>(dayKeys + (<usize>slot << 2), key);
      reserveDayDkim(dayCount);
      store<i32>(dayIds + (<usize>slot << 2), dayCount++);
      store<f64>(dayMidnights + (<usize>slot << 3), newDay(rfc, year, month, day));
      daysInFile++;
      break;
    }
    slot = (slot + 1) & (DAY_SLOTS - 1);
  }
  lineDay = load<i32>(dayIds + (<usize>slot << 2));
  lastKey = key;
  lastId = lineDay;
  lastMidnight = load<f64>(dayMidnights + (<usize>slot << 3));
  lineTime = lastMidnight + <f64>clock;
}

// Program tags: the name's bytes, compared on every hit (a log has a few dozen).
const PROGRAM_SLOTS: i32 = 1024;
const tagHashes = heap.alloc(PROGRAM_SLOTS * 4);
const tagNames = heap.alloc(PROGRAM_SLOTS * 4);
const tagLengths = heap.alloc(PROGRAM_SLOTS * 4);
const tagClasses = heap.alloc(PROGRAM_SLOTS * 4);
let tagCount: i32 = 0;

function clearPrograms(): void {
  memory.fill(tagLengths, 0, PROGRAM_SLOTS * 4);
  tagCount = 0;
}

function programTag(start: usize, end: usize, hash: u32): i32 {
  const length = <i32>(end - start);
  let slot = hash & (PROGRAM_SLOTS - 1);
  for (;;) {
    const at = <usize>slot << 2;
    const n = load<i32>(tagLengths + at);
    if (n == 0) break;
    if (n == length && load<u32>(tagHashes + at) == hash) {
      const name = <usize>load<u32>(tagNames + at);
      if (memory.compare(name, start, length) == 0) {
        lineTagSlot = slot;
        return load<i32>(tagClasses + at);
      }
    }
    slot = (slot + 1) & (PROGRAM_SLOTS - 1);
  }
  const tagClass = programClass(start, length);
  lineTagSlot = -1;
  // More distinct programs than a log has: stop caching (each new one asks again).
  if (tagCount >= PROGRAM_SLOTS / 2) return tagClass;
  const at = <usize>slot << 2;
  const name = heap.alloc(length);
  memory.copy(name, start, length);
  store<u32>(tagHashes + at, hash);
  store<u32>(tagNames + at, <u32>name);
  store<i32>(tagLengths + at, length);
  store<i32>(tagClasses + at, tagClass);
  tagCount++;
  lineTagSlot = slot;
  return tagClass;
}

/** Short hex (`[0-9A-F]{6,}`) or long (12+ alphanumerics) queue id at `[start, end)`. */
function isQueueId(start: usize, end: usize): bool {
  const length = end - start;
  if (length < 6) return false;
  let hex = true;
  for (let i = start; i < end; i++) {
    const c = <u32>load<u8>(i);
    const digit = c - 48 <= 9;
    const upper = c - 65 <= 25;
    if (!digit && !upper && !(c - 97 <= 25)) return false;
    if (hex && !digit && !(upper && c <= 70)) hex = false;
  }
  return hex || length >= 12;
}

function digitsEnd(i: usize): usize {
  while (isDigit(load<u8>(i))) i++;
  return i;
}

/** A Postfix message at `[start, end)`: as `parsePostfixMessage` in parse-log-line.ts. */
function classifyPostfix(tag: i32, start: usize, end: usize): i32 {
  const colon = findColonSpace(start, end);
  if (colon >= end) return EV_OTHER;
  if (!isQueueId(start, colon)) {
    // `warning: …` may be a bind failure.
    if (colon == start + 7 && bytesAre(start, 0x676e696e726177, 7) /* warning */) return EV_HANDOFF;
    return EV_OTHER;
  }
  qidStart = start;
  qidEnd = colon;
  const at = colon + 2;
  const c = load<u8>(at);
  if (c == 116 /* t */ && bytesAre(at, 0x3c3d6f74, 4) /* to=< */) return classifyDelivery(tag, at + 4, end);
  if (c == 102 /* f */ && bytesAre(at, 0x3c3d6d6f7266, 6) /* from=< */) {
    let close = at + 6;
    while (close < end && load<u8>(close) != 62 /* > */) close++;
    if (close >= end) return EV_OTHER;
    if (bytesAre(close + 1, 0x3d657a6973202c, 7) /* , size= */) {
      const sizeEnd = digitsEnd(close + 8);
      if (sizeEnd == close + 8 || !bytesAre(sizeEnd, 0x3d747063726e202c, 8) /* , nrcpt= */) return EV_OTHER;
      const nrcptEnd = digitsEnd(sizeEnd + 8);
      if (nrcptEnd == sizeEnd + 8) return EV_OTHER;
      fieldStart = at + 6;
      fieldEnd = close;
      return EV_QUEUED;
    }
    if ((bytesAre(close + 1, 0x737574617473202c, 8) && bytesAre(close + 1 + 8, 0x646572697078653d, 8)) /* , status=expired */) return EV_HANDOFF;
    return EV_OTHER;
  }
  if (c == 114 /* r */ && tag == TAG_QMGR && bytesAre(at, 0x6465766f6d6572, 7) /* removed */) return EV_REMOVED;
  if (c == 109 /* m */ && tag == TAG_CLEANUP && (bytesAre(at, 0x2d6567617373656d, 8) && bytesAre(at + 8, 0x3d6469, 3)) /* message-id= */) return EV_CLEANUP;
  return EV_OTHER;
}

/** OpenDKIM: `QID: DKIM-Signature field added (s=SELECTOR, d=DOMAIN)`, as `parseOpendkimMessage`. */
function classifyOpendkim(start: usize, end: usize): i32 {
  let qid = start;
  while (isAlphanumeric(load<u8>(qid))) qid++;
  if (qid == start || !(bytesAre(qid, 0x532d4d494b44203a, 8) && bytesAre(qid + 8, 0x65727574616e6769, 8) && bytesAre(qid + 16, 0x20, 1)) /* : DKIM-Signature  */) return EV_OTHER;
  let selector = qid + 17;
  if ((bytesAre(selector, 0x646120646c656966, 8) && bytesAre(selector + 8, 0x3d732820646564, 7)) /* field added (s= */) selector += 15;
  else if ((bytesAre(selector, 0x6120726564616568, 8) && bytesAre(selector + 8, 0x3d73282064656464, 8)) /* header added (s= */) selector += 16;
  else return EV_OTHER;
  let comma = selector;
  while (comma < end && load<u8>(comma) != 44 /* , */) comma++;
  if (comma <= selector || comma >= end || !bytesAre(comma, 0x3d64202c, 4) /* , d= */) return EV_OTHER;
  let close = comma + 4;
  while (close < end && load<u8>(close) != 41 /* ) */) close++;
  if (close <= comma + 4 || close >= end) return EV_OTHER;
  qidStart = start;
  qidEnd = qid;
  fieldStart = comma + 4;
  fieldEnd = close;
  return EV_SIGNED;
}

// ---------------------------------------------------------------------------------------------------
// Sent deliveries. A `status=sent` line adds to counters that only its day, hour, program and relay
// host choose (the day's and hour's mix, the sending IP, the operator, the outcome row): the first
// line of each such group goes to the TypeScript path, which names the group it added to; later
// lines of the group are only counted here, and the builder adds the counts when the scan ends.

/** Where the run of bytes other than `stop` starting at `i` ends (the line's end when there is no `stop`). */
function find(i: usize, end: usize, stop: u32): usize {
  const pattern = <u64>stop * 0x0101010101010101;
  while (i + 8 <= end) {
    const zero = zeroBytes(load<u64>(i) ^ pattern);
    if (zero != 0) return i + <usize>(ctz(zero) >> 3);
    i += 8;
  }
  while (i < end && <u32>load<u8>(i) != stop) i++;
  return i;
}

/**
 * The `to=<…>` part of a Postfix delivery at `[p, end)` (`p` just after `to=<`): EV_SENT for a sent
 * delivery of a known group (lineGroup), else EV_HANDOFF (with newGroupKey set when the line is a
 * sent delivery whose group is not known yet). Reads only the exact shape of parse-log-line.ts's
 * DELIVERY expression; anything else is the TypeScript path's to judge.
 */
function classifyDelivery(tag: i32, p: usize, end: usize): i32 {
  // The expression's `.` stops at `\r`, U+2028 and U+2029: such lines, and any other byte outside
  // printable ASCII, go to the TypeScript path.
  let i = p;
  for (; i + 8 <= end; i += 8) {
    // A byte under 0x20 borrows, one of 0x7f or more carries or has its top bit: any sets a top bit.
    const w = load<u64>(i);
    if (((w - 0x2020202020202020) | (w + 0x0101010101010101) | w) & 0x8080808080808080) return EV_HANDOFF;
  }
  for (; i < end; i++) if (<u32>load<u8>(i) - 32 > 94) return EV_HANDOFF;
  p = find(p, end, 62 /* > */);
  if (p >= end || !bytesAre(p, 0x202c3e, 3) /* >,  */) return EV_HANDOFF;
  p += 3;
  if ((bytesAre(p, 0x3d6f745f6769726f, 8) && bytesAre(p + 8, 0x3c, 1)) /* orig_to=< */) {
    p = find(p + 9, end, 62);
    if (p >= end || !bytesAre(p, 0x202c3e, 3) /* >,  */) return EV_HANDOFF;
    p += 3;
  }
  if (!bytesAre(p, 0x3d79616c6572, 6) /* relay= */) return EV_HANDOFF;
  const relayStart = p + 6;
  const relayEnd = find(relayStart, end, 44 /* , */);
  if (relayEnd == relayStart || relayEnd >= end || load<u8>(relayEnd + 1) != 32) return EV_HANDOFF;
  p = relayEnd + 2;
  if ((bytesAre(p, 0x6573755f6e6e6f63, 8) && bytesAre(p + 8, 0x3d, 1)) /* conn_use= */) {
    const digits = digitsEnd(p + 9);
    if (digits == p + 9 || !bytesAre(digits, 0x202c, 2) /* ,  */) return EV_HANDOFF;
    p = digits + 2;
  }
  if (!bytesAre(p, 0x3d79616c6564, 6) /* delay= */) return EV_HANDOFF;
  let delay = p + 6;
  while (isDigit(load<u8>(delay)) || load<u8>(delay) == 46) delay++;
  if (delay == p + 6 || !bytesAre(delay, 0x202c, 2) /* ,  */) return EV_HANDOFF;
  p = delay + 2;
  if (bytesAre(p, 0x3d7379616c6564, 7) /* delays= */) {
    const comma = find(p + 7, end, 44);
    if (comma == p + 7 || comma >= end || load<u8>(comma + 1) != 32) return EV_HANDOFF;
    p = comma + 2;
  }
  if (bytesAre(p, 0x3d6e7364, 4) /* dsn= */) {
    const comma = find(p + 4, end, 44);
    if (comma == p + 4 || comma >= end || load<u8>(comma + 1) != 32) return EV_HANDOFF;
    p = comma + 2;
  }
  if (!(bytesAre(p, 0x733d737574617473, 8) && bytesAre(p + 8, 0x746e65, 3)) /* status=sent */) return EV_HANDOFF;
  p += 11;
  if (p < end && load<u8>(p) != 32) return EV_HANDOFF;
  // A local alias expansion (`forwarded as QID`) is counted apart.
  for (let i = p; i + 12 <= end; i++) if (load<u8>(i) == 102 && (bytesAre(i, 0x6564726177726f66, 8) && bytesAre(i + 8, 0x73612064, 4)) /* forwarded as */) return EV_HANDOFF;
  if (lineTagSlot < 0) return EV_HANDOFF;
  // Egress: smtp to a host that is not the loopback.
  let host: i32 = -1;
  if (tag == TAG_SMTP) {
    const open = find(relayStart, relayEnd, 91 /* [ */);
    if (open == relayStart || open >= relayEnd) return EV_HANDOFF;
    const close = find(open + 1, relayEnd, 93 /* ] */);
    if (close >= relayEnd) return EV_HANDOFF;
    const loopback = bytesAre(open + 1, 0x2e373231, 4) /* 127. */ || (close - open - 1 == 3 && bytesAre(open + 1, 0x313a3a, 3) /* ::1 */);
    if (!loopback) {
      // The smtp process's next egress delivery after a bind failure leaves from the primary IP.
      if (bindsPending && linePid >= 0 && hasPendingBind(linePid) != 0) return EV_HANDOFF;
      host = relayHosts.intern(relayStart, open);
    }
  }
  // Keys that would not fit their bits go to the TypeScript path as they are.
  if (lineDay >= 1 << 23 || host >= (1 << 25) - 1) return EV_HANDOFF;
  const key = groupKey(host);
  const group = findGroup(key);
  if (group >= 0) {
    lineGroup = group;
    return EV_SENT;
  }
  // A full table takes no more groups: the TypeScript builder is not asked to name one (each would
  // stay in its memory unused).
  if (groupKeysUsed < MAX_GROUP_SLOTS / 2) newGroupKey = key;
  return EV_HANDOFF;
}

// Groups by key: day, hour, program tag slot and relay host, packed in one i64 (day < 2^23, hour <
// 2^5, slot < 2^10, host + 1 < 2^25). A log of a month from a few programs to a few thousand relay
// hosts has tens of thousands; past 2^19 the rest go to the TypeScript path one line at a time.
const MAX_GROUP_SLOTS: i32 = 1 << 20;
let groupBits: i32 = 12;
let GROUP_SLOTS: i32 = 1 << 12;
let groupKeys: usize = 0;
let groupIds: usize = 0;
let groupLineCounts: usize = 0;
let groupCapacity: i32 = 0;
let groupCount: i32 = 0;
let groupKeysUsed: i32 = 0;
let lineGroup: i32 = 0;
let newGroupKey: i64 = -1;

/** A new, empty key table of 2^bits slots. */
function allocGroupSlots(bits: i32): void {
  groupBits = bits;
  GROUP_SLOTS = 1 << bits;
  groupKeys = heap.alloc(<usize>GROUP_SLOTS * 8);
  groupIds = heap.alloc(<usize>GROUP_SLOTS * 4);
  memory.fill(groupKeys, 0xff, <usize>GROUP_SLOTS * 8);
}

function clearGroups(): void {
  allocGroupSlots(12);
  groupKeysUsed = 0;
  groupCount = 0;
  groupCapacity = 1024;
  groupLineCounts = heap.alloc(<usize>groupCapacity * 4);
  memory.fill(groupLineCounts, 0, <usize>groupCapacity * 4);
}

function groupKey(host: i32): i64 {
  return (
    (<i64>lineDay << 40) | (<i64>lineHour << 35) | (<i64>lineTagSlot << 25) | <i64>(host + 1)
  );
}

function groupSlotOf(key: i64): i32 {
  return <i32>((<u64>key * 0x9e3779b97f4a7c15) >> (64 - <u64>groupBits));
}

/** Puts a key in the table (which has room for it). */
function placeGroup(key: i64, id: i32): void {
  let slot = groupSlotOf(key);
  while (load<i64>(groupKeys + (<usize>slot << 3)) != -1) slot = (slot + 1) & (GROUP_SLOTS - 1);
  store<i64>(groupKeys + (<usize>slot << 3), key);
  store<i32>(groupIds + (<usize>slot << 2), id);
}

function findGroup(key: i64): i32 {
  let slot = groupSlotOf(key);
  for (;;) {
    const k = load<i64>(groupKeys + (<usize>slot << 3));
    if (k == key) return load<i32>(groupIds + (<usize>slot << 2));
    if (k == -1) return -1;
    slot = (slot + 1) & (GROUP_SLOTS - 1);
  }
  return unreachable();
}

/** Records that lines of `key` add to the TypeScript builder's group `id`. */
function addGroup(key: i64, id: i32): void {
  // A log with more groups than this (days × hours × programs × relay hosts) sends the rest to the
  // TypeScript path.
  if (groupKeysUsed >= MAX_GROUP_SLOTS / 2) return;
  if ((groupKeysUsed + 1) * 2 > GROUP_SLOTS) {
    const oldKeys = groupKeys;
    const oldIds = groupIds;
    const oldSlots = GROUP_SLOTS;
    allocGroupSlots(groupBits + 1);
    for (let k = 0; k < oldSlots; k++) {
      const old = load<i64>(oldKeys + (<usize>k << 3));
      if (old != -1) placeGroup(old, load<i32>(oldIds + (<usize>k << 2)));
    }
  }
  if (id >= groupCapacity) {
    let capacity = groupCapacity;
    while (id >= capacity) capacity *= 2;
    const bigger = heap.alloc(<usize>capacity * 4);
    memory.fill(bigger, 0, <usize>capacity * 4);
    memory.copy(bigger, groupLineCounts, <usize>groupCapacity * 4);
    groupLineCounts = bigger;
    groupCapacity = capacity;
  }
  if (id >= groupCount) groupCount = id + 1;
  placeGroup(key, id);
  groupKeysUsed++;
}

// ---------------------------------------------------------------------------------------------------
// Messages between cleanup and their first qmgr line, by queue id: two 32-bit hashes and the length
// of the id name it (as the TypeScript builder's deferred set does), 16 bytes a slot (hash, check,
// length, flags: 1 cleaned, 2 signed, 4 used), linear probing with backward-shift deletion.

// The table grows with the messages in flight (usually a few hundred), so that it stays in cache.
const MIN_PENDING_SLOTS: i32 = 1 << 12;
let PENDING_SLOTS: i32 = MIN_PENDING_SLOTS;
let pending: usize = heap.alloc(<usize>MIN_PENDING_SLOTS * 16);
let pendingCount: i32 = 0;

function clearPending(): void {
  memory.fill(pending, 0, <usize>PENDING_SLOTS * 16);
  pendingCount = 0;
}

/** Doubles the table, keeping its entries. */
function growPending(): void {
  const old = pending;
  const oldSlots = PENDING_SLOTS;
  PENDING_SLOTS = oldSlots * 2;
  pending = heap.alloc(<usize>PENDING_SLOTS * 16);
  memory.fill(pending, 0, <usize>PENDING_SLOTS * 16);
  for (let k = 0; k < oldSlots; k++) {
    const from = old + (<usize>k << 4);
    if (load<u32>(from, 12) == 0) continue;
    let index = <i32>(load<u32>(from) & (PENDING_SLOTS - 1));
    while (load<u32>(pending + (<usize>index << 4), 12) != 0) index = (index + 1) & (PENDING_SLOTS - 1);
    memory.copy(pending + (<usize>index << 4), from, 16);
  }
}

/** The slot of a queue id; with `create`, a new one (flags 4) when absent, else 0 when absent. */
function pendingSlot(start: usize, end: usize, create: bool): usize {
  // The same two hashes as `hashQid` (create-qid-set.ts): FNV-1a and a murmur-mixed check.
  let hash: u32 = 0x811c9dc5;
  let check: u32 = 0x01000193 ^ 0x5bd1e995;
  for (let i = start; i < end; i++) {
    const c = <u32>load<u8>(i);
    hash = (hash ^ c) * 0x01000193;
    check = (check ^ c) * 0x5bd1e995;
    check ^= check >> 15;
  }
  if (hash == 0 && check == 0) check = 1;
  const length = <u32>(end - start);
  let index = <i32>(hash & (PENDING_SLOTS - 1));
  for (;;) {
    const slot = pending + (<usize>index << 4);
    const flags = load<u32>(slot, 12);
    if (flags == 0) {
      if (!create) return 0;
      if (pendingCount >= MAX_PENDING) {
        // As the TypeScript builder does: a table this full is forgotten, not grown.
        clearPending();
        return pendingSlot(start, end, true);
      }
      if ((pendingCount + 1) * 2 > PENDING_SLOTS) {
        growPending();
        return pendingSlot(start, end, true);
      }
      store<u32>(slot, hash);
      store<u32>(slot, check, 4);
      store<u32>(slot, length, 8);
      store<u32>(slot, 4, 12);
      pendingCount++;
      return slot;
    }
    if (load<u32>(slot) == hash && load<u32>(slot, 4) == check && load<u32>(slot, 8) == length) return slot;
    index = (index + 1) & (PENDING_SLOTS - 1);
  }
  return unreachable();
}

function removePending(slot: usize): void {
  pendingCount--;
  let hole = <i32>((slot - pending) >> 4);
  let index = hole;
  for (;;) {
    index = (index + 1) & (PENDING_SLOTS - 1);
    const at = pending + (<usize>index << 4);
    if (load<u32>(at, 12) == 0) break;
    const home = <i32>(load<u32>(at) & (PENDING_SLOTS - 1));
    // The entry at `index` may move into the hole when its home is not within (hole, index].
    const between = hole <= index ? home > hole && home <= index : home > hole || home <= index;
    if (!between) {
      memory.copy(pending + (<usize>hole << 4), at, 16);
      hole = index;
    }
  }
  store<u64>(pending + (<usize>hole << 4), 0);
  store<u64>(pending + (<usize>hole << 4), 0, 8);
}

// ---------------------------------------------------------------------------------------------------
// Domains as written (the caller lowercases and merges them), in the order first seen, each with two
// counters.

class Domains {
  slots: usize = 0;
  capacity: i32 = 0;
  count: i32 = 0;
  // Per id: pointer, length, two counters (16 bytes).
  entries: usize = 0;
  entryCapacity: i32 = 0;

  clear(): void {
    this.capacity = 256;
    this.slots = heap.alloc(<usize>this.capacity * 4);
    memory.fill(this.slots, 0xff, <usize>this.capacity * 4);
    this.entryCapacity = 128;
    this.entries = heap.alloc(<usize>this.entryCapacity * 16);
    this.count = 0;
  }

  intern(start: usize, end: usize): i32 {
    const length = <i32>(end - start);
    let slot = <i32>(wordHash(start, end) & <u32>(this.capacity - 1));
    for (;;) {
      const id = load<i32>(this.slots + (<usize>slot << 2));
      if (id < 0) break;
      const entry = this.entries + (<usize>id << 4);
      if (load<i32>(entry, 4) == length && memory.compare(<usize>load<u32>(entry), start, length) == 0)
        return id;
      slot = (slot + 1) & (this.capacity - 1);
    }
    const id = this.count++;
    if (id == this.entryCapacity) {
      const bigger = heap.alloc(<usize>this.entryCapacity * 32);
      memory.copy(bigger, this.entries, <usize>this.entryCapacity * 16);
      this.entries = bigger;
      this.entryCapacity *= 2;
    }
    const name = heap.alloc(length);
    memory.copy(name, start, length);
    const entry = this.entries + (<usize>id << 4);
    store<u32>(entry, <u32>name);
    store<i32>(entry, length, 4);
    store<i32>(entry, 0, 8);
    store<i32>(entry, 0, 12);
    store<i32>(this.slots + (<usize>slot << 2), id);
    if (this.count * 2 > this.capacity) this.rehash();
    return id;
  }

  add(id: i32, field: i32, n: i32): void {
    const at = this.entries + (<usize>id << 4) + 8 + (<usize>field << 2);
    store<i32>(at, load<i32>(at) + n);
  }

  ptrOf(id: i32): usize {
    return <usize>load<u32>(this.entries + (<usize>id << 4));
  }

  lengthOf(id: i32): i32 {
    return load<i32>(this.entries + (<usize>id << 4), 4);
  }

  valueOf(id: i32, field: i32): i32 {
    return load<i32>(this.entries + (<usize>id << 4) + 8 + (<usize>field << 2));
  }

  rehash(): void {
    this.capacity *= 2;
    this.slots = heap.alloc(<usize>this.capacity * 4);
    memory.fill(this.slots, 0xff, <usize>this.capacity * 4);
    for (let id = 0; id < this.count; id++) {
      const entry = this.entries + (<usize>id << 4);
      const start = <usize>load<u32>(entry);
      const end = start + <usize>load<i32>(entry, 4);
      let slot = <i32>(wordHash(start, end) & <u32>(this.capacity - 1));
      while (load<i32>(this.slots + (<usize>slot << 2)) >= 0) slot = (slot + 1) & (this.capacity - 1);
      store<i32>(this.slots + (<usize>slot << 2), id);
    }
  }
}

const signing = new Domains();
const senders = new Domains();
/** Relay host names of egress deliveries, for the group keys. */
const relayHosts = new Domains();
signing.clear();
senders.clear();
relayHosts.clear();
clearGroups();
clearDays();
