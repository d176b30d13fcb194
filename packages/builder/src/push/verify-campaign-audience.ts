import { isDeepStrictEqual } from 'node:util';

/** A recipient the build planned for a campaign (one ledger row). */
export interface PlannedRecipient {
  rowId: number;
  email: string;
  attribs: Readonly<Record<string, unknown>>;
}

/** A subscriber as Listmonk reports it, with its subscription to the campaign's list (if any). */
export interface ListmonkMember {
  id: number;
  /** Lower-cased, as Listmonk stores it. */
  email: string;
  status: 'enabled' | 'disabled' | 'blocklisted';
  attribs: Readonly<Record<string, unknown>>;
  /** Subscription status on the list asked about; undefined when not on it. */
  subscription?: string | undefined;
}

/** Why Listmonk keeps a recipient out, when it is one of the ways we can name. */
export type RefusalKind = 'listmonk_blocklist' | 'domain_blocklist' | 'email_rules';

/** The audience check of one campaign. */
export interface AudienceCheck {
  /** On the list, subscribed, not blocklisted, with the attributes the template reads: may be stamped. */
  verified: PlannedRecipient[];
  /** Kept out by Listmonk for a named reason: recorded, never stamped, never retried. */
  refused: Array<{ recipient: PlannedRecipient; kind: RefusalKind; reason: string }>;
  /** Not there (or not as imported) for no reason we can name: the campaign must not be scheduled. */
  missing: Array<{ recipient: PlannedRecipient; why: string }>;
}

// Go's net/mail dot-atom (RFC 5322 atext, UTF-8 allowed): what Listmonk's SanitizeEmail accepts
// for the addresses we write (no display names, no quoted local parts).
const ATEXT = String.raw`[A-Za-z0-9!#$%&'*+/=?^_\x60{|}~\u0080-\uFFFF-]+`;
const DOT_ATOM = new RegExp(`^${ATEXT}(?:\\.${ATEXT})*@${ATEXT}(?:\\.${ATEXT})*$`, 'u');

/** True when Listmonk's e-mail rules (net/mail, at most 1000 bytes) accept the address. */
export function isListmonkAddress(email: string): boolean {
  return Buffer.byteLength(email) <= 1000 && DOT_ATOM.test(email.trim());
}

/** True when `domain` is on a Listmonk domain list (exact, or `*.example.com` for its subdomains). */
export function isListedDomain(domain: string, list: readonly string[]): boolean {
  const d = domain.toLowerCase();
  return list.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === d || (e.startsWith('*.') && d.endsWith(e.slice(1)));
  });
}

/**
 * The attribute keys a rendered campaign reads: `.Subscriber.Attribs.key` and
 * `index .Subscriber.Attribs "key"` in its subject, body and text part.
 */
export function attributesRead(...texts: string[]): string[] {
  const keys = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/\.Subscriber\.Attribs\.([A-Za-z_][A-Za-z0-9_]*)/g)) keys.add(m[1]!);
    for (const m of text.matchAll(/index\s+\.Subscriber\.Attribs\s+"([^"\\]+)"/g)) keys.add(m[1]!);
  }
  return [...keys].sort();
}

/**
 * Checks, from what Listmonk reports, that every planned recipient of a campaign arrived: on the
 * campaign's list (`members`), subscribed, not blocklisted, and holding the attributes the template
 * reads as the build sent them. A recipient that is not there is refused when Listmonk's own rules
 * say why (a blocklisted subscriber, a domain on `privacy.domain_blocklist`, an address its e-mail
 * rules reject) and missing otherwise.
 *
 * @param known subscribers Listmonk holds for these addresses, on any list (their status tells a
 *   blocklisted subscriber apart from one the import skipped).
 * @param domainBlocklist Listmonk's `privacy.domain_blocklist`; undefined when it could not be read.
 */
export function verifyCampaignAudience(
  planned: readonly PlannedRecipient[],
  members: readonly ListmonkMember[],
  known: ReadonlyMap<string, ListmonkMember>,
  attributeKeys: readonly string[],
  domainBlocklist: readonly string[] | undefined,
): AudienceCheck {
  const onList = new Map(members.map((m) => [m.email.toLowerCase(), m]));
  const check: AudienceCheck = { verified: [], refused: [], missing: [] };
  for (const recipient of planned) {
    const email = recipient.email.trim().toLowerCase();
    const member = onList.get(email);
    const subscriber = member ?? known.get(email);
    if (subscriber?.status === 'blocklisted') {
      check.refused.push({
        recipient,
        kind: 'listmonk_blocklist',
        reason: 'blocklisted in Listmonk (an earlier unsubscribe or complaint there)',
      });
      continue;
    }
    if (subscriber === undefined) {
      const domain = email.slice(email.lastIndexOf('@') + 1);
      if (domainBlocklist !== undefined && isListedDomain(domain, domainBlocklist)) {
        check.refused.push({
          recipient,
          kind: 'domain_blocklist',
          reason: `Listmonk's domain blocklist (privacy.domain_blocklist) has ${domain}`,
        });
      } else if (!isListmonkAddress(email)) {
        check.refused.push({
          recipient,
          kind: 'email_rules',
          reason: "Listmonk's e-mail rules (Go net/mail) reject the address",
        });
      } else {
        check.missing.push({ recipient, why: 'not in Listmonk after the import' });
      }
      continue;
    }
    if (member === undefined || member.subscription === 'unsubscribed') {
      check.missing.push({
        recipient,
        why: member === undefined ? "not on the campaign's list" : "unsubscribed from the campaign's list",
      });
      continue;
    }
    const wrong = attributeKeys.filter(
      (key) =>
        Object.hasOwn(recipient.attribs, key) &&
        !isDeepStrictEqual(member.attribs[key], recipient.attribs[key]),
    );
    if (wrong.length > 0) {
      check.missing.push({
        recipient,
        why: `attribute${wrong.length > 1 ? 's' : ''} ${wrong.join(', ')} not as imported`,
      });
      continue;
    }
    check.verified.push(recipient);
  }
  return check;
}

/** "a@x (why), b@y (why) and 12 more": the missing addresses, for an error message. */
export function describeMissing(missing: AudienceCheck['missing'], shown = 10): string {
  const named = missing.slice(0, shown).map((m) => `${m.recipient.email} (${m.why})`);
  const rest = missing.length - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}
