import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBuild } from '../build/plan-build.js';
import { resolveBuildRules } from '../build/resolve-build-rules.js';
import { carrierRow } from '../testing/carrier-row.js';
import { readFiledLink } from './filed-link.js';
import { markFiled } from './mark-filed.js';

const DATE = '2026-11-24'; // UCR touch 1 of the cycle ending Dec 31 is open
const now = () => new Date('2026-11-24T06:00:00Z');
const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe.each(testEngines())('markFiled and the daily build on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
    // Interstate carriers with a current MCS-150: in the UCR reminder only.
    await t.db
      .insertInto('fmcsa_carriers')
      .values([41, 42, 43].map((dot) => carrierRow(dot, { carrier_operation: 'A' })))
      .execute();
  });
  afterAll(async () => {
    await t.destroy();
  });

  const rules = resolveBuildRules(
    'trucking',
    { verticals: { trucking: { siteUrl: 'https://example.net', filedLinkSecret: SECRET } } },
    createDomainFamilies(),
  );
  const plan = () => planBuild(t.db, rules, { vertical: 'trucking', date: DATE, warmupDay: 3, now });

  it('a UCR reminder carries the link; once marked, the build skips that carrier for the cycle', async () => {
    const before = await plan();
    const ucr = before.recipients.filter((r) => r.segment === 'ucr');
    expect(ucr.map((r) => r.recipientKey).sort()).toEqual(['41', '42', '43']);
    const link = (ucr.find((r) => r.recipientKey === '42')!.subscriber as { attribs: { filed_link: string } })
      .attribs.filed_link;
    const target = readFiledLink(SECRET, link);
    expect(target).toEqual({
      vertical: 'trucking',
      segment: 'ucr',
      recipientKey: '42',
      cycle: 'ucr:2026',
    });

    expect(await markFiled(t.db, target)).toMatchObject({ outcome: 'marked' });
    expect(await markFiled(t.db, target)).toMatchObject({ outcome: 'marked' });
    const after = await plan();
    expect(
      after.recipients
        .filter((r) => r.segment === 'ucr')
        .map((r) => r.recipientKey)
        .sort(),
    ).toEqual(['41', '43']);
    expect(after.excluded.already_filed).toBe(1);

    // A link of last year's cycle changes nothing now.
    expect(await markFiled(t.db, { ...target, recipientKey: '42', cycle: 'ucr:2025' })).toMatchObject({
      outcome: 'stale',
    });
    const row = await t.db
      .selectFrom('segment_touches')
      .selectAll()
      .where('recipient_key', '=', '42')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ cycle: 'ucr:2026', filed_cycle: 'ucr:2026', touch: 0 });
  });
});
