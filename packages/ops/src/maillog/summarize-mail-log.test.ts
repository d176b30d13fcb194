import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { statLogFiles } from './read-log-files.js';
import { OTHER_REASONS } from './report-types.js';
import { summarizeMailLog } from './summarize-mail-log.js';
import { generateMailLog } from './testing/generate-mail-log.js';
import { listSampleLogs, SAMPLE_DIR } from './testing/sample-logs.js';

/**
 * pflogsumm 1.1.5's Grand Totals for each sample (test/fixtures/postfix/SOURCES.md): delivered
 * counts `status=sent` lines, deferred counts messages with at least one deferral, bounced counts
 * `status=bounced` lines.
 */
const PFLOGSUMM_TOTALS: Record<
  string,
  { sent: number; deferred: number; deferrals: number; bounced: number }
> = {
  'infohtreasure-Postfix-Maillog-Dump-maillog.log': { sent: 5, deferred: 3, deferrals: 10, bounced: 1 },
  'infohtreasure-Postfix-Maillog-Dump-mailog2.log': { sent: 8, deferred: 1, deferrals: 6, bounced: 3 },
  'digineo-postfix_exporter-testdata-mail.log': { sent: 2, deferred: 0, deferrals: 0, bounced: 0 },
  'inqueue-postfix-ecs-pipeline-test-mail.log': { sent: 1, deferred: 0, deferrals: 0, bounced: 0 },
  'msimerson-log-ship-elastic-postfix-test-mail.log': { sent: 1, deferred: 0, deferrals: 0, bounced: 0 },
  'fail2ban-fail2ban-postfix.log': { sent: 0, deferred: 0, deferrals: 0, bounced: 0 },
  'QubitPi-hashicorp-aws-docs-docker-mailserver.log': { sent: 1, deferred: 2, deferrals: 2, bounced: 0 },
  'kumina-postfix_exporter-logCollector_test.log': { sent: 3, deferred: 4, deferrals: 4, bounced: 1 },
  'kumina-postfix_exporter-postfix_exporter_test.log': { sent: 1, deferred: 1, deferrals: 1, bounced: 1 },
  'Hsn723-postfix_exporter-exporter_test.log': { sent: 2, deferred: 0, deferrals: 0, bounced: 0 },
  'digineo-postfix_exporter-logline_parser_test.log': { sent: 0, deferred: 0, deferrals: 0, bounced: 0 },
  'whyscream-postfix-grok-patterns-test-data.log': { sent: 0, deferred: 0, deferrals: 0, bounced: 0 },
};

const run = promisify(execFile);
const PFLOGSUMM = ['/usr/sbin/pflogsumm', '/usr/bin/pflogsumm'].find((p) => existsSync(p));

/** Runs pflogsumm and reads its Grand Totals. */
async function pflogsumm(path: string) {
  const { stdout } = await run(PFLOGSUMM!, [path], { maxBuffer: 64 * 1024 * 1024 });
  const number = (label: string) => Number(new RegExp(`^\\s*(\\d+)\\s+${label}`, 'm').exec(stdout)?.[1]);
  return {
    sent: number('delivered'),
    deferred: number('deferred'),
    deferrals: Number(/\((\d+)\s+deferrals\)/.exec(stdout)?.[1] ?? 0),
    bounced: number('bounced'),
  };
}

describe('summarizeMailLog on the real sample logs', () => {
  const files = listSampleLogs().map((s) => s.name);

  it('knows pflogsumm’s totals for every sample file', () => {
    expect(files.sort()).toEqual(Object.keys(PFLOGSUMM_TOTALS).sort());
  });

  it.each(files)('%s: survives every line and counts what pflogsumm counts', async (name) => {
    const summary = await summarizeMailLog({ files: await statLogFiles([join(SAMPLE_DIR, name)]) });
    const { sent, deferred, deferrals, bounced } = summary.totals;
    expect({ sent, deferred, deferrals, bounced }).toEqual(PFLOGSUMM_TOTALS[name]);
    expect(summary.lines.total).toBe(summary.lines.parsed + summary.lines.malformed);
  });

  it('counts lines without a syslog prefix as malformed and goes on', async () => {
    const summary = await summarizeMailLog({
      files: await statLogFiles([join(SAMPLE_DIR, 'whyscream-postfix-grok-patterns-test-data.log')]),
    });
    expect(summary.lines.malformed).toBe(summary.lines.total);
    expect(summary.lines.malformedSamples).toHaveLength(3);
  });
});

