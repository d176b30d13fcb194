import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the build script is plain JavaScript without types
import { isFresh } from '../../scripts/build-kernel.mjs';
import { createReportBuilder } from './build-report.js';
import { createParseContext, scanLogSpan } from './parse-log-line.js';
import { forEachLine, orderRotatedFiles, statLogFiles } from './read-log-files.js';
import type { MailLogReport, ReportOptions } from './report-types.js';
import { createKernelScan, loadScanKernel } from './scan-kernel.js';
import { summarizeMailLog } from './summarize-mail-log.js';
import { generateMailLog } from './testing/generate-mail-log.js';
import { listSampleLogs } from './testing/sample-logs.js';

const OPTIONS: ReportOptions = {
  transportIps: { out05: '203.0.113.94', out06: '203.0.113.95', out07: '203.0.113.96' },
  primaryIp: '203.0.113.71',
  sampleLines: 5,
};
const MTIME = new Date('2026-11-24T12:00:00Z');

/** Files as bytes, each read against its mtime. */
type LogBytes = Array<{ bytes: Buffer; mtime: Date }>;

/** The report of the files read line by line in TypeScript, as `readLogText` gives them. */
function inTypeScript(files: LogBytes, options: ReportOptions = OPTIONS): MailLogReport {
  const builder = createReportBuilder(options);
  for (const { bytes, mtime } of files) {
    const ctx = createParseContext(mtime);
    const text = bytes.length === 0 || bytes[bytes.length - 1] === 10 ? bytes.toString() : `${bytes}\n`;
    forEachLine(text, (start, end) => {
      builder.addSpan(text, start, end, scanLogSpan(text, start, end, ctx) ? ctx : undefined);
    });
  }
  return builder.finish();
}

/** The report of the files through the scanner, each cut into pieces of whole lines at `cuts`. */
function inKernel(files: LogBytes, options: ReportOptions = OPTIONS, piece = 1 << 20): MailLogReport {
  const builder = createReportBuilder(options);
  const scan = createKernelScan(loadScanKernel()!, builder, options);
  for (const { bytes, mtime } of files) {
    scan.beginFile(mtime);
    const all =
      bytes.length === 0 || bytes[bytes.length - 1] === 10
        ? bytes
        : Buffer.concat([bytes, Buffer.from('\n')]);
    let from = 0;
    while (from < all.length) {
      const cut = all.indexOf(10, Math.min(from + piece, all.length - 1));
      const last = cut < 0 ? all.length - 1 : cut;
      scan.scanBytes(all.subarray(from), last - from);
      from = last + 1;
    }
  }
  scan.finish();
  return builder.finish();
}

function generated(lines: number, seed: number, format: 'mixed' | 'rfc3339' = 'mixed'): Buffer {
  const chunks: string[] = [];
  generateMailLog(
    {
      lines,
      seed,
      format,
      messagesPerMinute: 120,
      transportIps: OPTIONS.transportIps!,
      primaryIp: OPTIONS.primaryIp!,
    },
    (c) => chunks.push(c),
  );
  return Buffer.from(chunks.join(''));
}

