import { randomUUID } from 'node:crypto';
import type { ListmonkVersion } from '../client/listmonk-version.js';
import type { StandInContext } from './stand-in-http.js';
import { ts } from './stand-in-http.js';
import type { StoredSubscriber } from './stand-in-state.js';

// Go's unicode.IsSpace (strings.TrimSpace), which unlike JS's trim() keeps U+FEFF and drops U+0085.
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

/** Go's strings.TrimSpace. */
export const goTrimSpace = (s: string): string => s.replace(GO_TRIM, '');

// RFC 5322 atext as Go's net/mail reads it: printable ASCII but the specials, or any non-ASCII rune.
const ATEXT = String.raw`[!#-'*+\-/-9=?A-Z^-~\u0080-\u{10FFFF}]`;
// dot-atom: no leading, trailing or double dot (net/mail's consumeAtom with dot=true).
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const ADDR_SPEC = new RegExp(`^${DOT_ATOM}@${DOT_ATOM}$`, 'u');

/**
 * Listmonk's `SanitizeEmail`: the trimmed, lower-cased input must parse with Go's
 * `net/mail.ParseAddress` and come back unchanged, so display names, `<…>`, comments and quoted
 * local parts (unquoted by Go) are all refused, as are `a..b@x`, `.a@x` and `a.@x`. Returns the
 * lower-cased address, or undefined when Listmonk answers "Invalid email.". The 1000-byte limit is
 * checked on the raw input, before trimming, as Listmonk does.
 */
export function sanitizeEmail(raw: string): string | undefined {
  if (Buffer.byteLength(raw) > 1000) return undefined;
  const email = goTrimSpace(raw).toLowerCase();
  return ADDR_SPEC.test(email) ? email : undefined;
}

/**
 * The name Listmonk derives from an address when the name is empty: the local part, lower-cased,
 * dots as spaces, each word title-cased — v3/v4 with Go's `strings.Title` (`o'neil` → `O'Neil`),
 * v5+ with `cases.Title` (`o'neil` → `O'neil`, `49ers` → `49Ers`). v2 derives nothing: an empty
 * name is refused ("Invalid name."), so it returns undefined there.
 */
export function deriveName(email: string, version: ListmonkVersion): string | undefined {
  if (version.major < 3) return undefined;
  const local = email.slice(0, email.indexOf('@') < 0 ? email.length : email.indexOf('@')).toLowerCase();
  const words = local
    .replaceAll('.', ' ')
    .split(new RegExp(`${GO_SPACE}+`))
    .filter((w) => w !== '');
  return words.map((w) => (version.major >= 5 ? casesTitle(w) : stringsTitle(w))).join(' ');
}

