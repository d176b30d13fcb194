import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyReply,
  dsnOf,
  isRecipientFailure,
  listReplySignals,
  normalizeReason,
  replaceRandomTokens,
} from './classify-reply.js';
import { listCorpusReplies, REPLY_PIECE } from './testing/reply-corpus.js';

describe('listReplySignals', () => {
  it.each([
    // A relay or sender address that looks like a code is not one.
    ['host mx.example[4.4.4.8] said: 451 4.7.0 Try again later', []],
    ['connect to mx.example[4.4.4.4]:25: Connection timed out', []],
    ['host mx.example[192.0.2.1] said: 421 4.7.0 Messages from 203.4.7.28 deferred', []],
    ['host mx.example[5.7.1.9] said: 550 5.1.1 unsolicited mail? no: user unknown', []],
    ['host mx.example[192.0.2.1] said: 451 4.7.650.1 x', []],
    // The codes themselves, wherever they stand in the text.
    [
      'host t.mail.protection.outlook.com[52.101.42.2] said: 451 4.4.4 Mail received as unauthenticated',
      ['dead_tenant'],
    ],
    ['said: 451 4.4.4.', ['dead_tenant']],
    ['said: 421-4.7.28 [203.0.113.94 15] Gmail has detected', ['gmail_rate']],
    ['said: 550-5.7.1 [203.0.113.94 12] this message is likely unsolicited mail', ['gmail_unsolicited']],
    [
      'said: 451 4.7.650 The mail server [203.0.113.94] has been temporarily rate limited (S775)',
      ['microsoft_reputation'],
    ],
    ['said: 550 5.7.515 Access denied', ['microsoft_auth']],
  ])('%s', (reply, signals) => {
    expect(listReplySignals(reply)).toEqual(signals);
  });
});

