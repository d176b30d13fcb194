import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SUPPRESS_RULES, type DeliveryAttempt } from './suppress-rules.js';
import { syncSuppressions } from './sync-suppressions.js';

const rules = DEFAULT_SUPPRESS_RULES;
const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 4, day, 9, minute));
const bounce = (email: string, dsn: string, reply: string, when: Date, id?: string): DeliveryAttempt => ({
  email,
  status: 'bounced',
  dsn,
  replyText: `host mx.example.com[192.0.2.1] said: ${reply}`,
  at: when,
  relayHost: 'mx.example.com',
  id,
});

describe.each(testEngines())('syncSuppressions on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());
  beforeEach(async () => {
    await t.db.deleteFrom('recipient_failures').execute();
    await t.db.deleteFrom('suppressions').execute();
    await t.db.deleteFrom('suppressed_domains').execute();
  });
  const suppressed = async () =>
    await t.db.selectFrom('suppressions').select(['email', 'reason']).orderBy('email').execute();

  it('regression (May 30 blast): 5.7.1 reputation rejections, three times over for 2,000 carriers, suppress nobody', async () => {
    const attempts: DeliveryAttempt[] = [];
    for (let i = 0; i < 2000; i++) {
      for (const day of [30, 31]) {
        attempts.push(
          bounce(
            `dispatch${i}@carrier${i}.example`,
            '5.7.1',
            '550-5.7.1 [203.0.113.10] Our system has detected that this message is 550-5.7.1 likely unsolicited mail.',
            at(day, i % 60),
            `Q${day}${i}`,
          ),
        );
      }
      attempts.push(
        bounce(
          `dispatch${i}@carrier${i}.example`,
          '5.0.0',
          '554 5.0.0 blocked using zen.spamhaus.org',
          at(31, 59),
          `R${i}`,
        ),
      );
    }
    const result = await syncSuppressions(t.db, { attempts, rules });
    expect(result).toMatchObject({
      attemptsRead: 6000,
      failuresRecorded: 6000,
      policyFailures: 6000,
      suppressed: [],
    });
    expect(await suppressed()).toEqual([]);
  });

  it('suppresses after the third recipient failure, never before, and a second sync adds nothing', async () => {
    const first = [
      bounce('gone@a.example', '5.1.1', '550 5.1.1 User unknown', at(1), 'A1'),
      bounce('gone@a.example', '5.1.1', '550 5.1.1 User unknown', at(2), 'A2'),
      bounce('full@b.example', '5.2.2', '552 5.2.2 Mailbox full', at(1), 'B1'),
      bounce('full@b.example', '5.2.2', '552 5.2.2 Mailbox full', at(2), 'B2'),
      bounce('full@b.example', '5.2.2', '552 5.2.2 Mailbox full', at(3), 'B3'),
    ];
    expect((await syncSuppressions(t.db, { attempts: first, rules })).suppressed).toEqual([]);
    const second = [
      ...first,
      bounce('GONE@a.example', '5.1.10', '550 5.1.10 Recipient not found', at(3), 'A3'),
    ];
    const result = await syncSuppressions(t.db, { attempts: second, rules });
    expect(result).toMatchObject({ failuresRecorded: 1, suppressed: ['gone@a.example'] });
    const again = await syncSuppressions(t.db, { attempts: second, rules });
    expect(again).toMatchObject({ failuresRecorded: 0, suppressed: [], complaints: [] });
    expect(await suppressed()).toEqual([{ email: 'gone@a.example', reason: 'hard_bounce' }]);
  });

  it('the threshold and the codes come from the rules', async () => {
    const one = [bounce('x@c.example', '5.1.1', '550 5.1.1 User unknown', at(1), 'C1')];
    expect(
      (await syncSuppressions(t.db, { attempts: one, rules: { ...rules, threshold: 1 } })).suppressed,
    ).toEqual(['x@c.example']);
    const other = [bounce('y@c.example', '5.1.1', '550 5.1.1 User unknown', at(1), 'C2')];
    const none = await syncSuppressions(t.db, {
      attempts: other,
      rules: { ...rules, threshold: 1, recipientFailureCodes: ['5.4.1'] },
    });
    expect(none.suppressed).toEqual([]);
  });

  it('Listmonk complaints suppress at once; hard bounces count like log failures', async () => {
    const bounces = [
      {
        instance: 'trucking',
        id: 1,
        email: 'angry@d.example',
        type: 'complaint' as const,
        meta: {},
        at: at(1),
      },
      { instance: 'trucking', id: 2, email: 'soft@d.example', type: 'soft' as const, meta: {}, at: at(1) },
      ...[3, 4, 5].map((id) => ({
        instance: 'trucking',
        id,
        email: 'hard@d.example',
        type: 'hard' as const,
        meta: { reply: '550 5.1.1 no such user' },
        at: at(id),
      })),
      ...[6, 7, 8].map((id) => ({
        instance: 'trucking',
        id,
        email: 'blocked@d.example',
        type: 'hard' as const,
        meta: { reply: '550 5.7.1 Service unavailable, Client host blocked' },
        at: at(id),
      })),
    ];
    const result = await syncSuppressions(t.db, { bounces, rules });
    expect(result).toMatchObject({
      bouncesRead: 8,
      complaints: ['angry@d.example'],
      suppressed: ['hard@d.example'],
    });
    expect(await syncSuppressions(t.db, { bounces, rules })).toMatchObject({
      complaints: [],
      suppressed: [],
      failuresRecorded: 0,
    });
  });

  it('reports dead Microsoft 365 tenants, and suppresses their domains only with applyDeadTenants', async () => {
    const attempts: DeliveryAttempt[] = [1, 2, 3].map((day) => ({
      email: `info@deadtenant.example`,
      status: 'deferred',
      dsn: '4.4.4',
      replyText:
        'host deadtenant-example.mail.protection.outlook.com[192.0.2.9] said: 451 4.4.4 Mail received as unauthenticated',
      at: at(day),
      relayHost: 'deadtenant-example.mail.protection.outlook.com',
    }));
    const report = await syncSuppressions(t.db, { attempts, rules });
    expect(report.deadTenants.map((d) => d.domain)).toEqual(['deadtenant.example']);
    expect(report.deadTenantsSuppressed).toEqual([]);
    const applied = await syncSuppressions(t.db, { attempts, rules, applyDeadTenants: true });
    expect(applied.deadTenantsSuppressed).toEqual(['deadtenant.example']);
    expect(
      (await syncSuppressions(t.db, { attempts, rules, applyDeadTenants: true })).deadTenantsSuppressed,
    ).toEqual([]);
    expect(await t.db.selectFrom('suppressed_domains').select(['domain', 'reason']).execute()).toEqual([
      { domain: 'deadtenant.example', reason: 'dead_tenant' },
    ]);
  });

  it('a dry run reports what it would suppress and stores nothing', async () => {
    const attempts = [1, 2, 3].map((d) =>
      bounce('dry@e.example', '5.1.1', '550 5.1.1 User unknown', at(d), `D${d}`),
    );
    expect(await syncSuppressions(t.db, { attempts, rules, dryRun: true })).toMatchObject({
      suppressed: ['dry@e.example'],
    });
    expect(await suppressed()).toEqual([]);
    expect(await t.db.selectFrom('recipient_failures').selectAll().execute()).toEqual([]);
  });
});
