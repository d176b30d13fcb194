import { isDigit } from './parse-log-line.js';

/**
 * How a delivery ended, in the reputation monitor's vocabulary (../shared/SEED-SYSTEM.md): accepted,
 * throttled, reputation reject (5.7.x), recipient reject (5.1.x / 5.4.1), content reject; plus the
 * two buckets everything else falls in: a temporary failure that is not a throttle (timeouts, dead
 * tenants) and a permanent reject of another kind.
 */
export const DELIVERY_OUTCOMES = [
  'accepted',
  'throttled',
  'reputation_reject',
  'recipient_reject',
  'content_reject',
  'temporary_failure',
  'other_reject',
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Receiver phrases the runbook acts on. */
export const REPLY_SIGNALS = [
  /** Gmail `550-5.7.1 … likely unsolicited mail` */
  'gmail_unsolicited',
  /** Gmail `421-4.7.28 … unusual rate of unsolicited mail` */
  'gmail_rate',
  /** Yahoo `[TSS04]`, `[TSS05]`, `[TS02]`, `[TS03]`, `[BL21]` */
  'yahoo_tss',
  /** Microsoft `(S3150)` block list */
  'microsoft_block',
  /** Microsoft `4.7.650 … rate limited due to IP reputation (S775)` */
  'microsoft_reputation',
  /** Microsoft `5.7.515` authentication level */
  'microsoft_auth',
  /** A DNS block list named in the reply: Spamhaus, RLR621, Trend `ERS-QIL`, … */
  'rbl',
  /** Dead Microsoft 365 tenant `451 4.4.4` */
  'dead_tenant',
] as const;
export type ReplySignal = (typeof REPLY_SIGNALS)[number];

/** The parts of a delivery a classification looks at. */
export interface ReplyInput {
  status: string;
  dsn: string | undefined;
  reply: string;
}

/** The classification of one delivery. */
export interface ReplyClass {
  outcome: DeliveryOutcome;
  signals: ReplySignal[];
}

/**
 * An enhanced status code as a pattern (`pattern` a regular expression such as `4\\.7\\.\\d+`): not a
 * piece of a longer dotted number, so that an IP such as 4.4.4.8 or 203.4.7.28 in the reply (a
 * relay's address, "Messages from …") is not read as a code.
 */
const codePattern = (pattern: string) => `(?<![\\d.])${pattern}(?!\\.?\\d)`;
/** {@link codePattern} of one code as written, `4.7.28`. */
const code = (dotted: string) => codePattern(dotted.replaceAll('.', '\\.'));

const SIGNAL_PATTERNS: ReadonlyArray<[ReplySignal, RegExp]> = [
  ['gmail_unsolicited', new RegExp(`${code('5.7.1')}.*\\bunsolicited mail`, 'is')],
  ['gmail_rate', new RegExp(`${code('4.7.28')}|unusual rate of unsolicited mail`, 'i')],
  ['yahoo_tss', /\[(?:TSS0[45]|TS0[23]|BL21)\]/],
  ['microsoft_block', /\bS3150\b/],
  ['microsoft_reputation', new RegExp(`\\bS775\\b|${code('4.7.650')}`)],
  ['microsoft_auth', new RegExp(code('5.7.515'))],
  ['rbl', /spamhaus|\bRLR621\b|\bERS-QIL\b|spamcop|barracudacentral|sorbs\.net|blocked using /i],
  ['dead_tenant', new RegExp(code('4.4.4'))],
];

// Every signal but a dead tenant says the receiver distrusts the sender.
const REPUTATION_SIGNALS: ReadonlySet<ReplySignal> = new Set(
  REPLY_SIGNALS.filter((s) => s !== 'dead_tenant'),
);

const THROTTLE_TEXT = new RegExp(
  `rate limit|throttl|too many|unexpected volume|temporarily deferred|try again later|exceeded|slow down|reduce your send rate|${codePattern('4\\.7\\.\\d+')}`,
  'i',
);
const CONTENT_TEXT = new RegExp(
  `content|virus|malware|attachment|\\burl\\b|phish|message (?:was )?rejected due to|blocked because it contains|spam message|looks like spam|${codePattern('5\\.6\\.\\d+')}|${codePattern('5\\.7\\.(?:7|13)\\b')}`,
  'i',
);

/** The first status code in a reply, not one inside an address. */
const DSN_IN_REPLY = new RegExp(codePattern('([245]\\.\\d{1,3}\\.\\d{1,3})\\b'));

/** The seed's bounce-sync rule: only these recipient-failure codes count towards suppressing an address. */
export const RECIPIENT_FAILURE_DSNS: readonly string[] = [
  '5.1.1',
  '5.1.10',
  '5.1.0',
  '5.0.0',
  '5.4.1',
  '5.5.0',
];

/**
 * True when a DSN says the recipient does not exist (the seed's bounce-sync list). Reputation and
 * policy rejections (5.7.x) are never the recipient's fault: the May 30 blast's 5.7.1 replies once
 * blocklisted ~17,000 carriers.
 */
export function isRecipientFailure(dsn: string | undefined): boolean {
  return dsn !== undefined && RECIPIENT_FAILURE_DSNS.includes(dsn);
}

/** The enhanced status code of a delivery: the logged `dsn=`, else the first `X.Y.Z` in the reply. */
export function dsnOf(input: ReplyInput): string | undefined {
  if (input.dsn !== undefined) return input.dsn;
  const m = DSN_IN_REPLY.exec(input.reply);
  return m?.[1];
}

/** Finds the reply phrases the runbook acts on. */
export function listReplySignals(reply: string): ReplySignal[] {
  const signals: ReplySignal[] = [];
  for (const [signal, pattern] of SIGNAL_PATTERNS) if (pattern.test(reply)) signals.push(signal);
  return signals;
}

/**
 * Classifies one delivery by outcome and reply signals (pass `signals` when already listed for
 * this reply).
 *
 * @example
 * classifyReply({ status: 'bounced', dsn: '5.7.1', reply: 'host … said: 550-5.7.1 … likely unsolicited mail …' })
 * // { outcome: 'reputation_reject', signals: ['gmail_unsolicited'] }
 */
export function classifyReply(input: ReplyInput, listed?: ReplySignal[]): ReplyClass {
  if (input.status === 'sent') return { outcome: 'accepted', signals: [] };
  const signals = listed ?? (input.reply === '' ? [] : listReplySignals(input.reply));
  const dsn = dsnOf(input);
  const reputation = signals.some((s) => REPUTATION_SIGNALS.has(s));
  const permanent = dsn !== undefined ? dsn.startsWith('5') : input.status === 'bounced';
  if (!permanent) {
    if (reputation || THROTTLE_TEXT.test(input.reply)) return { outcome: 'throttled', signals };
    return { outcome: 'temporary_failure', signals };
  }
  if (reputation) return { outcome: 'reputation_reject', signals };
  if (dsn !== undefined && (/^5\.1\.\d+$/.test(dsn) || dsn === '5.4.1')) {
    return { outcome: 'recipient_reject', signals };
  }
  if (CONTENT_TEXT.test(input.reply)) return { outcome: 'content_reject', signals };
  if (dsn?.startsWith('5.7.')) return { outcome: 'reputation_reject', signals };
  return { outcome: 'other_reject', signals };
}

/** Character classes of `[0-9A-Za-z._-]` by code: 1 digit, 2 letter, 4 `.`, `_` or `-`; 0 for the rest. */
const TOKEN_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) TOKEN_CLASS[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN_CLASS[c] = 2;
for (let c = 97; c <= 122; c++) TOKEN_CLASS[c] = 2;
for (const c of '._-') TOKEN_CLASS[c.charCodeAt(0)] = 4;

/**
 * {@link replaceRandomTokens}'s text, with what the pass saw in its input for the later steps of
 * {@link normalizeReason}: a run of 5 or more digits, white space other than single spaces (the
 * steps that look for them are skipped when not).
 */
interface Scrubbed {
  text: string;
  longNumber: boolean;
  spacing: boolean;
}

function scrubTokens(text: string): Scrubbed {
  let out = '';
  let copied = 0;
  let run = 0;
  let classes = 0;
  let digits = 0;
  let longNumber = false;
  let spacing = false;
  let space = false;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0;
    const cls = c < 128 ? TOKEN_CLASS[c]! : 0;
    if (cls === 1) digits += 1;
    else {
      if (digits >= 5) longNumber = true;
      digits = 0;
    }
    if (cls !== 0) {
      run += 1;
      classes |= cls;
      space = false;
      continue;
    }
    // A token mixes digits and letters (so it is not a dotted number such as `1.2.3`).
    if (run >= 12 && (classes & 3) === 3) {
      out += `${text.slice(copied, i - run)}<id>`;
      copied = i;
    }
    run = 0;
    classes = 0;
    if (c === 32) {
      if (space) spacing = true;
      space = true;
    } else {
      // Tabs, line breaks and any non-ASCII character (which may be Unicode white space).
      if ((c >= 9 && c <= 13) || c >= 128) spacing = true;
      space = false;
    }
  }
  return { text: copied === 0 ? text : out + text.slice(copied), longNumber, spacing };
}

