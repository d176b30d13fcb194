import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParseContext, inferYear, parseLogLine } from './parse-log-line.js';

const ref = { year: 2026, month: 6, day: 30 };
const parse = (line: string) => parseLogLine(line, createParseContext(ref));

describe('parseLogLine: timestamps (DOMAIN.md §4)', () => {
  it.each([
    [
      'RFC 3164, space-padded day',
      'Jun  1 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2026-06-01',
      4,
    ],
    [
      'postlogd, zero-padded day',
      'Jun 01 04:04:01 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2026-06-01',
      4,
    ],
    [
      'RFC 3164, two-digit day',
      'Jun 24 23:59:59 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2026-06-24',
      23,
    ],
    [
      'RFC 3339 with microseconds and offset (Debian 12 rsyslog)',
      '2026-06-24T04:04:01.123456-05:00 mx postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2026-06-24',
      4,
    ],
    [
      'RFC 3339 in UTC',
      '2020-03-19T09:29:05Z 638fbdd7968d postfix/qmgr[1201]: 4F2A1C9D3: removed',
      '2020-03-19',
      9,
    ],
  ])('%s', (_name, line, date, hour) => {
    const parsed = parse(line);
    expect(parsed?.date).toBe(date);
    expect(parsed?.hour).toBe(hour);
    expect(parsed?.event).toEqual({ kind: 'removed', qid: '4F2A1C9D3' });
  });

  it('infers the year: a line after the reference date belongs to the previous year', () => {
    expect(parse('Dec 31 23:59:59 mx postfix/qmgr[1]: 4F2A1C9D3: removed')?.date).toBe('2025-12-31');
    expect(parse('Jul  1 00:00:00 mx postfix/qmgr[1]: 4F2A1C9D3: removed')?.date).toBe('2026-07-01');
    expect(parse('Jul  2 00:00:00 mx postfix/qmgr[1]: 4F2A1C9D3: removed')?.date).toBe('2025-07-02');
    const january = createParseContext({ year: 2027, month: 1, day: 2 });
    expect(parseLogLine('Dec 31 23:00:00 mx postfix/qmgr[1]: 4F2A1C9D3: removed', january)?.date).toBe(
      '2026-12-31',
    );
    expect(parseLogLine('Jan  1 01:00:00 mx postfix/qmgr[1]: 4F2A1C9D3: removed', january)?.date).toBe(
      '2027-01-01',
    );
  });

  it('never places a year-less line more than a day after its reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (month, day, refMonth, refDay) => {
          const year = inferYear(month, day, { year: 2026, month: refMonth, day: refDay });
          const line = Date.UTC(year, month - 1, day);
          const reference = Date.UTC(2026, refMonth - 1, refDay);
          return line <= reference + 86_400_000 && line > reference - 366 * 86_400_000;
        },
      ),
    );
  });
});

describe('parseLogLine: program names and queue ids', () => {
  it.each([
    ['postfix/smtp', undefined, 'smtp'],
    ['postfix/out05/smtp', 'out05', 'smtp'],
    ['postfix-out05/smtp', 'out05', 'smtp'],
    ['postfix/submission/smtpd', 'submission', 'smtpd'],
    ['postfix/smtp-amavis/smtp', 'smtp-amavis', 'smtp'],
    ['postfix-smo/submission/smtpd', 'smo/submission', 'smtpd'],
  ])('%s → service %s, daemon %s', (program, service, daemon) => {
    const parsed = parse(`Jun 24 04:04:01 mx ${program}[42]: connect from unknown[192.0.2.1]`);
    expect(parsed).toMatchObject({ program, service, daemon, pid: 42, host: 'mx' });
  });

  it.each([
    ['short hex', '4F2A1C'],
    ['short hex, 11 characters', 'AE11A4011B7'],
    ['long (enable_long_queue_ids)', '4t96GVKn6kmzOD6'],
    ['long', '3mPVKl0Mhjz7sXv'],
  ])('%s queue id %s', (_name, qid) => {
    expect(parse(`Jun 24 04:04:01 mx postfix/qmgr[1]: ${qid}: removed`)?.event).toEqual({
      kind: 'removed',
      qid,
    });
  });

  it('parses a program without a pid and leaves unknown daemons as other events', () => {
    expect(parse('Jul 30 00:10:11 imac27 madeup: Gobbely Gook')).toMatchObject({
      program: 'madeup',
      pid: undefined,
      message: 'Gobbely Gook',
      event: { kind: 'other' },
    });
  });
});

