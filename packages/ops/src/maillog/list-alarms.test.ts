import { describe, expect, it } from 'vitest';
import { createReportBuilder } from './build-report.js';
import { type AlarmId, listAlarms } from './list-alarms.js';
import { createParseContext, parseLogLine } from './parse-log-line.js';
import type { ReportOptions } from './report-types.js';

const IPS = { out05: '207.174.124.94', hcout1: '207.174.124.107' };
const PRIMARY = '207.174.124.71';

/** Realistic replies (../shared/DOMAIN.md §4, the runbook's incidents). */
const REPLIES = {
  gmailSent: [
    'sent',
    '2.0.0',
    'gmail-smtp-in.l.google.com[142.250.27.26]',
    '250 2.0.0 OK  1719201841 d2e1a72fcca58-7066 - gsmtp',
  ],
  gmailUnsolicited: [
    'bounced',
    '5.7.1',
    'gmail-smtp-in.l.google.com[142.250.27.26]',
    'host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.1 [207.174.124.94      12] Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. For more information, go to 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError 41be03b00d2f7-7c1 - gsmtp (in reply to end of DATA command)',
  ],
  gmailRate: [
    'deferred',
    '4.7.28',
    'alt1.gmail-smtp-in.l.google.com[142.250.153.27]',
    'host alt1.gmail-smtp-in.l.google.com[142.250.153.27] said: 421-4.7.28 [207.174.124.94      15] Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. 421 4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError a1 - gsmtp (in reply to end of DATA command)',
  ],
  yahooTss04: [
    'deferred',
    '4.7.0',
    'mta5.am0.yahoodns.net[67.195.228.106]',
    'host mta5.am0.yahoodns.net[67.195.228.106] said: 421 4.7.0 [TSS04] Messages from 207.174.124.94 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.verizonmedia.com/error-codes (in reply to MAIL FROM command)',
  ],
  msS775: [
    'deferred',
    '4.7.650',
    'hotmail-com.olc.protection.outlook.com[52.101.8.33]',
    'host hotmail-com.olc.protection.outlook.com[52.101.8.33] said: 451 4.7.650 The mail server [207.174.124.94] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://aka.ms/postmaster (S775) [Name=Protocol Filter Agent][AGT=PFA][MxId=11BA6D5A52A9F9A1] (in reply to MAIL FROM command)',
  ],
  msS3150: [
    'bounced',
    '5.7.1',
    'hotmail-com.olc.protection.outlook.com[52.101.8.33]',
    "host hotmail-com.olc.protection.outlook.com[52.101.8.33] said: 550 5.7.1 Unfortunately, messages from [207.174.124.94] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. (in reply to MAIL FROM command)",
  ],
  ms515: [
    'bounced',
    '5.7.515',
    'acme-com.mail.protection.outlook.com[52.101.42.2]',
    "host acme-com.mail.protection.outlook.com[52.101.42.2] said: 550 5.7.515 Access denied, sending domain performancewest.net doesn't meet the required authentication level. (in reply to end of DATA command)",
  ],
  rlr621: [
    'deferred',
    '4.7.1',
    'mx1.ruralisp.net[198.51.100.40]',
    'host mx1.ruralisp.net[198.51.100.40] said: 451 4.7.1 Message temporarily deferred: blacklisted - RLR621 - ip=<207.174.124.71> (in reply to MAIL FROM command)',
  ],
  ersQil: [
    'bounced',
    '5.7.1',
    'mx.smallfleet.com[198.51.100.25]',
    'host mx.smallfleet.com[198.51.100.25] said: 550 5.7.1 Mail from 207.174.124.71 refused, see ERS-QIL (in reply to MAIL FROM command)',
  ],
  userUnknown: [
    'bounced',
    '5.1.1',
    'mx.smallfleet.com[198.51.100.25]',
    'host mx.smallfleet.com[198.51.100.25] said: 550 5.1.1 <safety@smallfleet.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)',
  ],
} as const satisfies Record<string, readonly [string, string, string, string]>;

type ReplyName = keyof typeof REPLIES;