/**
 * Replaces each receiver's random token (a run of 12 or more `[0-9A-Za-z._-]` mixing digits and
 * letters) by `<id>`: what `replace(/[0-9A-Za-z._-]{12,}/g, …)` does, in one pass over the text
 * (the regular expression retries every start inside a shorter run). A step of {@link normalizeReason}.
 */
export function replaceRandomTokens(text: string): string {
  return scrubTokens(text).text;
}

/**
 * True when `text` has `d<sep>d` at `i - 1 … i + 1` and `sep` again at `i + 3`: where a clock time
 * (`hh:mm:ss`, separator `:`) or a date (`yyyy-mm-dd`, separator `-`) can be. Finds each separator
 * with `indexOf`, much faster than the regular expression's scan of every position.
 */
function hasSeparatedDigits(text: string, sep: string): boolean {
  for (let i = text.indexOf(sep, 1); i >= 0; i = text.indexOf(sep, i + 1))
    if (text[i + 3] === sep && isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1)))
      return true;
  return false;
}

/** True when `text` has three dots between digits: an IPv4 address needs them. */
function mayHoldIpv4(text: string): boolean {
  let dots = 0;
  for (let i = text.indexOf('.', 1); i >= 0; i = text.indexOf('.', i + 1))
    if (isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1)) && ++dots === 3) return true;
  return false;
}

