/**
 * Replies to test reply handling with: every reply of the sample logs and of a generated log, and
 * pieces of replies for property tests.
 */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createParseContext, scanLogLine } from '../parse-log-line.js';
import { generateMailLog } from './generate-mail-log.js';
import { listSampleLogs } from './sample-logs.js';

/** The replies of every sample log and of a generated log, each once. */
export const listCorpusReplies = (() => {
  let replies: Set<string> | undefined;
  return (): Set<string> => {
    if (replies !== undefined) return replies;
    replies = new Set<string>();
    const ctx = createParseContext(new Date('2026-11-24T12:00:00Z'));
    const texts = [...listSampleLogs().map((s) => readFileSync(s.path, 'utf8'))];
    generateMailLog({ lines: 40_000, seed: 11, format: 'mixed' }, (chunk) => texts.push(chunk));
    for (const text of texts)
      for (const line of text.split('\n'))
        if (scanLogLine(line, ctx) && ctx.event.kind === 'delivery') replies.add(ctx.event.reply);
    if (replies.size < 1000)
      throw new Error(`only ${replies.size} replies in the samples and the generated log`);
    return replies;
  };
})();

/** Pieces of replies, for property tests: codes, hosts, addresses, times, tokens, white space. */
export const REPLY_PIECE = fc.constantFrom(
  'host mx.example.com[192.0.2.1] said: ',
  'connect to mx.example.com[192.0.2.1]:25: ',
  '550',
  '550-5.7.1 ',
  '421 4.7.0 ',
  ' 550 5.7.1 ',
  '[TSS04]',
  '[TS03]',
  '[BL21]',
  'S3150',
  '(S775)',
  '4.7.650',
  '5.7.515',
  '4.4.4',
  '421-4.7.28 ',
  'likely unsolicited mail',
  'UNUSUAL RATE OF UNSOLICITED MAIL',
  'blocked using Spamhaus',
  'SpamCop',
  'RLR621',
  'ERS-QIL',
  'sorbs.net',
  '\u0130',
  '<x@a.example>',
  'y@b.example',
  '203.0.113.94',
  '[2a01:4f8::1]',
  '2026-06-24T04:10:11.222Z',
  '04:10:11',
  'queued as ',
  'id=',
  'ID: ',
  'd2e1a72fcca58-7066a1b1a2esi1234567b3a.145',
  'BN1NAM02FT049.eop-nam02',
  'postmaster.yahooinc.com',
  '123456789012',
  'abcdefghijkl',
  '12345',
  ' (in reply to RCPT TO command)',
  ' command)',
  ' (in reply to DATA command)',
  '(in reply to end of DATA command)',
  'queued as ABCDEF1234',
  '2026-06-24 04:10:11+02:00',
  '12:34:56',
  '1:2',
  '1.2.3',
  '4.4.4.8',
  '[::ffff:192.0.2.1]',
  '[fe80:',
  '2026-06',
  '-24',
  ':',
  '[',
  '550- ',
  ' 550 ',
  '1234',
  '\u00a0',
  '\u2028',
  '\r\n',
  '  ',
  '\t',
  ' ',
  '.',
  '-',
  '_',
);
