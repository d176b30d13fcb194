import type { ReplySignal } from './classify-reply.js';
import type { DayStats, MailLogReport } from './report-types.js';

/** Alarm thresholds; the defaults are the runbook's and the original monitor's. */
export interface AlarmThresholds {
  /** Gmail `550-5.7.1 … unsolicited` / `421-4.7.28` replies that mean STOP (default 1: any). */
  gmailUnsolicited: number;
  /** Yahoo `[TSS04]`/`[TSS05]` (and TS02/TS03/BL21) replies that mean STOP (default 1). */
  yahooTss: number;
  /** Microsoft S3150 / S775 / 5.7.515 replies that mean hold (default 1). */
  microsoftReputation: number;
  /** Replies naming a block list (Spamhaus, RLR621, ERS-QIL) that mean investigate (default 1). */
  rblMentions: number;
  /** `Cannot assign requested address` bind failures that mean re-bind (default 1). */
  bindFailures: number;
  /** DKIM signatures per message below which mail is leaving unsigned (default 0.9). */
  dkimMinRatio: number;
  /** Messages needed before the DKIM ratio is judged (default 20). */
  dkimMinMessages: number;
  /** Share of a day's egress leaving from the primary IP above which it alarms (default 0.1). */
  primaryEgressMaxShare: number;
  /** A day's delivery rate below which it alarms (default 0.65). */
  minDeliveryRate: number;
  /** Share of a day's egress rejected for reputation (5.7.x) at or above which it alarms (default 0.1). */
  maxReputationRejectShare: number;
  /** Share of a day's Microsoft deliveries throttled at or above which it alarms (default 0.7). */
  maxMicrosoftThrottleShare: number;
  /** Gmail `550-5.7.1` replies in one day above which it alarms (default 150). */
  maxGmailUnsolicitedPerDay: number;
  /** Deliveries a day needs before its shares and rates are judged (default 50). */
  minDailyAttempts: number;
}

/** The defaults of {@link AlarmThresholds}. */
export const DEFAULT_ALARM_THRESHOLDS: Readonly<AlarmThresholds> = {
  gmailUnsolicited: 1,
  yahooTss: 1,
  microsoftReputation: 1,
  rblMentions: 1,
  bindFailures: 1,
  dkimMinRatio: 0.9,
  dkimMinMessages: 20,
  primaryEgressMaxShare: 0.1,
  minDeliveryRate: 0.65,
  maxReputationRejectShare: 0.1,
  maxMicrosoftThrottleShare: 0.7,
  maxGmailUnsolicitedPerDay: 150,
  minDailyAttempts: 50,
};

export const ALARM_IDS = [
  'gmail_unsolicited',
  'yahoo_tss',
  'microsoft_reputation',
  'rbl_listed',
  'bind_failure',
  'dkim_unsigned',
  'primary_ip_egress',
  'low_delivery_rate',
  'reputation_rejects',
  'microsoft_throttling',
  'gmail_blocks_daily',
] as const;
export type AlarmId = (typeof ALARM_IDS)[number];

/** `critical`: stop sending now. `warning`: hold or investigate today. */
export type AlarmSeverity = 'critical' | 'warning';

/** What an alarm saw. */
export interface AlarmEvidence {
  counts: Record<string, number>;
  /** Per-day figures for the days that tripped it. */
  days?: Record<string, Record<string, number>>;
  /** A few log lines (addresses' local parts redacted). */
  samples: string[];
}

/** One alarm: what, how bad, the evidence, and the runbook's action. */
export interface Alarm {
  id: AlarmId;
  severity: AlarmSeverity;
  summary: string;
  evidence: AlarmEvidence;
  action: string;
}