/** True when `text` has `[`, hex digits and `:`: a bracketed IPv6 address starts so. */
function mayHoldIpv6(text: string): boolean {
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    let j = i + 1;
    while (j < text.length && /[0-9a-fA-F]/.test(text[j]!)) j++;
    if (text[j] === ':') return true;
  }
  return false;
}

const CONNECT = /^connect to [^\s[]+\[[^\]]*\](?::\d+)?: /;
const IN_REPLY_TO = /^\(in reply to ([A-Z][A-Z ]*?) command\)$/;
const ADDRESS = /<[^<>\s]*@[^<>\s]*>|[^\s<>()[\]"',;:]+@[A-Za-z0-9.-]+/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6 = /\[[0-9a-fA-F]*:[0-9a-fA-F:.]+\]/g;
const DATE_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const CLOCK_TIME = /\b\d{1,2}:\d{2}:\d{2}\b/g;
const QUEUE_ID = /(?:queued as|id=|ID:?) ?[0-9A-Za-z._-]{6,}/g;
const LONG_NUMBER = /\b\d{5,}\b/g;
const LEAD_CODE = /^(\d{3})[- ](\d\.\d{1,3}\.\d{1,3} )?/;
const SPACING = /\s{2,}|[^\S ]/g;

/** `\s550[- ](?:5.7.1 )?` for a reply code: the continuation prefix of a multi-line reply. */
const continuations = new Map<string, RegExp>();

/**
 * Normalises a reply for the reasons table: the receiver's words only (after `said:`), with
 * addresses, IPs, queue ids, timestamps and receivers' random tokens replaced, continuation prefixes
 * of multi-line replies dropped, and the codes people search for (`[TSS04]`, `4.7.28`, `S3150`,
 * `5.7.515`) kept.
 *
 * Each step is a regular expression; a step runs only where a cheap look (`indexOf`, or what the
 * token pass saw) finds what its expression needs, since every reply of a day goes through here
 * (the test holds it to the same steps unguarded).
 */
export function normalizeReason(reply: string): string {
  let text = reply;
  const said = text.indexOf(' said: ');
  if (said >= 0) text = text.slice(said + 7);
  // Only the first 160 characters are kept: don't scrub what will be cut.
  if (text.length > 400) text = text.slice(0, 400);
  if (text.startsWith('connect to ')) text = text.replace(CONNECT, 'connect: ');
  if (text.endsWith(' command)')) {
    // Only the last "(in reply to" can be followed by nothing but capitals and " command)".
    const at = text.lastIndexOf('(in reply to ');
    const m = at < 0 ? null : IN_REPLY_TO.exec(text.slice(at));
    if (m !== null) text = `${text.slice(0, at).trimEnd()} (in reply to ${m[1]})`;
  }
  if (text.includes('@')) text = text.replace(ADDRESS, '<address>');
  if (mayHoldIpv4(text)) text = text.replace(IPV4, '<ip>');
  if (mayHoldIpv6(text)) text = text.replace(IPV6, '[<ip>]');
  if (hasSeparatedDigits(text, '-')) text = text.replace(DATE_TIME, '<time>');
  if (hasSeparatedDigits(text, ':')) text = text.replace(CLOCK_TIME, '<time>');
  if (text.includes('queued as') || text.includes('id=') || text.includes('ID'))
    text = text.replace(QUEUE_ID, (m) => m.replace(/[0-9A-Za-z._-]{6,}$/, '<id>'));
  const scrubbed = scrubTokens(text);
  text = scrubbed.longNumber ? scrubbed.text.replace(LONG_NUMBER, '<n>') : scrubbed.text;
  let spacing = scrubbed.spacing;
  // Multi-line replies repeat their code on every line: "550-5.7.1 a 550-5.7.1 b" → "550-5.7.1 a b".
  const lead = LEAD_CODE.exec(text);
  if (lead !== null && text.indexOf(lead[1]!, lead[0].length) >= 0) {
    const code = lead[1]!;
    let continuation = continuations.get(code);
    if (continuation === undefined) {
      continuation = new RegExp(`\\s${code}[- ](?:\\d\\.\\d{1,3}\\.\\d{1,3} )?`, 'g');
      continuations.set(code, continuation);
    }
    const rest = text.slice(lead[0].length);
    const joined = rest.replace(continuation, ' ');
    // "a 550- b" loses "\s550-" for one space: two spaces meet.
    if (joined !== rest) spacing = true;
    text = `${lead[0]}${joined}`;
  }
  // Every run of white space becomes one space.
  if (spacing) text = text.replace(SPACING, ' ');
  text = text.trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