let qid = 0x100000;
function delivery(name: ReplyName, options: { day?: number; transport?: string; pid?: number } = {}): string {
  const [status, dsn, relay, text] = REPLIES[name];
  qid += 1;
  const program = options.transport === undefined ? 'postfix/smtp' : `postfix/${options.transport}/smtp`;
  const day = String(options.day ?? 24).padStart(2, ' ');
  return `Jun ${day} 10:00:00 mail ${program}[${options.pid ?? 4242}]: ${qid.toString(16).toUpperCase()}: to=<dispatch@example.com>, relay=${relay}:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=${dsn}, status=${status} (${text})`;
}

function repeat(n: number, make: () => string): string[] {
  return Array.from({ length: n }, make);
}

function alarmsOf(
  lines: string[],
  options: ReportOptions = { transportIps: IPS, primaryIp: PRIMARY },
  thresholds = {},
) {
  const ctx = createParseContext({ year: 2026, month: 6, day: 30 });
  const builder = createReportBuilder(options);
  for (const line of lines) builder.add(line, parseLogLine(line, ctx));
  const report = builder.finish();
  return { report, alarms: listAlarms(report, thresholds) };
}

const ids = (lines: string[], thresholds = {}) =>
  alarmsOf(lines, undefined, thresholds)
    .alarms.map((a) => a.id)
    .sort();