describe('classifyReply', () => {
  it.each([
    ['sent', '2.0.0', '250 2.0.0 OK  1719201841 x - gsmtp', 'accepted', []],
    [
      'bounced',
      '5.7.1',
      'host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.1 [203.0.113.94 12] Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. (in reply to end of DATA command)',
      'reputation_reject',
      ['gmail_unsolicited'],
    ],
    [
      'deferred',
      '4.7.28',
      'host gmail-smtp-in.l.google.com[142.250.27.26] said: 421-4.7.28 [203.0.113.94 15] Gmail has detected an unusual rate of unsolicited mail originating from your IP address.',
      'throttled',
      ['gmail_rate'],
    ],
    [
      'deferred',
      '4.7.0',
      'host mta6.am0.yahoodns.net[67.195.204.77] said: 421 4.7.0 [TSS04] Messages from 203.0.113.94 temporarily deferred due to unexpected volume or user complaints',
      'throttled',
      ['yahoo_tss'],
    ],
    [
      'deferred',
      '4.7.650',
      'host hotmail-com.olc.protection.outlook.com[52.101.8.33] said: 451 4.7.650 The mail server [203.0.113.94] has been temporarily rate limited due to IP reputation. (S775)',
      'throttled',
      ['microsoft_reputation'],
    ],
    [
      'deferred',
      '4.7.500',
      'host x[192.0.2.1] said: 451 4.7.500 Server busy. Please try again later',
      'throttled',
      [],
    ],
    [
      'bounced',
      '5.7.1',
      "host hotmail-com.olc.protection.outlook.com[52.101.8.33] said: 550 5.7.1 Unfortunately, messages from [203.0.113.94] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      'reputation_reject',
      ['microsoft_block'],
    ],
    [
      'bounced',
      '5.7.515',
      "host x.mail.protection.outlook.com[52.101.42.2] said: 550 5.7.515 Access denied, sending domain example.net doesn't meet the required authentication level.",
      'reputation_reject',
      ['microsoft_auth'],
    ],
    [
      'bounced',
      '5.7.1',
      'host mx.example.com[192.0.2.1] said: 554 5.7.1 Service unavailable; Client host [203.0.113.94] blocked using zen.spamhaus.org',
      'reputation_reject',
      ['rbl'],
    ],
    [
      'deferred',
      '4.7.1',
      'host mx.example.com[192.0.2.1] said: 451 4.7.1 blacklisted - RLR621 - ip=<207.174.124.71>',
      'throttled',
      ['rbl'],
    ],
    [
      'bounced',
      '5.1.1',
      'host mx[192.0.2.1] said: 550 5.1.1 <a@b.example>: Recipient address rejected: User unknown',
      'recipient_reject',
      [],
    ],
    [
      'bounced',
      '5.4.1',
      'host mx[192.0.2.1] said: 550 5.4.1 Recipient address rejected: Access denied',
      'recipient_reject',
      [],
    ],
    [
      'bounced',
      '5.1.10',
      'host mx[192.0.2.1] said: 550 5.1.10 RESOLVER.ADR.RecipientNotFound',
      'recipient_reject',
      [],
    ],
    [
      'bounced',
      '5.7.1',
      'host mx[192.0.2.1] said: 554 5.7.1 Message rejected due to content restrictions (in reply to end of DATA command)',
      'content_reject',
      [],
    ],
    ['bounced', '5.7.1', 'host mx[192.0.2.1] said: 550 5.7.1 Relaying denied', 'reputation_reject', []],
    [
      'deferred',
      '4.4.4',
      'host t.mail.protection.outlook.com[52.101.42.2] said: 451 4.4.4 Mail received as unauthenticated, incoming to a recipient domain configured in a hosted tenant which has no mail-enabled subscriptions.',
      'temporary_failure',
      ['dead_tenant'],
    ],
    [
      'deferred',
      '4.4.1',
      'connect to mx.example.com[192.0.2.1]:25: Connection timed out',
      'temporary_failure',
      [],
    ],
    [
      'bounced',
      '5.4.4',
      'Host or domain name not found. Name service error for name=hotmai.com type=A',
      'other_reject',
      [],
    ],
    ['bounced', '5.2.2', 'host mx[192.0.2.1] said: 552 5.2.2 Mailbox full', 'other_reject', []],
    // An address with what looks like a code in it is neither a throttle nor a content reject.
    [
      'deferred',
      '4.4.1',
      'connect to mx.example[203.4.7.28]:25: Connection timed out',
      'temporary_failure',
      [],
    ],
    [
      'deferred',
      '4.4.2',
      'host mx[192.0.2.1] said: 421 4.4.2 mx 4.7.28.9 lost connection',
      'temporary_failure',
      [],
    ],
    ['bounced', '5.0.0', 'host mx[10.5.6.7] said: 550 Requested action not taken', 'other_reject', []],
    ['bounced', '5.0.0', 'host mx[192.0.5.7.13] said: 550 Requested action not taken', 'other_reject', []],
    ['bounced', '5.0.0', 'host mx[192.0.2.1] said: 550 5.6.0 Malformed message', 'content_reject', []],
    ['bounced', '5.0.0', 'host mx[192.0.2.1] said: 550 5.7.13 Disabled', 'content_reject', []],
    ['deferred', '4.0.0', 'host mx[192.0.2.1] said: 421 4.7.0 closing', 'throttled', []],
  ])('%s %s %s → %s %j', (status, dsn, reply, outcome, signals) => {
    expect(classifyReply({ status, dsn, reply })).toEqual({ outcome, signals });
  });

  it('reads the code from the reply when dsn= is missing', () => {
    expect(
      classifyReply({ status: 'bounced', dsn: undefined, reply: 'said: 550 5.1.1 no such user' }).outcome,
    ).toBe('recipient_reject');
    // Not from the relay's address.
    const reply = 'host mx[203.4.7.28] said: 550 5.1.1 no such user';
    expect(dsnOf({ status: 'bounced', dsn: undefined, reply })).toBe('5.1.1');
    expect(classifyReply({ status: 'bounced', dsn: undefined, reply }).outcome).toBe('recipient_reject');
  });
});

describe('isRecipientFailure (the seed’s bounce-sync codes)', () => {
  it.each([
    ['5.1.1', true],
    ['5.1.10', true],
    ['5.1.0', true],
    ['5.0.0', true],
    ['5.4.1', true],
    ['5.5.0', true],
    ['5.7.1', false],
    ['5.7.515', false],
    ['4.7.0', false],
    [undefined, false],
  ])('%s → %s', (dsn, expected) => {
    expect(isRecipientFailure(dsn)).toBe(expected);
  });
});