const ACTIONS: Record<AlarmId, string> = {
  gmail_unsolicited:
    'STOP sending to Gmail and hold the ramp cap for several days (runbook: if Gmail 550-5.7.1 reappears, STOP and hold); keep google in build.excludeOperators until reputation recovers',
  yahoo_tss:
    'STOP: Yahoo-family mail must not be sent at all; check the Yahoo family exclusion and the Postfix hold: transport map, then hold the ramp cap for several days',
  microsoft_reputation:
    'hold the ramp cap (no increase) and keep Microsoft volume flat; S3150 means the IP is on Microsoft’s block list: request delisting once the cause is fixed; 5.7.515 means SPF/DKIM/DMARC must all pass',
  rbl_listed:
    'investigate: check the named IP against the block lists (mailramp ops check-dns), find what sends from it, and request delisting once fixed',
  bind_failure:
    're-bind the missing sending IPs now (ip addr add IP/PREFIX dev IFACE; mailramp ops watchdog), then postqueue -f; make the address survive a reboot and set smtp_bind_address_enforce=yes',
  dkim_unsigned:
    'STOP: mail is leaving unsigned; check opendkim.conf KeyTable/SigningTable/InternalHosts (the Docker bridge must be internal), restart opendkim and verify "DKIM-Signature field added" for a test message',
  primary_ip_egress:
    'mail is leaving from the primary IP (not in SPF, not warmed): re-bind the sending IPs, set smtp_bind_address_enforce=yes, and check the transports in master.cf',
  low_delivery_rate:
    'hold the ramp cap for the next days and read the top deferral and bounce reasons for the cause',
  reputation_rejects:
    'hold the ramp cap; reputation rejects (5.7.x) mean the receivers distrust the IP or content: cut volume to the best recipients',
  microsoft_throttling: 'hold the ramp cap and reduce Microsoft volume until throttling falls',
  gmail_blocks_daily:
    'STOP sending to Gmail and hold the ramp cap for several days (the June bad day had 202)',
};

const SEVERITY: Record<AlarmId, AlarmSeverity> = {
  gmail_unsolicited: 'critical',
  yahoo_tss: 'critical',
  microsoft_reputation: 'warning',
  rbl_listed: 'warning',
  bind_failure: 'critical',
  dkim_unsigned: 'critical',
  primary_ip_egress: 'critical',
  low_delivery_rate: 'warning',
  reputation_rejects: 'critical',
  microsoft_throttling: 'warning',
  gmail_blocks_daily: 'critical',
};

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/**
 * Applies the alarm thresholds to a report: each alarm has a severity, its evidence (counts and
 * sample lines) and the runbook's action. Pure.
 *
 * @example
 * listAlarms(report, { dkimMinRatio: 0.95 }).filter((a) => a.severity === 'critical');
 */
