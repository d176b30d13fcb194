/**
 * One delivery attempt as the mail log tells it, in plain data. The builder does not read logs: the
 * app feeds it the parser's delivery events (issue 8) mapped onto this shape.
 */
export interface DeliveryAttempt {
  email: string;
  status: 'sent' | 'deferred' | 'bounced' | 'expired' | (string & {});
  /** Enhanced status code (`5.1.1`), when known. */
  dsn: string | undefined;
  replyText: string;
  at: Date;
  relayHost: string | undefined;
  /** A stable id of the event in its source (e.g. the queue id): two syncs of one log see the same id. */
  id?: string | undefined;
}

/** One Listmonk bounce record, in plain data. */
export interface BounceRecord {
  instance: string;
  id: number;
  email: string;
  type: 'soft' | 'hard' | 'complaint';
  /** Listmonk's bounce meta (the remote reply, when its bounce processor kept it). */
  meta: unknown;
  at: Date;
}

/** How sync decides (config `suppress`). */
export interface SuppressRules {
  /** DSNs that mean "this recipient does not exist". */
  recipientFailureCodes: readonly string[];
  /** Suppress after this many counted failures of one address. */
  threshold: number;
  deadTenant: {
    /** The deferral a dead Microsoft 365 tenant answers with. */
    dsn: string;
    /** Every attempt to the domain answered so, on at least this many distinct days. */
    minDays: number;
    minAttempts: number;
  };
}

/** The seed system's bounce-sync rules (SEED-SYSTEM.md "Monitoring and bounces"). */
export const DEFAULT_SUPPRESS_RULES: SuppressRules = {
  recipientFailureCodes: ['5.1.1', '5.1.10', '5.1.0', '5.0.0', '5.4.1', '5.5.0'],
  threshold: 3,
  deadTenant: { dsn: '4.4.4', minDays: 3, minAttempts: 3 },
};

// Replies that blame the sender, not the recipient: reputation, block lists, policy. The May 30
// blast's 5.7.1 replies once blocklisted ~17,000 carriers; such a reply never counts, whatever its code.
const POLICY_REPLY =
  /\b5\.7\.\d{1,3}\b|block ?list|black ?list|\bblocked\b|spamhaus|barracudacentral|\bRBL\b|\bDNSBL\b|reputation|unsolicited|\bspam\b|\bpolicy\b|\bS3150\b|\bBL21\b|\bTSS0\d\b|\bTS0\d\b|\bRLR\d+\b|ERS-QIL|rate limit/i;

/** True when a reply (or a Listmonk bounce's meta) blames the sender rather than the recipient. Pure. */
export function isPolicyReply(text: string): boolean {
  return POLICY_REPLY.test(text);
}

/** The enhanced status code in a reply text, or undefined. */
export function dsnInText(text: string): string | undefined {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
}

/** How one failure counts toward suppressing its recipient. */
export type FailureVerdict = 'recipient' | 'policy' | 'other';

/**
 * Classifies a hard failure: `recipient` (counts toward suppression) only for a listed DSN with no
 * sender-blaming words in the reply; `policy` for 5.7.x and block-list/reputation replies; `other`
 * for anything else (full mailbox, content …). Pure.
 */
export function classifyFailure(
  dsn: string | undefined,
  replyText: string,
  rules: SuppressRules,
): FailureVerdict {
  if (dsn?.startsWith('5.7.') || isPolicyReply(replyText)) return 'policy';
  if (dsn !== undefined && rules.recipientFailureCodes.includes(dsn)) return 'recipient';
  return 'other';
}

/** A domain whose every attempt was deferred with the dead-tenant DSN, over several days. */
export interface DeadTenant {
  domain: string;
  attempts: number;
  days: number;
  firstAt: Date;
  lastAt: Date;
  relayHosts: string[];
}

/** Tracks attempts per domain and reports dead Microsoft 365 tenants. Pure (no I/O). */
export function createDeadTenantTracker(rules: SuppressRules) {
  const domains = new Map<
    string,
    { attempts: number; dead: number; days: Set<string>; first: number; last: number; hosts: Set<string> }
  >();
  const deadPattern = new RegExp(`\\b4\\d\\d[ -]${rules.deadTenant.dsn.replaceAll('.', '\\.')}\\b`);
  return {
    add(attempt: DeliveryAttempt): void {
      const domain = attempt.email.slice(attempt.email.lastIndexOf('@') + 1).toLowerCase();
      if (domain === '') return;
      let d = domains.get(domain);
      if (d === undefined) {
        d = { attempts: 0, dead: 0, days: new Set(), first: Infinity, last: -Infinity, hosts: new Set() };
        domains.set(domain, d);
      }
      const t = attempt.at.getTime();
      d.attempts += 1;
      d.first = Math.min(d.first, t);
      d.last = Math.max(d.last, t);
      const dead =
        attempt.status !== 'sent' &&
        (attempt.dsn === rules.deadTenant.dsn || deadPattern.test(attempt.replyText));
      if (dead) {
        d.dead += 1;
        d.days.add(attempt.at.toISOString().slice(0, 10));
        if (attempt.relayHost !== undefined) d.hosts.add(attempt.relayHost.toLowerCase());
      }
    },
    list(): DeadTenant[] {
      const out: DeadTenant[] = [];
      for (const [domain, d] of domains) {
        if (d.dead !== d.attempts || d.attempts < rules.deadTenant.minAttempts) continue;
        if (d.days.size < rules.deadTenant.minDays) continue;
        out.push({
          domain,
          attempts: d.attempts,
          days: d.days.size,
          firstAt: new Date(d.first),
          lastAt: new Date(d.last),
          relayHosts: [...d.hosts].sort(),
        });
      }
      return out.sort((a, b) => a.domain.localeCompare(b.domain));
    },
  };
}