describe('parseLogLine: delivery lines', () => {
  it('parses a sent delivery with every optional field', () => {
    const parsed = parse(
      'Jun 24 04:04:01 mx postfix/out05/smtp[2330]: 4F2A1C9D3: to=<a@example.com>, orig_to=<alias@example.com>, relay=mx.example.com[192.0.2.25]:25, conn_use=2, delay=1.4, delays=0.1/0/0.5/0.8, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 7E5372C0C21)',
    );
    expect(parsed?.service).toBe('out05');
    expect(parsed?.event).toEqual({
      kind: 'delivery',
      qid: '4F2A1C9D3',
      recipient: 'a@example.com',
      origRecipient: 'alias@example.com',
      relay: 'mx.example.com[192.0.2.25]:25',
      relayHost: 'mx.example.com',
      relayIp: '192.0.2.25',
      delay: 1.4,
      dsn: '2.0.0',
      status: 'sent',
      reply: '250 2.0.0 Ok: queued as 7E5372C0C21',
      forwarded: false,
    });
  });

  it('parses a multi-line Gmail reply joined inline', () => {
    const parsed = parse(
      'Jun 24 04:04:01 mx postfix/smtp[2330]: 4F2A1C9D3: to=<a@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.27.26]:25, delay=0.9, delays=0.1/0/0.3/0.5, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.1 [203.0.113.94      12] Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. 550 5.7.1  https://support.google.com/mail/?p=UnsolicitedMessageError x - gsmtp (in reply to end of DATA command))',
    );
    expect(parsed?.event).toMatchObject({ kind: 'delivery', status: 'bounced', dsn: '5.7.1' });
    expect(parsed?.event.kind === 'delivery' && parsed.event.reply).toMatch(
      /^host gmail.*\(in reply to end of DATA command\)$/,
    );
  });

  it('takes the remote host from the reply when relay=none', () => {
    const parsed = parse(
      'Sep 26 02:48:43 mail postfix/smtp[2307]: B00297F0A3: to=<x@gmail.com>, relay=none, delay=623, delays=532/0.01/91/0, dsn=4.4.1, status=deferred (connect to alt2.gmail-smtp-in.l.google.com[142.250.141.26]:25: Connection timed out)',
    );
    expect(parsed?.event).toMatchObject({
      relay: 'none',
      relayHost: 'alt2.gmail-smtp-in.l.google.com',
      relayIp: '142.250.141.26',
      status: 'deferred',
    });
  });

  it('parses Yahoo TSS04 deferrals in RFC 3339 logs with container hosts', () => {
    const parsed = parse(
      '2020-03-19T09:29:05.858036+00:00 638fbdd7968d postfix/smtp[156]: CA1AD20189: to=<example@yahoo.com>, relay=mta5.am0.yahoodns.net[67.195.228.106]:25, delay=69785, delays=69745/38/2.3/0.17, dsn=4.7.0, status=deferred (host mta5.am0.yahoodns.net[67.195.228.106] said: 421 4.7.0 [TSS04] Messages from 203.0.113.94 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.verizonmedia.com/error-codes (in reply to MAIL FROM command))',
    );
    expect(parsed).toMatchObject({ host: '638fbdd7968d', date: '2020-03-19' });
    expect(parsed?.event).toMatchObject({ kind: 'delivery', status: 'deferred', dsn: '4.7.0' });
  });

  it('marks local alias forwards', () => {
    const parsed = parse(
      'Jun 24 04:04:01 mx postfix/local[3267]: 9C37E404B379: to=<root@mx.example>, relay=local, delay=0.03, delays=0.01/0.02/0/0.01, dsn=2.0.0, status=sent (forwarded as 7A1B2C3D4E)',
    );
    expect(parsed?.event).toMatchObject({ kind: 'delivery', forwarded: true, relayHost: undefined });
  });

  it('keeps an unknown status and drops a line cut short before status=', () => {
    expect(
      parse(
        'Feb 25 13:58:28 server1 postfix/smtp[3262]: AE11A4011B7B: to=<i@gmail.com>, relay=gmail-smtp-in.l.google.com[74.125.206.26]:25, delay=2, delays=0.07/0.01/1.5/0.34, dsn=2.1.5, status=deliv',
      )?.event,
    ).toMatchObject({ kind: 'delivery', status: 'deliv' });
    expect(
      parse(
        'Feb 25 13:58:28 server1 postfix/smtp[3262]: AE11A4011B7B: to=<i@gmail.com>, relay=gmail-smtp-in.l.go',
      )?.event,
    ).toEqual({
      kind: 'other',
    });
  });
});