// strings.Title: a letter after a separator is upper-cased; ASCII but letters, digits and `_` separate.
function stringsTitle(word: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of word) {
    const separator =
      prev.charCodeAt(0) <= 0x7f
        ? !/[0-9A-Za-z_]/.test(prev)
        : !/[\p{L}\p{Nd}]/u.test(prev) && /\s/.test(prev);
    out += separator ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

// x/text/cases Title (und): the first letter of a word is upper-cased, the rest lower-cased; digits
// and `_` neither start nor end a word, an apostrophe inside one is ignored, anything else breaks it.
function casesTitle(word: string): string {
  let started = false;
  let out = '';
  for (const ch of word) {
    if (/\p{L}/u.test(ch)) {
      out += started ? ch.toLowerCase() : ch.toUpperCase();
      started = true;
    } else {
      out += ch;
      if (!/[\p{Nd}_'\u2019:\u00b7]/u.test(ch)) started = false;
    }
  }
  return out;
}

/**
 * True when the address's domain is in `privacy.domain_blocklist`, as Listmonk's importer matches
 * it: the exact domain, or `*.d` (which also blocks `d` itself) for one more label only —
 * `*.example.com` blocks `example.com` and `a.example.com`, not `b.a.example.com`.
 */
export function isBlockedDomain(email: string, ctx: StandInContext): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const entries = (ctx.state.appliedSettings['privacy.domain_blocklist'] as string[] | undefined) ?? [];
  const blocked = new Set<string>();
  let wildcards = false;
  for (const entry of entries) {
    blocked.add(entry);
    if (entry.includes('*.')) {
      wildcards = true;
      blocked.add(entry.replace(/^\*\./, ''));
    }
  }
  if (blocked.has(domain)) return true;
  if (!wildcards || domain.split('.').length - 1 <= 1) return false;
  return blocked.has(['*', ...domain.split('.').slice(1)].join('.'));
}

/**
 * Listmonk's unique index on LOWER(email), per subscriber table: kept by insertSubscriber, rebuilt
 * when the table changed behind it. Without it every imported row scanned every subscriber, and a
 * 3,000-row import spent longer in the stand-in than at Listmonk's own speed.
 */
const EMAIL_INDEXES = new WeakMap<
  Map<number, StoredSubscriber>,
  { size: number; byEmail: Map<string, StoredSubscriber> }
>();

function emailIndexOf(all: Map<number, StoredSubscriber>): Map<string, StoredSubscriber> {
  let index = EMAIL_INDEXES.get(all);
  if (index === undefined || index.size !== all.size) {
    index = { size: all.size, byEmail: new Map() };
    for (const s of all.values()) {
      const key = s.email.toLowerCase();
      if (!index.byEmail.has(key)) index.byEmail.set(key, s);
    }
    EMAIL_INDEXES.set(all, index);
  }
  return index.byEmail;
}

/** The subscriber with this address (case-insensitive, as Listmonk's unique index). */
export function findByEmail(email: string, ctx: StandInContext): StoredSubscriber | undefined {
  const wanted = email.trim().toLowerCase();
  const hit = emailIndexOf(ctx.state.subscribers).get(wanted);
  if (hit === undefined || (ctx.state.subscribers.get(hit.id) === hit && hit.email.toLowerCase() === wanted))
    return hit;
  EMAIL_INDEXES.delete(ctx.state.subscribers);
  return emailIndexOf(ctx.state.subscribers).get(wanted);
}

/** Inserts a subscriber; an empty name is derived from the address (v2: the raw local part). */
export function insertSubscriber(
  ctx: StandInContext,
  input: {
    email: string;
    name: string;
    status?: StoredSubscriber['status'];
    attribs?: Record<string, unknown>;
  },
): StoredSubscriber {
  const email = input.email.trim();
  const subscriber: StoredSubscriber = {
    id: ctx.state.nextId.subscriber++,
    uuid: randomUUID(),
    email,
    name:
      goTrimSpace(input.name) === ''
        ? (deriveName(email, ctx.version) ?? email.slice(0, email.lastIndexOf('@')))
        : goTrimSpace(input.name),
    status: input.status ?? 'enabled',
    attribs: input.attribs ?? {},
    lists: new Map(),
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
  };
  const index = emailIndexOf(ctx.state.subscribers);
  ctx.state.subscribers.set(subscriber.id, subscriber);
  index.set(email.toLowerCase(), subscriber);
  const kept = EMAIL_INDEXES.get(ctx.state.subscribers);
  if (kept !== undefined) kept.size = ctx.state.subscribers.size;
  return subscriber;
}

/** A subscriber as Listmonk answers it. */
export function subscriberOut(s: StoredSubscriber, ctx: StandInContext): Record<string, unknown> {
  return {
    id: s.id,
    uuid: s.uuid,
    email: s.email,
    name: s.name,
    attribs: s.attribs,
    status: s.status,
    lists: [...s.lists.entries()]
      .filter(([id]) => ctx.state.lists.has(id))
      .map(([id, status]) => {
        const list = ctx.state.lists.get(id)!;
        return {
          id,
          uuid: list.uuid,
          name: list.name,
          type: list.type,
          optin: list.optin,
          tags: list.tags,
          subscription_status: status,
        };
      }),
    created_at: ts(s.createdAt),
    updated_at: ts(s.updatedAt),
  };
}
