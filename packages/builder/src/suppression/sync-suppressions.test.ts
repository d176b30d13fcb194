import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createStandInKit } from '@mailramp/listmonk/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
    await t.db.deleteFrom('listmonk_bounce_cursors').execute();
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

  it('Listmonk: complaints and hard bounces naming a recipient failure suppress at once; soft, 5.7.x and full mailboxes never; no DSN counts toward the threshold', async () => {
    const hard = (id: number, email: string, meta: Record<string, unknown>) => ({
      instance: 'trucking',
      id,
      email,
      type: 'hard' as const,
      meta,
      at: at(id),
    });
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
      hard(3, 'Gone@d.example', { reply: '550 5.1.1 no such user' }),
      ...[4, 5, 6].map((id) =>
        hard(id, 'blocked@d.example', { reply: '550 5.7.1 Service unavailable, Client host blocked' }),
      ),
      hard(7, 'full@d.example', { reply: '552 5.2.2 Mailbox full' }),
      hard(8, 'nodsn@d.example', {}),
      hard(9, 'nodsn@d.example', {}),
    ];
    const result = await syncSuppressions(t.db, { bounces, rules });
    expect(result).toMatchObject({
      bouncesRead: 9,
      failuresRecorded: 7,
      policyFailures: 3,
      complaints: ['angry@d.example'],
      suppressed: ['gone@d.example'],
    });
    expect(
      await t.db.selectFrom('suppressions').select(['email', 'reason', 'source']).orderBy('email').execute(),
    ).toEqual([
      { email: 'angry@d.example', reason: 'complaint', source: 'listmonk:trucking:bounce:1' },
      { email: 'gone@d.example', reason: 'hard_bounce', source: 'listmonk:trucking:bounce:3' },
    ]);
    expect(await syncSuppressions(t.db, { bounces, rules })).toMatchObject({
      complaints: [],
      suppressed: [],
      failuresRecorded: 0,
    });
    // A third DSN-less hard bounce reaches the threshold like three log failures would.
    const third = await syncSuppressions(t.db, { bounces: [hard(10, 'nodsn@d.example', {})], rules });
    expect(third.suppressed).toEqual(['nodsn@d.example']);
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

  describe('reading Listmonk bounces through the HTTP stand-in', () => {
    const kit = createStandInKit({ version: 6 });
    afterEach(() => kit.closeAll());

    /** A stand-in holding `emails` as subscribers, and a client for it. */
    async function listmonkWith(emails: string[]) {
      const connected = await kit.connect();
      for (const email of emails) {
        const reply = await connected.api('POST', '/api/subscribers', {
          email,
          name: email,
          status: 'enabled',
        });
        expect(reply.status).toBe(200);
      }
      return connected;
    }

    it('two instances plus the mail log: exactly the expected suppressions, a second sync adds nothing, and only new bounces are read', async () => {
      const trucking = await listmonkWith([
        'gone@t.example',
        'angry@t.example',
        'soft@t.example',
        'rep@t.example',
      ]);
      const healthcare = await listmonkWith(['lab@h.example', 'nodsn@h.example']);
      trucking.standIn.addBounce({
        email: 'gone@t.example',
        type: 'hard',
        meta: { reply: '550 5.1.1 User unknown' },
        createdAt: at(1),
      });
      trucking.standIn.addBounce({ email: 'angry@t.example', type: 'complaint', createdAt: at(1, 5) });
      trucking.standIn.addBounce({
        email: 'soft@t.example',
        type: 'soft',
        meta: { reply: '452 4.2.2 Mailbox full' },
        createdAt: at(2),
      });
      for (const day of [1, 2, 3])
        trucking.standIn.addBounce({
          email: 'rep@t.example',
          type: 'hard',
          meta: { reply: '550 5.7.1 Our system has detected that this message is likely unsolicited mail' },
          createdAt: at(day, 10),
        });
      healthcare.standIn.addBounce({
        email: 'lab@h.example',
        type: 'hard',
        meta: { message: 'smtp; 550 5.1.10 RecipientNotFound' },
        createdAt: at(2),
      });
      healthcare.standIn.addBounce({ email: 'nodsn@h.example', type: 'hard', createdAt: at(3) });
      const attempts = [1, 2, 3].map((d) =>
        bounce('log@l.example', '5.1.1', '550 5.1.1 User unknown', at(d), `L${d}`),
      );
      const listmonk = [
        { instance: 'trucking', listmonk: trucking.client },
        { instance: 'healthcare', listmonk: healthcare.client },
      ];

      const first = await syncSuppressions(t.db, { attempts, listmonk, rules });
      expect(first).toMatchObject({
        attemptsRead: 3,
        bouncesRead: 8,
        suppressed: ['gone@t.example', 'lab@h.example', 'log@l.example'],
        complaints: ['angry@t.example'],
        listmonk: [
          { instance: 'trucking', since: null, bouncesRead: 6, seenUntil: at(3, 10) },
          { instance: 'healthcare', since: null, bouncesRead: 2, seenUntil: at(3) },
        ],
      });
      expect(
        await t.db
          .selectFrom('suppressions')
          .select(['email', 'reason', 'source'])
          .orderBy('email')
          .execute(),
      ).toEqual([
        { email: 'angry@t.example', reason: 'complaint', source: 'listmonk:trucking:bounce:2' },
        { email: 'gone@t.example', reason: 'hard_bounce', source: 'listmonk:trucking:bounce:1' },
        { email: 'lab@h.example', reason: 'hard_bounce', source: 'listmonk:healthcare:bounce:1' },
        { email: 'log@l.example', reason: 'hard_bounce', source: 'suppress-sync' },
      ]);

      const second = await syncSuppressions(t.db, { attempts, listmonk, rules });
      expect(second).toMatchObject({ failuresRecorded: 0, suppressed: [], complaints: [] });
      // The cursor is inclusive: only the bounces at the newest instant are read again.
      expect(second.listmonk.map((o) => [o.instance, o.since, o.bouncesRead])).toEqual([
        ['trucking', at(3, 10), 1],
        ['healthcare', at(3), 1],
      ]);
      expect(await t.db.selectFrom('suppressions').select('email').execute()).toHaveLength(4);
    });

    it('an unreachable instance: the mail log and the other instance are stored, its cursor stays, and the next sync reads what it missed', async () => {
      const up = await listmonkWith(['a@up.example']);
      const down = await listmonkWith(['b@down.example']);
      up.standIn.addBounce({ email: 'a@up.example', type: 'complaint', createdAt: at(1) });
      down.standIn.addBounce({ email: 'b@down.example', type: 'complaint', createdAt: at(1) });
      const listmonk = [
        { instance: 'up', listmonk: up.client },
        { instance: 'down', listmonk: down.client },
      ];
      await syncSuppressions(t.db, { listmonk, rules });
      down.standIn.addBounce({
        email: 'b@down.example',
        type: 'hard',
        meta: { reply: '550 5.1.1 unknown' },
        createdAt: at(2),
      });
      down.standIn.injectFault({ kind: 'status', status: 502, path: '/api/bounces', times: 100 });
      const attempts = [1, 2, 3].map((d) =>
        bounce('log@l.example', '5.1.1', '550 5.1.1 User unknown', at(d), `M${d}`),
      );

      const failed = await syncSuppressions(t.db, { attempts, listmonk, rules });
      expect(failed.suppressed).toEqual(['log@l.example']);
      expect(failed.listmonk[1]).toMatchObject({
        instance: 'down',
        since: at(1),
        bouncesRead: 0,
        seenUntil: at(1),
        error: { code: 'UNAVAILABLE' },
      });
      expect(
        await t.db
          .selectFrom('listmonk_bounce_cursors')
          .select(['instance', 'seen_until'])
          .orderBy('instance')
          .execute(),
      ).toEqual([
        { instance: 'down', seen_until: at(1) },
        { instance: 'up', seen_until: at(1) },
      ]);

      down.standIn.clearFaults();
      const recovered = await syncSuppressions(t.db, { attempts, listmonk, rules });
      expect(recovered).toMatchObject({ suppressed: ['b@down.example'], complaints: [] });
      expect(recovered.listmonk.every((o) => o.error === undefined)).toBe(true);
    });

    it('a dry run reads Listmonk but moves no cursor', async () => {
      const only = await listmonkWith(['c@x.example']);
      only.standIn.addBounce({ email: 'c@x.example', type: 'complaint', createdAt: at(4) });
      const listmonk = [{ instance: 'only', listmonk: only.client }];
      expect(await syncSuppressions(t.db, { listmonk, rules, dryRun: true })).toMatchObject({
        complaints: ['c@x.example'],
      });
      expect(await t.db.selectFrom('listmonk_bounce_cursors').selectAll().execute()).toEqual([]);
    });
  });
});
