import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  createDeadTenantTracker,
  DEFAULT_SUPPRESS_RULES,
  type DeliveryAttempt,
} from './suppress-rules.js';

describe('classifyFailure', () => {
  it.each([
    ['5.1.1', '550 5.1.1 <a@b.example>: Recipient address rejected: User unknown', 'recipient'],
    [
      '5.1.10',
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      'recipient',
    ],
    ['5.4.1', '550 5.4.1 Recipient address rejected: Access denied', 'recipient'],
    [
      '5.7.1',
      '550-5.7.1 [203.0.113.10] Our system has detected that this message is likely unsolicited mail',
      'policy',
    ],
    ['5.7.1', "550 5.7.1 Unfortunately, messages from [203.0.113.10] weren't sent. (S3150)", 'policy'],
    [
      '5.0.0',
      '554 5.0.0 Service unavailable; Client host [203.0.113.10] blocked using zen.spamhaus.org',
      'policy',
    ],
    ['5.1.1', '550 5.1.1 sender IP on RBL list', 'policy'],
    [
      '5.7.515',
      '550 5.7.515 Access denied, sending domain does not meet the required authentication level',
      'policy',
    ],
    ['5.2.2', '552 5.2.2 Mailbox full', 'other'],
    [undefined, 'connect to mx.example.com[192.0.2.1]:25: Connection timed out', 'other'],
  ])('%s %s → %s', (dsn, reply, verdict) => {
    expect(classifyFailure(dsn, reply, DEFAULT_SUPPRESS_RULES)).toBe(verdict);
  });

  it('a 5.7.x code never counts against the recipient, whatever the reply says', () => {
    fc.assert(
      fc.property(fc.nat(999), fc.string(), (n, reply) => {
        expect(classifyFailure(`5.7.${n}`, reply, DEFAULT_SUPPRESS_RULES)).toBe('policy');
      }),
    );
  });
});

describe('createDeadTenantTracker', () => {
  const attempt = (email: string, day: number, dsn: string, status = 'deferred'): DeliveryAttempt => ({
    email,
    status,
    dsn,
    replyText: `host x.mail.protection.outlook.com[192.0.2.1] said: 451 ${dsn} Mail received as unauthenticated`,
    at: new Date(Date.UTC(2026, 5, day, 10)),
    relayHost: 'x.mail.protection.outlook.com',
  });

  it('reports a domain only when every attempt over several days was a 451 4.4.4', () => {
    const tracker = createDeadTenantTracker(DEFAULT_SUPPRESS_RULES);
    for (const day of [1, 2, 3]) {
      tracker.add(attempt('a@deadco.example', day, '4.4.4'));
      tracker.add(attempt('b@mixed.example', day, '4.4.4'));
      tracker.add(attempt('c@twodays.example', Math.min(day, 2), '4.4.4'));
    }
    tracker.add(attempt('z@mixed.example', 4, '2.0.0', 'sent'));
    expect(tracker.list()).toEqual([
      {
        domain: 'deadco.example',
        attempts: 3,
        days: 3,
        firstAt: new Date(Date.UTC(2026, 5, 1, 10)),
        lastAt: new Date(Date.UTC(2026, 5, 3, 10)),
        relayHosts: ['x.mail.protection.outlook.com'],
      },
    ]);
  });
});