describe('listAlarms from realistic reply texts', () => {
  const healthy = repeat(95, () => delivery('gmailSent', { transport: 'out05' }));

  it('raises nothing for a healthy day', () => {
    expect(alarmsOf(healthy).alarms).toEqual([]);
  });

  it.each<[ReplyName, AlarmId, 'critical' | 'warning', RegExp]>([
    ['gmailUnsolicited', 'gmail_unsolicited', 'critical', /^STOP/],
    ['gmailRate', 'gmail_unsolicited', 'critical', /^STOP/],
    ['yahooTss04', 'yahoo_tss', 'critical', /^STOP/],
    ['msS775', 'microsoft_reputation', 'warning', /^hold/],
    ['msS3150', 'microsoft_reputation', 'warning', /^hold/],
    ['ms515', 'microsoft_reputation', 'warning', /^hold/],
    ['rlr621', 'rbl_listed', 'warning', /^investigate/],
    ['ersQil', 'rbl_listed', 'warning', /^investigate/],
  ])('%s raises %s (%s) with the runbook action', (reply, id, severity, action) => {
    const { alarms } = alarmsOf([...healthy, delivery(reply, { transport: 'out05' })]);
    const alarm = alarms.find((a) => a.id === id);
    expect(alarm).toMatchObject({ severity, action: expect.stringMatching(action) });
    expect(alarm?.evidence.samples).toHaveLength(1);
    expect(alarm?.evidence.samples[0]).toContain('to=<***@example.com>');
    expect(Object.values(alarm?.evidence.counts ?? {}).reduce((s, n) => s + n, 0)).toBe(1);
  });

  it('does not alarm on a recipient bounce', () => {
    expect(ids([...healthy, delivery('userUnknown', { transport: 'out05' })])).toEqual([]);
  });

  it('raises re-bind and primary-IP egress after the June 24 reboot (bind failure, fallback to .71)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      lines.push(
        `Jun 24 04:05:${String(i).padStart(2, '0')} mail postfix/out05/smtp[${9000 + i}]: warning: smtp_connect_addr: bind 207.174.124.94: Cannot assign requested address`,
        delivery(i % 3 === 0 ? 'rlr621' : 'gmailSent', { transport: 'out05', pid: 9000 + i }),
      );
    }
    const { report, alarms } = alarmsOf(lines);
    expect(report.byIp.map((r) => [r.ip, r.via])).toEqual([
      [PRIMARY, { transport: 0, default: 0, bindFallback: 40, quoted: 20 }],
    ]);
    expect(alarms.map((a) => a.id).sort()).toEqual(['bind_failure', 'primary_ip_egress', 'rbl_listed']);
    const bind = alarms.find((a) => a.id === 'bind_failure')!;
    expect(bind).toMatchObject({ severity: 'critical', evidence: { counts: { '207.174.124.94': 60 } } });
    expect(bind.action).toMatch(/^re-bind/);
  });

  it('raises DKIM STOP when campaign mail leaves unsigned while cron mail is signed (June 17)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      const q = (0xa00000 + i).toString(16).toUpperCase();
      const campaign = i >= 5;
      lines.push(
        `Jun 17 09:00:${String(i).padStart(2, '0')} mail postfix/cleanup[700]: ${q}: message-id=<${q}@example.net>`,
      );
      if (!campaign)
        lines.push(
          `Jun 17 09:00:${String(i).padStart(2, '0')} mail opendkim[880]: ${q}: DKIM-Signature field added (s=mail, d=performancewest.net)`,
        );
      lines.push(
        `Jun 17 09:00:${String(i).padStart(2, '0')} mail postfix/qmgr[701]: ${q}: from=<${campaign ? 'compliance' : 'root'}@performancewest.net>, size=1000, nrcpt=1 (queue active)`,
      );
    }
    const { report, alarms } = alarmsOf(lines);
    expect(report.dkim).toMatchObject({ signed: 5, messages: 30 });
    expect(report.dkim.bySenderDomain).toEqual([
      { domain: 'performancewest.net', messages: 30, signed: 5, ratio: 5 / 30 },
    ]);
    expect(alarms.map((a) => a.id)).toEqual(['dkim_unsigned']);
    expect(alarms[0]?.action).toMatch(/^STOP: mail is leaving unsigned/);
  });

  it('judges a day: delivery under 65 %, ≥ 10 % reputation rejects (the May 30 collapse)', () => {
    const day = [
      ...repeat(50, () => delivery('gmailSent', { transport: 'out05', day: 30 })),
      ...repeat(20, () => delivery('userUnknown', { transport: 'out05', day: 30 })),
      ...repeat(10, () => delivery('msS3150', { transport: 'out05', day: 30 })),
    ];
    expect(ids(day, { microsoftReputation: 1000 })).toEqual(['low_delivery_rate', 'reputation_rejects']);
    // 50 sent of 80: 62.5 % — and with fewer attempts than minDailyAttempts nothing is judged.
    expect(ids(day, { microsoftReputation: 1000, minDailyAttempts: 81 })).toEqual([]);
  });

  it('raises Microsoft throttling at 70 % of a day’s Microsoft deliveries', () => {
    const day = [
      ...repeat(65, () => delivery('msS775', { transport: 'out05' })),
      ...repeat(100, () => delivery('gmailSent', { transport: 'out05' })),
    ];
    const msSent = repeat(
      25,
      () =>
        `${delivery('gmailSent', { transport: 'out05' }).replace(/relay=[^,]+/, 'relay=hotmail-com.olc.protection.outlook.com[52.101.8.33]:25')}`,
    );
    expect(ids([...day, ...msSent], { microsoftReputation: 1000 })).toEqual(['microsoft_throttling']);
    expect(ids([...day, ...msSent, ...msSent], { microsoftReputation: 1000 })).toEqual([]);
  });

  it('raises the daily Gmail alarm above 150 550-5.7.1 in a day, not at 150', () => {
    const sent = repeat(2000, () => delivery('gmailSent', { transport: 'out05' }));
    const blocks = (n: number) => repeat(n, () => delivery('gmailUnsolicited', { transport: 'out05' }));
    const quiet = { gmailUnsolicited: 100_000 };
    expect(ids([...sent, ...blocks(150)], quiet)).toEqual([]);
    const { alarms } = alarmsOf([...sent, ...blocks(151)], undefined, quiet);
    expect(alarms.map((a) => a.id)).toEqual(['gmail_blocks_daily']);
    expect(alarms[0]?.evidence.days).toEqual({ '2026-06-24': { gmailUnsolicited: 151 } });
    expect(alarms[0]?.evidence.samples[0]).toMatch(/likely unsolicited mail/);
  });
});