describe('summarizeMailLog on a generated corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-maillog-'));

  it.each([
    ['rfc3164', false],
    ['mixed', true],
  ] as const)(
    '%s timestamps (long queue ids: %s): totals equal what the generator wrote',
    async (format, longQueueIds) => {
      const path = join(dir, `${format}.log`);
      const chunks: string[] = [];
      const written = generateMailLog(
        { lines: 30_000, seed: 11, format, longQueueIds, messagesPerMinute: 120 },
        (c) => chunks.push(c),
      );
      writeFileSync(path, chunks.join(''));
      const summary = await summarizeMailLog({ files: await statLogFiles([path]) });
      expect(summary.lines.total).toBe(written.lines);
      expect(summary.lines.malformed).toBe(written.malformed);
      expect(summary.totals).toMatchObject({
        sent: written.sent,
        deferred: written.deferred,
        deferrals: written.deferrals,
        bounced: written.bounced,
        expired: written.expired,
      });
      expect(summary.dkim.signed).toBe(written.dkimSigned);
      expect(summary.bindFailures.reduce((s, b) => s + b.count, 0)).toBe(written.bindFailures);
    },
  );

  const pflogsummName = `totals equal pflogsumm’s Grand Totals on the same file${
    PFLOGSUMM === undefined ? ' (skipped: pflogsumm is not installed; apt-get install pflogsumm)' : ''
  }`;
  it.skipIf(PFLOGSUMM === undefined)(pflogsummName, async () => {
    const path = join(dir, 'pflogsumm.log');
    const chunks: string[] = [];
    generateMailLog({ lines: 40_000, seed: 5, format: 'mixed', messagesPerMinute: 90 }, (c) =>
      chunks.push(c),
    );
    writeFileSync(path, chunks.join(''));
    const [ours, theirs] = await Promise.all([
      summarizeMailLog({ files: await statLogFiles([path]) }),
      pflogsumm(path),
    ]);
    const { sent, deferred, deferrals, bounced } = ours.totals;
    expect({ sent, deferred, deferrals, bounced }).toEqual(theirs);
  });
});

