import { ownCopy } from './own-copy.js';
import type { DkimDayStats, DkimStats, ScannedCounts } from './report-types.js';

const MAX_PENDING = 100_000;

/** DKIM events counted on one day. */
interface DayCounts {
  signed: number;
  messages: number;
  notifications: number;
}

/** A message between its cleanup line and its first qmgr line. */
interface PendingDkim {
  cleaned: boolean;
  signed: boolean;
}

/**
 * OpenDKIM signatures matched to the messages Postfix queued, fed one event at a time in log order.
 * The twin of this state in the WebAssembly scanner is the pending table of
 * packages/ops/assembly/maillog-kernel.ts.
 */
export interface DkimCorrelation {
  /** `postfix/cleanup` `message-id=` on day `date`: a message entered the queue. */
  cleanup(qid: string, date: string): void;
  /** OpenDKIM `DKIM-Signature field added` for the message `qid`, signed for `domain`. */
  signed(qid: string, domain: string, date: string): void;
  /** qmgr `from=`: the first one after cleanup counts the message against its sender's domain. */
  queued(qid: string, sender: string, date: string): void;
  /** qmgr `removed`: the message left the queue. */
  removed(qid: string): void;
  /** Adds what the WebAssembly scanner correlated itself. */
  addScanned(scanned: ScannedCounts): void;
  finish(): DkimStats;
}

const domainOf = (sender: string): string => {
  const at = sender.lastIndexOf('@');
  return at < 0 ? '(local)' : sender.slice(at + 1).toLowerCase();
};

/**
 * Creates the DKIM correlation: the signing ratio overall, per signing domain and per sender
 * domain. Memory stays bounded: at most 100,000 messages wait between cleanup and qmgr.
 *
 * @example
 * const dkim = createDkimCorrelation();
 * dkim.cleanup('4Xyz'); dkim.signed('4Xyz', 'example.com'); dkim.queued('4Xyz', 'a@example.com');
 * dkim.finish().ratio; // 1
 */
export function createDkimCorrelation(): DkimCorrelation {
  const counts = { signed: 0, messages: 0, notifications: 0 };
  const signingDomains = new Map<string, number>();
  const senderDomains = new Map<string, { messages: number; signed: number }>();
  const pendingDkim = new Map<string, PendingDkim>();
  let lastSender = '';
  let lastSenderStats: { messages: number; signed: number } | undefined;
  // Events per day of their own line; lines come in time order, so the last day is kept at hand.
  const days = new Map<string, DayCounts>();
  let lastDate = '';
  let lastDay: DayCounts | undefined;
  const dayOf = (date: string): DayCounts => {
    if (date === lastDate && lastDay !== undefined) return lastDay;
    let d = days.get(date);
    if (d === undefined) {
      d = { signed: 0, messages: 0, notifications: 0 };
      days.set(date, d);
    }
    lastDate = date;
    lastDay = d;
    return d;
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

  return {
    cleanup(qid, date) {
      counts.messages += 1;
      dayOf(date).messages += 1;
      pending(qid).cleaned = true;
    },
    signed(qid, domain, date) {
      counts.signed += 1;
      dayOf(date).signed += 1;
      const signedBefore = signingDomains.get(domain);
      if (signedBefore === undefined) signingDomains.set(ownCopy(domain), 1);
      else signingDomains.set(domain, signedBefore + 1);
      pending(qid).signed = true;
    },
    queued(qid, sender, date) {
      // qmgr logs from= on every retry; only the first one after cleanup counts the message.
      const p = pendingDkim.get(qid);
      if (p === undefined) return;
      pendingDkim.delete(qid);
      if (!p.cleaned) return;
      // Bounce notifications (null sender) are made by Postfix itself and never signed.
      if (sender === '') {
        counts.notifications += 1;
        dayOf(date).notifications += 1;
        return;
      }
      // Most messages come from one sender: its domain's counters are looked up once per run of it.
      let s = sender === lastSender ? lastSenderStats : undefined;
      if (s === undefined) {
        const domain = domainOf(sender);
        s = senderDomains.get(domain);
        if (s === undefined) {
          s = { messages: 0, signed: 0 };
          senderDomains.set(ownCopy(domain), s);
        }
        lastSender = ownCopy(sender);
        lastSenderStats = s;
      }
      s.messages += 1;
      if (p.signed) s.signed += 1;
    },
    removed(qid) {
      pendingDkim.delete(qid);
    },
    addScanned(scanned) {
      counts.signed += scanned.dkim.signed;
      counts.messages += scanned.dkim.messages;
      counts.notifications += scanned.dkim.notifications;
      for (const [date, c] of scanned.dkimByDay) {
        const d = dayOf(date);
        d.signed += c.signed;
        d.messages += c.messages;
        d.notifications += c.notifications;
      }
      for (const [written, n] of scanned.signingDomains) {
        const domain = written.toLowerCase();
        signingDomains.set(domain, (signingDomains.get(domain) ?? 0) + n);
      }
      for (const [written, c] of scanned.senderDomains) {
        const domain = written.toLowerCase();
        const s = senderDomains.get(domain);
        if (s === undefined) senderDomains.set(domain, { ...c });
        else {
          s.messages += c.messages;
          s.signed += c.signed;
        }
      }
    },
    finish() {
      const messages = counts.messages - counts.notifications;
      return {
        signed: counts.signed,
        messages,
        notifications: counts.notifications,
        ratio: messages <= 0 ? undefined : counts.signed / messages,
        bySigningDomain: [...signingDomains].map(([domain, signed]) => ({ domain, signed })),
        bySenderDomain: [...senderDomains]
          .map(([domain, s]) => ({
            domain,
            ...s,
            ratio: s.messages === 0 ? undefined : s.signed / s.messages,
          }))
          .sort((a, b) => b.messages - a.messages),
        byDay: [...days]
          .map(([date, d]): DkimDayStats => {
            const dayMessages = d.messages - d.notifications;
            return {
              date,
              signed: d.signed,
              messages: dayMessages,
              ratio: dayMessages <= 0 ? undefined : d.signed / dayMessages,
            };
          })
          .sort((a, b) => a.date.localeCompare(b.date)),
      };
    },
  };
}