describe('parseLogLine: the other events the report reads', () => {
  it.each([
    [
      'cleanup message-id',
      'Jun 24 04:04:01 mx postfix/cleanup[3260]: AE11A4011B7B: message-id=<20220225125826.AE11A4011B7B@server1.example>',
      { kind: 'cleanup', qid: 'AE11A4011B7B', messageId: '20220225125826.AE11A4011B7B@server1.example' },
    ],
    [
      'qmgr from=',
      'Jun 24 04:04:01 mx postfix/qmgr[18556]: AE11A4011B7B: from=<root@server1.example>, size=299, nrcpt=1 (queue active)',
      { kind: 'queued', qid: 'AE11A4011B7B', sender: 'root@server1.example', size: 299, nrcpt: 1 },
    ],
    [
      'qmgr expired',
      'Apr 10 14:50:16 mail postfix/qmgr[3663]: BACE842E72: from=<noreply@domain.com>, status=expired, returned to sender',
      { kind: 'expired', qid: 'BACE842E72', sender: 'noreply@domain.com' },
    ],
    [
      'bind failure',
      'Jun 24 04:05:12 mx postfix/out05/smtp[9911]: warning: smtp_connect_addr: bind 207.174.124.94: Cannot assign requested address',
      { kind: 'bind-failure', ip: '207.174.124.94' },
    ],
    [
      'OpenDKIM signature',
      'Jun 17 09:00:01 mx opendkim[880]: 4F2A1C9D3: DKIM-Signature field added (s=mail, d=PerformanceWest.net)',
      { kind: 'dkim-signed', qid: '4F2A1C9D3', selector: 'mail', domain: 'performancewest.net' },
    ],
    [
      'smtpd reject (other)',
      'Apr  5 17:54:30 strand postfix/smtpd[10827]: NOQUEUE: reject: RCPT from unknown[185.170.209.188]: 450 4.7.1 Client host rejected',
      { kind: 'other' },
    ],
  ])('%s', (_name, line, event) => {
    expect(parse(line)?.event).toEqual(event);
  });
});

describe('parseLogLine: malformed lines', () => {
  it.each([
    ['empty', ''],
    ['message only (no prefix)', 'postfix/smtpd: message repeated 3 times'],
    ['bracketed program', 'Dec 18 16:15:28 [postfix/smtpd] SSL_accept:before/accept initialization'],
    ['bad clock', 'Jun 24 25:04:01 mx postfix/qmgr[1]: 4F2A1C9D3: removed'],
    ['unknown month', 'Foo 24 04:04:01 mx postfix/qmgr[1]: 4F2A1C9D3: removed'],
    ['no tag', 'Jun 24 04:04:01 mx'],
    ['bad pid', 'Jun 24 04:04:01 mx postfix/qmgr[x]: 4F2A1C9D3: removed'],
  ])('%s → undefined', (_name, line) => {
    expect(parse(line)).toBeUndefined();
  });

  it('never throws, whatever the line', () => {
    const ctx = createParseContext(ref);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('', 'Jun 24 04:04:01 mx postfix/smtp[1]: 4F2A1C: to=<'),
        (tail, head) => {
          parseLogLine(head + tail, ctx);
          return true;
        },
      ),
    );
  });
});