describe('summarizeMailLog per day and per sending IP hour (what report_days and report_hours store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-maillog-days-'));
  const TRANSPORT_IPS = { out05: '203.0.113.94', out06: '203.0.113.95' };
  const PRIMARY = '203.0.113.71';

  it.each([true, false])(
    'counts DKIM on the day of each line and egress per IP and hour (scanner: %s)',
    async (kernel) => {
      const path = join(dir, `midnight-${kernel}.log`);
      writeFileSync(
        path,
        [
          'Jun 19 23:59:58 mail postfix/cleanup[8791]: 09E3779B1: message-id=<09e3779b1.1781913601830@mail.example.net>',
          'Jun 19 23:59:58 mail opendkim[880]: 09E3779B1: DKIM-Signature field added (s=mail, d=mail.example.net)',
          'Jun 19 23:59:59 mail postfix/qmgr[1201]: 09E3779B1: from=<compliance@mail.example.net>, size=19762, nrcpt=1 (queue active)',
          'Jun 20 00:00:02 mail postfix/out05/smtp[20473]: 09E3779B1: to=<office19491@gmail.com>, relay=aspmx.l.google.com[64.233.184.27]:25, delay=2.55, delays=1.35/0.01/0.46/0.67, dsn=2.0.0, status=sent (250 2.0.0 OK  1781913602 d2e1a72fcca58-5bxvt3vsi5bxvt3vb3a.7 - gsmtp)',
          'Jun 20 00:00:02 mail postfix/qmgr[1201]: 09E3779B1: removed',
          'Jun 20 00:00:03 mail postfix/cleanup[8430]: 13C6EF362: message-id=<13c6ef362.1781913603734@mail.example.net>',
          'Jun 20 00:00:03 mail postfix/qmgr[1201]: 13C6EF362: from=<noreply@example.net>, size=20452, nrcpt=1 (queue active)',
          'Jun 20 01:10:05 mail postfix/out06/smtp[20707]: 13C6EF362: to=<dispatch36791@ruralisp.net>, relay=mx1.ruralisp.net[198.51.100.40]:25, delay=1.81, delays=0.61/0.01/0.49/0.47, dsn=4.4.2, status=deferred (conversation with mx1.ruralisp.net[198.51.100.40] timed out while receiving the initial server greeting)',
          'Jun 20 01:10:10 mail postfix/smtp[20708]: 317156075: to=<ops81353@smallfleet.com>, relay=mail.smallfleet.com[198.51.100.25]:25, delay=2.26, delays=1.06/0.01/0.74/0.21, dsn=5.1.1, status=bounced (host mail.smallfleet.com[198.51.100.25] said: 550 5.1.1 <ops81353@smallfleet.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))',
          'Jun 20 01:10:10 mail postfix/cleanup[8603]: 3B54CDA26: message-id=<1781913610450.885.3B54CDA26@mail.example.net>',
          'Jun 20 01:10:10 mail postfix/qmgr[1201]: 3B54CDA26: from=<>, size=4200, nrcpt=1 (queue active)',
          'Jun 20 01:10:10 mail postfix/local[9759]: 3B54CDA26: to=<compliance@mail.example.net>, relay=local, delay=0.02, delays=0/0.01/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)',
          '',
        ].join('\n'),
      );
      utimesSync(path, new Date(2026, 5, 20, 2), new Date(2026, 5, 20, 2));
      const summary = await summarizeMailLog({
        files: await statLogFiles([path]),
        transportIps: TRANSPORT_IPS,
        primaryIp: PRIMARY,
        kernel,
      });
      expect(summary.dkim.byDay).toEqual([
        { date: '2026-06-19', signed: 1, messages: 1, ratio: 1 },
        // Two cleanups, one of them Postfix's own bounce notification: one campaign message, unsigned.
        { date: '2026-06-20', signed: 0, messages: 1, ratio: 0 },
      ]);
      expect(summary.byIpHour).toEqual([
        { date: '2026-06-20', hour: 0, ip: '203.0.113.94', sent: 1, deferred: 0, bounced: 0, expired: 0 },
        { date: '2026-06-20', hour: 1, ip: '203.0.113.71', sent: 0, deferred: 0, bounced: 1, expired: 0 },
        { date: '2026-06-20', hour: 1, ip: '203.0.113.95', sent: 0, deferred: 1, bounced: 0, expired: 0 },
      ]);
      expect(summary.firstTime).toBe(Date.UTC(2026, 5, 19, 23, 59, 58));
      expect(summary.lastTime).toBe(Date.UTC(2026, 5, 20, 1, 10, 10));
    },
  );

  it('past maxOutcomeRows a new reason is counted in its group\'s "(other reasons)" row, never dropped', async () => {
    const path = join(dir, 'many-reasons.log');
    const chunks: string[] = [];
    generateMailLog(
      { lines: 20_000, seed: 23, messagesPerMinute: 40, transportIps: TRANSPORT_IPS, primaryIp: PRIMARY },
      (c) => chunks.push(c),
    );
    writeFileSync(path, chunks.join(''));
    const files = await statLogFiles([path]);
    const options = { files, transportIps: TRANSPORT_IPS, primaryIp: PRIMARY };
    const group = (
      rows: Array<{ date: string; ip: string; operator: string; outcome: string; count: number }>,
    ) => {
      const sums = new Map<string, number>();
      for (const r of rows) {
        const key = `${r.date} ${r.ip} ${r.operator} ${r.outcome}`;
        sums.set(key, (sums.get(key) ?? 0) + r.count);
      }
      return Object.fromEntries([...sums].sort());
    };
    const whole = await summarizeMailLog(options);
    expect(whole.outcomes.length).toBeGreaterThan(40);
    expect(whole.outcomes.some((r) => r.reason === OTHER_REASONS)).toBe(false);
    for (const kernel of [undefined, false] as const) {
      const bounded = await summarizeMailLog({ ...options, maxOutcomeRows: 20, kernel });
      // Every delivery still counted in its day × IP × operator × outcome, reasons folded past 20.
      expect(group(bounded.outcomes)).toEqual(group(whole.outcomes));
      const other = bounded.outcomes.filter((r) => r.reason === OTHER_REASONS);
      expect(other.length).toBeGreaterThan(0);
      expect(bounded.outcomes.length - other.length).toBe(20);
      expect(bounded.totals).toEqual(whole.totals);
    }
  });

  it('adds up to the whole-window figures on a generated log across midnight, on both paths', async () => {
    const path = join(dir, 'across-midnight.log');
    const chunks: string[] = [];
    generateMailLog(
      {
        lines: 30_000,
        seed: 17,
        start: new Date(2026, 5, 19, 22, 30),
        messagesPerMinute: 20,
        signedShare: 0.8,
        bindFailureShare: 0.01,
        transportIps: TRANSPORT_IPS,
        primaryIp: PRIMARY,
      },
      (c) => chunks.push(c),
    );
    writeFileSync(path, chunks.join(''));
    const files = await statLogFiles([path]);
    const options = { files, transportIps: TRANSPORT_IPS, primaryIp: PRIMARY };
    const [scanned, typescript] = await Promise.all([
      summarizeMailLog(options),
      summarizeMailLog({ ...options, kernel: false }),
    ]);
    expect(scanned.dkim.byDay).toEqual(typescript.dkim.byDay);
    expect(scanned.byIpHour).toEqual(typescript.byIpHour);
    const s = scanned;
    expect(s.dkim.byDay.map((d) => d.date)).toEqual(['2026-06-19', '2026-06-20']);
    const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((a, x) => a + f(x), 0);
    expect(sum(s.dkim.byDay, (d) => d.signed)).toBe(s.dkim.signed);
    expect(sum(s.dkim.byDay, (d) => d.messages)).toBe(s.dkim.messages);
    for (const ip of s.byIp) {
      const hours = s.byIpHour.filter((h) => h.ip === ip.ip);
      expect({ ip: ip.ip, sent: sum(hours, (h) => h.sent), deferred: sum(hours, (h) => h.deferred) }).toEqual(
        {
          ip: ip.ip,
          sent: ip.sent,
          deferred: ip.deferred,
        },
      );
      expect(sum(hours, (h) => h.bounced)).toBe(ip.bounced);
    }
    for (const day of s.byDay) {
      const hours = s.byIpHour.filter((h) => h.date === day.date);
      expect(sum(hours, (h) => h.sent + h.deferred + h.bounced + h.expired)).toBe(day.egress);
    }
    expect(new Set(s.byIpHour.map((h) => h.ip))).toEqual(new Set([...Object.values(TRANSPORT_IPS), PRIMARY]));
  });
});
