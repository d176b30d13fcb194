import { listReplySignals, type ReplySignal } from '../maillog/classify-reply.js';

/**
 * The reply signals a reply-based alarm counts: its evidence is receivers' answers to mail from
 * particular sending IPs. Alarms not listed (DKIM ratio, queue, delivery mix…) are about the host.
 */
const ALARM_SIGNALS: Readonly<Record<string, readonly ReplySignal[]>> = {
  gmail_unsolicited: ['gmail_unsolicited', 'gmail_rate'],
  gmail_blocks_daily: ['gmail_unsolicited'],
  yahoo_tss: ['yahoo_tss'],
  microsoft_reputation: ['microsoft_block', 'microsoft_reputation', 'microsoft_auth'],
  rbl_listed: ['rbl'],
};

/** A stored `report_outcomes` row, as far as ownership needs it. */
export interface OwnerOutcome {
  day: string;
  ip: string;
  outcome: string;
  reason: string;
}

/** A stream as ownership needs it: its name and every IP it sends or sent from. */
export interface OwnerStream {
  name: string;
  ips: readonly string[];
}

/** Whether an alarm's replies can be traced to sending IPs (see {@link planAlarmOwners}). */
export const isReplyAlarm = (alarm: string): boolean => alarm in ALARM_SIGNALS;

/**
 * The streams a host-wide (scope '') alarm stops. A reply-based alarm (Gmail 550-5.7.1 / 4.7.28,
 * Yahoo TSS, Microsoft S3150, block lists) stops only the streams owning the sending IPs that
 * carried its replies: the IPs of the stored outcome rows of its days whose reason shows one of its
 * signals, and any stream IP its evidence samples name. When none can be traced, and for alarms
 * that are about the host (the DKIM ratio counts unsigned mail, whoever sent it), every stream. Pure.
 *
 * @example
 * planAlarmOwners('gmail_unsolicited', ['2026-06-22'], outcomes, [], streams); // ['trucking']
 */
export function planAlarmOwners(
  alarm: string,
  days: readonly string[],
  outcomes: readonly OwnerOutcome[],
  samples: readonly string[],
  streams: readonly OwnerStream[],
): { streams: string[]; ips: string[]; hostWide: boolean } {
  const all = { streams: streams.map((s) => s.name), ips: [], hostWide: true };
  const signals = ALARM_SIGNALS[alarm];
  if (signals === undefined) return all;
  const ips = new Set<string>();
  for (const o of outcomes) {
    if (o.outcome === 'accepted' || o.reason === '' || !days.includes(o.day)) continue;
    if (listReplySignals(o.reason).some((s) => signals.includes(s))) ips.add(o.ip);
  }
  for (const s of streams) {
    for (const ip of s.ips) {
      // Gmail names the connecting IP in brackets: `550-5.7.1 [203.0.113.94] …`.
      if (samples.some((line) => line.includes(`[${ip}]`))) ips.add(ip);
    }
  }
  const owners = streams.filter((s) => s.ips.some((ip) => ips.has(ip))).map((s) => s.name);
  return owners.length === 0 ? all : { streams: owners, ips: [...ips].sort(), hostWide: false };
}