describe('the WebAssembly scanner', () => {
  it('is built from the current source (pnpm install builds it)', () => {
    expect(isFresh()).toBe(true);
    expect(loadScanKernel()).toBeDefined();
  });

  it('gives the TypeScript report of a generated log, whole and cut into small pieces', () => {
    const files = [{ bytes: generated(30_000, 11), mtime: MTIME }];
    const expected = inTypeScript(files);
    expect(expected.dkim.messages).toBeGreaterThan(1000);
    expect(inKernel(files)).toStrictEqual(expected);
    expect(inKernel(files, OPTIONS, 4096)).toStrictEqual(expected);
  });

  it('gives the TypeScript report inside a window, and across files with their own years', () => {
    const log = generated(20_000, 5);
    const text = log.toString();
    const first = createParseContext(MTIME);
    const lines = text.split('\n');
    scanLogSpan(lines[3000]!, 0, lines[3000]!.length, first);
    const since = first.time;
    scanLogSpan(lines[15_000]!, 0, lines[15_000]!.length, first);
    const window = { ...OPTIONS, since, until: first.time };
    const files = [
      { bytes: log, mtime: new Date('2027-01-01T00:00:00Z') },
      { bytes: generated(5000, 6, 'rfc3339'), mtime: MTIME },
    ];
    for (const options of [window, OPTIONS]) {
      const expected = inTypeScript(files, options);
      expect(inKernel(files, options)).toStrictEqual(expected);
    }
    expect(inTypeScript(files, window).lines.outsideWindow).toBeGreaterThan(0);
  });

  it('gives the TypeScript report of the edge cases of each line shape', () => {
    const lines = [
      // DKIM correlation: domains as written merge when lowercased; a sender without @; a notification.
      'Jun 20 00:00:01 mail postfix/cleanup[1]: 09E3779B1: message-id=<a@x>',
      'Jun 20 00:00:01 mail opendkim[880]: 09E3779B1: DKIM-Signature field added (s=mail, d=Mail.Example.NET)',
      'Jun 20 00:00:01 mail postfix/qmgr[2]: 09E3779B1: from=<c@Mail.EXAMPLE.net>, size=1, nrcpt=1 (queue active)',
      'Jun 20 00:00:02 mail postfix/cleanup[1]: 19E3779B1: message-id=<b@x>',
      'Jun 20 00:00:02 mail opendkim[880]: 19E3779B1: DKIM-Signature header added (s=mail, d=mail.example.net)',
      'Jun 20 00:00:02 mail postfix/qmgr[2]: 19E3779B1: from=<c@mail.example.net>, size=1, nrcpt=1',
      'Jun 20 00:00:03 mail postfix/cleanup[1]: 29E3779B1: message-id=<c@x>',
      'Jun 20 00:00:03 mail postfix/qmgr[2]: 29E3779B1: from=<MAILER-DAEMON>, size=1, nrcpt=1',
      'Jun 20 00:00:03 mail postfix/cleanup[1]: 39E3779B1: message-id=<d@x>',
      'Jun 20 00:00:03 mail postfix/qmgr[2]: 39E3779B1: from=<>, size=1, nrcpt=1',
      'Jun 20 00:00:04 mail postfix/cleanup[1]: 49E3779B1: message-id=<e@x>',
      'Jun 20 00:00:04 mail postfix/qmgr[2]: 49E3779B1: removedX',
      'Jun 20 00:00:04 mail postfix/qmgr[2]: 49E3779B1: from=<a@b.example>, size=1, nrcpt=1',
      'Jun 20 00:00:05 mail postfix/cleanup[1]: 59E3779B1: message-id=<e@x>',
      'Jun 20 00:00:05 mail postfix/pickup[3]: 59E3779B1: from=<a@b.example>, size=12, nrcpt=2',
      'Jun 20 00:00:05 mail postfix/cleanup[1]: 69E3779B1: message-id=<e@x>',
      'Jun 20 00:00:05 mail postfix/qmgr[2]: 69E3779B1: from=<a@b.example>, size=, nrcpt=2',
      'Jun 20 00:00:05 mail postfix/qmgr[2]: 69E3779B1: from=<a@b.example>, size=1, nrcpt=',
      'Jun 20 00:00:05 mail postfix/qmgr[2]: 69E3779B1: from=<a@b.example, size=1, nrcpt=1',
      'Jun 20 00:00:06 mail postfix/qmgr[2]: 69E3779B1: from=<ü@bücher.example>, size=1, nrcpt=1',
      'Jun 20 00:00:06 mail postfix/cleanup[1]: 79E3779B1: message-id=<e@x>',
      'Jun 20 00:00:06 mail postfix/qmgr[2]: 79E3779B1: from=<ü@BÜCHER.example>, size=1, nrcpt=1',
      'Jun 20 00:00:06 mail postfix/qmgr[2]: 79E3779B1: from=<a@b.example>, status=expired, returned to sender',
      'Jun 20 00:00:06 mail postfix/cleanup[1]: 8E3779B1abcdef: message-id=<long@x>',
      'Jun 20 00:00:06 mail opendkim[880]: 8E3779B1abcdef: DKIM-Signature field added (s=mail, d=)',
      'Jun 20 00:00:06 mail opendkim[880]: 8E3779B1abcdef: DKIM-Signature field added (s=, d=x.example)',
      'Jun 20 00:00:06 mail opendkim[880]: 8E3779B1abcdef: DKIM-Signature field added (s=mail, d=x.example',
      'Jun 20 00:00:06 mail opendkim[880]: 8E3779B1abcdef: DKIM-Signature field added (s=mail; d=x.example)',
      'Jun 20 00:00:06 mail opendkim[880]: 8E3779B1abcdef: DKIM-Signature field added (s=mail, d=y.example)',
      'Jun 20 00:00:06 mail postfix/qmgr[2]: 8E3779B1abcdef: from=<a@y.example>, size=1, nrcpt=1',
      'Jun 20 00:00:07 mail postfix/qmgr[2]: 8e3779b1: removed',
      'Jun 20 00:00:07 mail postfix/cleanup[1]: ABCDE: message-id=<short@x>',
      'Jun 20 00:00:07 mail postfix/cleanup[1]: ABCDEF: message-id=<hex@x>',
      'Jun 20 00:00:07 mail postfix/cleanup[1]: ABCDEFG: message-id=<not-hex@x>',
      'Jun 20 00:00:07 mail\tx postfix/cleanup[1]: BBCDEF: message-id=<tab@x>',
      'Jun 20 00:00:07 mail postfix/qmgr[2]: 8E3779B1ab: removed',
      // Programs: service prefixes, no pid, a space, an empty pid, a letter in the pid, other daemons.
      'Jun 20 00:00:08 mail postfix-out05/cleanup[1]: A9E3779B1: message-id=<f@x>',
      'Jun 20 00:00:08 mail postfix/out05/qmgr: A9E3779B1: from=<a@z.example>, size=1, nrcpt=1',
      'Jun 20 00:00:08 mail post fix/qmgr[2]: A9E3779B1: removed',
      'Jun 20 00:00:08 mail postfix/qmgr[]: A9E3779B1: removed',
      'Jun 20 00:00:08 mail postfix/qmgr[2a]: A9E3779B1: removed',
      'Jun 20 00:00:08 mail mydaemon/opendkim[9]: B9E3779B1: DKIM-Signature field added (s=s, d=q.example)',
      'Jun 20 00:00:08 mail postfix/smtpd[4]: connect from unknown[172.18.0.5]',
      'Jun 20 00:00:08 mail dovecot: imap-login: Login: user=<a>',
      'Jun 20 00:00:08 mail postfix/smtp[5]: warning: smtp_connect_addr: bind 203.0.113.94: Cannot assign requested address',
      'Jun 20 00:00:08 mail postfix/smtp[5]: C9E3779B1: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)',
      // Sent deliveries: a group's first line goes to TypeScript, later ones are counted by group.
      ...Array.from({ length: 3 }, (_, i) => [
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779B1: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779B2: to=<a@outlook.com>, orig_to=<b@x.example>, relay=outlook-com.olc.protection.outlook.com[52.101.8.33]:25, conn_use=2, delay=1.5, dsn=2.0.0, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out06/smtp[7]: D${i}E3779B3: to=<a@outlook.com>, relay=outlook-com.olc.protection.outlook.com[52.101.8.33]:25, delay=1, status=sent`,
        `Jun 20 00:01:0${i} mail postfix/smtp[8]: D${i}E3779B4: to=<a@yahoo.com>, relay=mta5.am0.yahoodns.net[67.195.228.106]:25, delay=1, dsn=2.0.0, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/smtp[8]: D${i}E3779B5: to=<a@local.example>, relay=127.0.0.1[127.0.0.1]:10025, delay=1, dsn=2.0.0, status=sent (250 queued)`,
        `Jun 20 00:01:0${i} mail postfix/smtp[8]: D${i}E3779B6: to=<a@local.example>, relay=ip6-localhost[::1]:10025, delay=1, dsn=2.0.0, status=sent (250 queued)`,
        `Jun 20 00:01:0${i} mail postfix/local[9]: D${i}E3779B7: to=<root@mail>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)`,
        `Jun 20 00:01:0${i} mail postfix/local[9]: D${i}E3779B8: to=<root@mail>, relay=local, delay=0.1, dsn=2.0.0, status=sent (forwarded as 4F2A1C9D3)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779B9: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent"(250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779BA: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent\t(250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779BB: to=<a@gmail.com>, relay=[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779BC: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26:25, delay=1, dsn=2.0.0, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779BD: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=, dsn=2.0.0, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779BE: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, dsn=2.0.0, delay=1, status=sent (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779BF: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sentX (250 ok)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779C0: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=4.4.1, status=deferred (connect to x[1.2.3.4]:25: Connection timed out)`,
        `Jun 20 00:01:0${i} mail postfix/out05/smtp[6]: D${i}E3779C1: to=<ü@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent (250 ok)`,
      ]).flat(),
      'Jun 20 00:01:09 mail postfix/out05/smtp[6]: D9E3779B1: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent (250\rok)',
      'Jun 20 00:01:09 mail postfix/out05/smtp[6]: D9E3779B2: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent (250\u2028ok)',
      'Jun 20 00:01:09 mail postfix/smtp[8]: D9E3779B3: to=<a@x.example>, relay=relay.example[127.0.0.2]:25, delay=1, dsn=2.0.0, status=sent (250 ok)',
      'Jun 20 00:01:09 mail postfix/smtp[8]: D9E3779B4: to=<a@x.example>, relay=relay.example[10.0.0.2]:25, delay=1, dsn=2.0.0, status=sent (250 ok)',
      'Jun 20 00:01:09 mail postfix/smtp[8]: D9E3779B5: to=<a@x.example>, relay=relay.example[127.0.0.2]:25, delay=1, dsn=2.0.0, status=sent (250 ok)',
      'Jun 20 00:01:09 mail postfix/smtp[8]: D9E3779B6: to=<a@x.example>, relay=relay.example[10.0.0.2]:25, delay=1, dsn=2.0.0, status=sent (250 ok)',
      // A bind failure: the process's next egress delivery leaves from the primary IP, the one after from its own.
      'Jun 20 00:02:00 mail postfix/out05/smtp[6]: warning: smtp_connect_addr: bind 203.0.113.94: Cannot assign requested address',
      'Jun 20 00:02:00 mail postfix/out05/smtp[16]: E0E3779B1: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)',
      'Jun 20 00:02:00 mail postfix/local[6]: E0E3779B2: to=<root@mail>, relay=local, delay=0.1, dsn=2.0.0, status=sent (delivered to mailbox)',
      'Jun 20 00:02:00 mail postfix/out05/smtp[6]: E0E3779B3: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)',
      'Jun 20 00:02:00 mail postfix/out05/smtp[6]: E0E3779B4: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)',
      'Jun 20 00:02:01 mail postfix/out05/smtp[6]: E0E3779B5: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)',
      // Stamps: all three formats, a year-0000 RFC 3339 day beside a year-less one, malformed ones.
      'Jun  2 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      'Jun 02 04:04:01.123 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2026-06-24T04:04:01.123456-05:00 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '0000-06-20T04:04:01Z mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2026-02-31T04:04:01+0100 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      'Jun 20 24:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      'Jun 20 04:04:01mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      'Jux 20 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      'Jun 20 04:04:01 mx',
      'Jun 20 04:04:01  postfix/qmgr[1201]: removed',
      '',
      '\uFEFFJun 20 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      'Jun 20 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: rem\roved',
      'Jun 20 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3:',
      'Dec 31 23:59:59 mx postfix/qmgr[1]: 5F2A1C9D3: removed',
    ];
    const crlf = Buffer.from(`${lines.join('\r\n')}\r\n`);
    const lf = Buffer.from(lines.join('\n'));
    for (const bytes of [lf, crlf]) {
      const files = [{ bytes, mtime: MTIME }];
      const expected = inTypeScript(files);
      expect(inKernel(files)).toStrictEqual(expected);
      expect(inKernel(files, OPTIONS, 1)).toStrictEqual(expected);
    }
    expect(inTypeScript([{ bytes: lf, mtime: MTIME }]).dkim.bySenderDomain.map((d) => d.domain)).toContain(
      'mail.example.net',
    );
  });

  it('gives the TypeScript report of the review’s cases: huge pids, prototype names, years before 1000, many groups', () => {
    const sent = (program: string, qid: string, host = 'gmail-smtp-in.l.google.com') =>
      `Jun 20 00:01:00 mail ${program}: ${qid}: to=<a@gmail.com>, relay=${host}[142.250.27.26]:25, delay=1, dsn=2.0.0, status=sent (250 ok)`;
    const cases: string[][] = [
      // A pid past 2^31 on the DKIM correlation's lines (and one past 2^53).
      [
        'Jun 20 00:00:01 mail postfix/cleanup[1]: 09E3779B1: message-id=<a@x>',
        'Jun 20 00:00:01 mail opendkim[99999999999999999999]: 09E3779B1: DKIM-Signature field added (s=mail, d=example.net)',
        'Jun 20 00:00:01 mail postfix/qmgr[3000000000]: 09E3779B1: from=<c@example.net>, size=1, nrcpt=1',
        'Jun 20 00:00:01 mail postfix/cleanup[3000000000]: 19E3779B1: message-id=<b@x>',
        'Jun 20 00:00:01 mail opendkim[880]: 19E3779B1: DKIM-Signature field added (s=mail, d=example.net)',
        'Jun 20 00:00:01 mail postfix/qmgr[2]: 19E3779B1: from=<c@example.net>, size=1, nrcpt=1',
        'Jun 20 00:00:02 mail postfix/out05/smtp[3000000001]: warning: smtp_connect_addr: bind 203.0.113.94: Cannot assign requested address',
        sent('postfix/out05/smtp[3000000001]', 'D0E3779B1'),
        sent('postfix/out05/smtp[3000000001]', 'D0E3779B2'),
      ],
      // Services named like Object.prototype's keys.
      [
        sent('postfix/out05/smtp[6]', 'D0E3779B1'),
        sent('postfix/__proto__/smtp[6]', 'D0E3779B2'),
        sent('postfix/__proto__/smtp[6]', 'D0E3779B3'),
        sent('postfix/toString/smtp[6]', 'D0E3779B4'),
        sent('postfix/constructor/smtp[6]', 'D0E3779B5'),
      ],
      // More groups than the scanner's first key table holds (it grows).
      Array.from({ length: 6000 }, (_, i) =>
        sent('postfix/out06/smtp[7]', `E${i}E3779B1`, `mx${i % 3000}.example`),
      ),
    ];
    for (const lines of cases) {
      const files = [{ bytes: Buffer.from(lines.join('\n')), mtime: MTIME }];
      expect(inKernel(files)).toStrictEqual(inTypeScript(files));
    }
    const ancient = [{ bytes: Buffer.from(cases[0]!.join('\n')), mtime: new Date('0999-07-01T00:00:00Z') }];
    expect(inTypeScript(ancient).firstLine).toBe('999-06-20');
    expect(inKernel(ancient)).toStrictEqual(inTypeScript(ancient));
    expect(
      inTypeScript([{ bytes: Buffer.from(cases[1]!.join('\n')), mtime: MTIME }]).byIp.map((ip) => ip.ip),
    ).toEqual(['203.0.113.94', 'transport:__proto__', 'transport:constructor', 'transport:toString']);
  });

  it('forgets pending messages past 100,000 as the TypeScript builder does', () => {
    const qid = (i: number) => (0x100000 + i).toString(16).toUpperCase();
    const lines: string[] = [];
    for (let i = 0; i < 100_010; i++) {
      lines.push(`Jun 20 00:00:01 mail postfix/cleanup[1]: ${qid(i)}: message-id=<${i}@x>`);
    }
    for (const i of [0, 5, 99_999, 100_000, 100_009]) {
      lines.push(`Jun 20 00:00:02 mail postfix/qmgr[2]: ${qid(i)}: from=<a@b.example>, size=1, nrcpt=1`);
    }
    const files = [{ bytes: Buffer.from(lines.join('\n')), mtime: MTIME }];
    const expected = inTypeScript(files);
    expect(expected.dkim.bySenderDomain[0]!.messages).toBe(2);
    expect(inKernel(files)).toStrictEqual(expected);
  });

  it('gives summarizeMailLog the same summary with and without it, on rotated files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-kernel-'));
    writeFileSync(join(dir, 'mail.log.1.gz'), gzipSync(generated(6000, 21)));
    writeFileSync(join(dir, 'mail.log'), generated(9000, 22));
    const files = await statLogFiles(orderRotatedFiles([join(dir, 'mail.log'), join(dir, 'mail.log.1.gz')]));
    const expected = await summarizeMailLog({ ...OPTIONS, files, kernel: false });
    expect(expected.files.map((f) => f.path)).toEqual([join(dir, 'mail.log.1.gz'), join(dir, 'mail.log')]);
    expect(expected.files.every((f) => f.lines > 5000)).toBe(true);
    expect(await summarizeMailLog({ ...OPTIONS, files })).toStrictEqual(expected);
    const plain = files.slice(1);
    const expectedPlain = await summarizeMailLog({ ...OPTIONS, files: plain, kernel: false });
    expect(await summarizeMailLog({ ...OPTIONS, files: plain })).toStrictEqual(expectedPlain);
  });

  it('gives the TypeScript report of every real sample log', () => {
    for (const { name, path } of listSampleLogs()) {
      const files = [{ bytes: readFileSync(path), mtime: MTIME }];
      expect(inKernel(files), name).toStrictEqual(inTypeScript(files));
    }
  });

  it('gives the TypeScript report of any mix of damaged lines (property)', () => {
    const base = generated(400, 3)
      .toString()
      .split('\n')
      .filter((l) => l !== '');
    // Damage: a byte removed, replaced or inserted, with characters the scanner treats apart.
    const damage = fc.record({
      line: fc.nat({ max: base.length - 1 }),
      at: fc.nat({ max: 300 }),
      op: fc.constantFrom('delete', 'replace', 'insert'),
      char: fc.constantFrom(
        ' ',
        ':',
        '[',
        ']',
        '<',
        '>',
        ',',
        '@',
        '\r',
        'ü',
        '\u2028',
        'x',
        '9',
        'A',
        ')',
        '(',
      ),
    });
    fc.assert(
      fc.property(fc.array(damage, { maxLength: 40 }), fc.nat({ max: 64 }), (damages, piece) => {
        const lines = [...base];
        for (const d of damages) {
          const line = lines[d.line]!;
          const at = Math.min(d.at, line.length);
          const keep = d.op === 'insert' ? at : at + 1;
          lines[d.line] = line.slice(0, at) + (d.op === 'delete' ? '' : d.char) + line.slice(keep);
        }
        const files = [{ bytes: Buffer.from(lines.join('\n')), mtime: MTIME }];
        expect(inKernel(files, OPTIONS, 1 + piece * 97)).toStrictEqual(inTypeScript(files));
      }),
      { numRuns: 60 },
    );
  });
});