describe('normalizeReason', () => {
  it.each([
    [
      'host mta6.am0.yahoodns.net[67.195.204.77] said: 421 4.7.0 [TSS04] Messages from 203.0.113.94 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1 (in reply to MAIL FROM command)',
      '421 4.7.0 [TSS04] Messages from <ip> temporarily deferred due to unexpected volume or user complaints - <ip> (in reply to MAIL FROM)',
    ],
    [
      'host x[52.101.8.33] said: 451 4.7.650 The mail server [203.0.113.94] has been temporarily rate limited due to IP reputation. (S775) [BN1NAM02FT049.eop-nam02.prod.protection.outlook.com 2026-06-24T04:10:11.222Z 08DC93F5F7C4D8E1]',
      '451 4.7.650 The mail server [<ip>] has been temporarily rate limited due to IP reputation. (S775) [<id> <time> <id>]',
    ],
    [
      'host g[142.250.27.26] said: 550-5.7.1 [2a01:4f8::1] Gmail has detected that this 550-5.7.1 message is likely unsolicited mail. 550 5.7.1 more d2e1a72fcca58-7066a1b1a2esi1234567b3a.145 - gsmtp',
      '550-5.7.1 [<ip>] Gmail has detected that this message is likely unsolicited mail. more <id> - gsmtp',
    ],
    [
      'host mx[192.0.2.1] said: 550 5.1.1 <dispatch@acme.example>: Recipient address rejected (in reply to RCPT TO command)',
      '550 5.1.1 <address>: Recipient address rejected (in reply to RCPT TO)',
    ],
    ['connect to mx.example.com[192.0.2.1]:25: Connection timed out', 'connect: Connection timed out'],
    ['host x[192.0.2.1] said: 550 5.7.515 Access denied', '550 5.7.515 Access denied'],
  ])('%s', (reply, expected) => {
    expect(normalizeReason(reply)).toBe(expected);
  });

  it.each([
    '550 5.7.1 a 550- b',
    '421-4.7.0 a\t421-4.7.0 b',
    'x\t(in reply to DATA command)',
    'x (in reply to end of DATA command)',
    'x(in reply to RCPT TO command) (in reply to DATA command)',
    'stamp 2026-06-24 04:10:11 and 1:02:03, [fe80::1] 4.4.4.8 12345 queued as 1A2B3C',
    'nothing to scrub here',
  ])('normalises %j as the unguarded steps do', (reply) => {
    expect(normalizeReason(reply)).toBe(referenceNormalizeReason(reply));
  });

  it('gives one reason for replies that differ only in addresses, IPs and ids', () => {
    const a = normalizeReason(
      'host a[192.0.2.1] said: 550 5.1.1 <x@a.example>: unknown; queued as 4F2A1C9D3E',
    );
    const b = normalizeReason(
      'host b[192.0.2.2] said: 550 5.1.1 <y@b.example>: unknown; queued as 7E5372C0C21',
    );
    expect(a).toBe(b);
  });

  it('replaces random tokens as the regular expression does, in every reply of the samples and a generated log', () => {
    for (const reply of listCorpusReplies()) {
      expect(replaceRandomTokens(reply)).toBe(referenceReplaceRandomTokens(reply));
      expect(replaceRandomTokens(normalizeReason(reply))).toBe(normalizeReason(reply));
      expect(normalizeReason(reply)).toBe(referenceNormalizeReason(reply));
    }
  });

  it('replaces random tokens and normalises as the unguarded steps do, in replies made of their pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(REPLY_PIECE, fc.string({ maxLength: 14 })), { maxLength: 24 }),
        (pieces) => {
          const reply = pieces.join('');
          expect(replaceRandomTokens(reply)).toBe(referenceReplaceRandomTokens(reply));
          expect(normalizeReason(reply)).toBe(referenceNormalizeReason(reply));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

/** What replaceRandomTokens does in one pass, as one regular expression: the reference. */
function referenceReplaceRandomTokens(text: string): string {
  return text.replace(/[0-9A-Za-z._-]{12,}/g, (token) =>
    /\d/.test(token) && /[A-Za-z]/.test(token) ? '<id>' : token,
  );
}

/** What normalizeReason does, every step an unguarded regular expression: the reference. */
function referenceNormalizeReason(reply: string): string {
  let text = reply;
  const said = text.indexOf(' said: ');
  if (said >= 0) text = text.slice(said + 7);
  if (text.length > 400) text = text.slice(0, 400);
  text = text
    .replace(/^connect to [^\s[]+\[[^\]]*\](?::\d+)?: /, 'connect: ')
    .replace(/\s*\(in reply to ([A-Z][A-Z ]*?) command\)$/, ' (in reply to $1)')
    .replace(/<[^<>\s]*@[^<>\s]*>|[^\s<>()[\]"',;:]+@[A-Za-z0-9.-]+/g, '<address>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>')
    .replace(/\[[0-9a-fA-F]*:[0-9a-fA-F:.]+\]/g, '[<ip>]')
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b\d{1,2}:\d{2}:\d{2}\b/g, '<time>')
    .replace(/(?:queued as|id=|ID:?) ?[0-9A-Za-z._-]{6,}/g, (m) => m.replace(/[0-9A-Za-z._-]{6,}$/, '<id>'));
  text = referenceReplaceRandomTokens(text).replace(/\b\d{5,}\b/g, '<n>');
  const lead = /^(\d{3})[- ](\d\.\d{1,3}\.\d{1,3} )?/.exec(text);
  if (lead !== null)
    text = `${lead[0]}${text
      .slice(lead[0].length)
      .replace(new RegExp(`\\s${lead[1]}[- ](?:\\d\\.\\d{1,3}\\.\\d{1,3} )?`, 'g'), ' ')}`;
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