export function listAlarms(report: MailLogReport, overrides: Partial<AlarmThresholds> = {}): Alarm[] {
  const t: AlarmThresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...definedOnly(overrides) };
  const alarms: Alarm[] = [];
  const raise = (id: AlarmId, summary: string, evidence: AlarmEvidence) =>
    alarms.push({ id, severity: SEVERITY[id], summary, evidence, action: ACTIONS[id] });
  const signal = (...names: ReplySignal[]) => {
    const found = report.signals.filter((s) => names.includes(s.signal));
    const counts: Record<string, number> = {};
    const byDay: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const s of found) {
      counts[s.signal] = s.count;
      total += s.count;
      for (const [date, n] of Object.entries(s.byDay)) {
        byDay[date] = { ...byDay[date], [s.signal]: n };
      }
    }
    return { total, evidence: { counts, days: byDay, samples: found.flatMap((s) => s.samples).slice(0, 5) } };
  };

  const gmail = signal('gmail_unsolicited', 'gmail_rate');
  if (gmail.total >= t.gmailUnsolicited) {
    raise(
      'gmail_unsolicited',
      `Gmail answered ${gmail.total} deliveries with unsolicited-mail blocks or rate limits`,
      gmail.evidence,
    );
  }
  const yahoo = signal('yahoo_tss');
  if (yahoo.total >= t.yahooTss) {
    raise('yahoo_tss', `Yahoo deferred ${yahoo.total} deliveries with [TSS04]-type replies`, yahoo.evidence);
  }
  const microsoft = signal('microsoft_block', 'microsoft_reputation', 'microsoft_auth');
  if (microsoft.total >= t.microsoftReputation) {
    raise(
      'microsoft_reputation',
      `Microsoft answered ${microsoft.total} deliveries with S3150/S775/5.7.515`,
      microsoft.evidence,
    );
  }
  const rbl = signal('rbl');
  if (rbl.total >= t.rblMentions) {
    raise(
      'rbl_listed',
      `${rbl.total} replies name a block list (Spamhaus, RLR621, ERS-QIL, …)`,
      rbl.evidence,
    );
  }

  const bindTotal = report.bindFailures.reduce((sum, b) => sum + b.count, 0);
  if (bindTotal >= t.bindFailures) {
    raise(
      'bind_failure',
      `${bindTotal} bind failures (Cannot assign requested address) for ${report.bindFailures.map((b) => b.ip).join(', ')}`,
      {
        counts: Object.fromEntries(report.bindFailures.map((b) => [b.ip, b.count])),
        samples: report.bindFailures.flatMap((b) => b.samples).slice(0, 5),
      },
    );
  }

  const { dkim } = report;
  const unsignedDomains = dkim.bySenderDomain.filter(
    (d) => d.messages >= t.dkimMinMessages && (d.ratio ?? 0) < t.dkimMinRatio,
  );
  if (
    dkim.messages >= t.dkimMinMessages &&
    ((dkim.ratio ?? 0) < t.dkimMinRatio || unsignedDomains.length > 0)
  ) {
    const counts: Record<string, number> = { signed: dkim.signed, messages: dkim.messages };
    for (const d of unsignedDomains) {
      counts[`${d.domain} messages`] = d.messages;
      counts[`${d.domain} signed`] = d.signed;
    }
    const worst =
      (dkim.ratio ?? 0) < t.dkimMinRatio
        ? `${dkim.signed} signatures for ${dkim.messages} messages (${pct(dkim.ratio ?? 0)})`
        : `${unsignedDomains.map((d) => `${d.domain} ${d.signed}/${d.messages}`).join(', ')} signed`;
    raise('dkim_unsigned', `DKIM signing ratio under ${pct(t.dkimMinRatio)}: ${worst}`, {
      counts,
      samples: [],
    });
  }

  const judged = report.byDay.filter((d) => d.egress >= t.minDailyAttempts);
  const daily = (
    id: AlarmId,
    trips: (d: DayStats) => boolean,
    figures: (d: DayStats) => Record<string, number>,
    summary: (days: DayStats[]) => string,
    days: readonly DayStats[] = judged,
    samples?: string[],
  ) => {
    const hit = days.filter(trips);
    if (hit.length === 0) return;
    const counts: Record<string, number> = {};
    for (const d of hit) for (const [k, v] of Object.entries(figures(d))) counts[k] = (counts[k] ?? 0) + v;
    raise(id, summary(hit), {
      counts,
      days: Object.fromEntries(hit.map((d) => [d.date, figures(d)])),
      samples: samples ?? hit.flatMap((d) => d.samples).slice(0, 5),
    });
  };

  if (report.primaryIp !== undefined) {
    daily(
      'primary_ip_egress',
      (d) => d.primaryEgress / d.egress > t.primaryEgressMaxShare,
      (d) => ({ egress: d.egress, primaryEgress: d.primaryEgress }),
      (days) =>
        `${days.map((d) => `${d.date}: ${pct(d.primaryEgress / d.egress)}`).join(', ')} of egress left from the primary IP ${report.primaryIp}`,
    );
  }
  daily(
    'low_delivery_rate',
    (d) => (d.deliveryRate ?? 1) < t.minDeliveryRate,
    (d) => ({ sent: d.sent, deferred: d.deferred, bounced: d.bounced }),
    (days) =>
      `delivery under ${pct(t.minDeliveryRate)}: ${days.map((d) => `${d.date} ${pct(d.deliveryRate ?? 0)}`).join(', ')}`,
    report.byDay.filter((d) => d.sent + d.deferred + d.bounced >= t.minDailyAttempts),
  );
  daily(
    'reputation_rejects',
    (d) => d.reputationRejects / d.egress >= t.maxReputationRejectShare,
    (d) => ({ egress: d.egress, reputationRejects: d.reputationRejects }),
    (days) =>
      `reputation rejects at or over ${pct(t.maxReputationRejectShare)}: ${days.map((d) => `${d.date} ${pct(d.reputationRejects / d.egress)}`).join(', ')}`,
  );
  daily(
    'microsoft_throttling',
    (d) =>
      d.microsoftAttempts >= t.minDailyAttempts &&
      d.microsoftThrottled / d.microsoftAttempts >= t.maxMicrosoftThrottleShare,
    (d) => ({ microsoftAttempts: d.microsoftAttempts, microsoftThrottled: d.microsoftThrottled }),
    (days) =>
      `Microsoft throttling at or over ${pct(t.maxMicrosoftThrottleShare)}: ${days.map((d) => `${d.date} ${pct(d.microsoftThrottled / d.microsoftAttempts)}`).join(', ')}`,
    report.byDay,
  );
  daily(
    'gmail_blocks_daily',
    (d) => d.gmailUnsolicited > t.maxGmailUnsolicitedPerDay,
    (d) => ({ gmailUnsolicited: d.gmailUnsolicited }),
    (days) =>
      `more than ${t.maxGmailUnsolicitedPerDay} Gmail 550-5.7.1 in a day: ${days.map((d) => `${d.date} ${d.gmailUnsolicited}`).join(', ')}`,
    report.byDay,
    report.signals.find((s) => s.signal === 'gmail_unsolicited')?.samples,
  );
  return alarms;
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
