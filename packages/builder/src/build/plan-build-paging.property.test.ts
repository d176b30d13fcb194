import type { NewFmcsaCarrier } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies } from '@mailramp/mailbox';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBuild } from './plan-build.js';
import { resolveBuildRules } from './resolve-build-rules.js';

const DATE = '2026-11-24'; // UCR touch 1 open: a filing-cycle segment walks beside the others
const now = () => new Date('2026-11-24T06:00:00Z');
const OPERATORS = [null, 'godaddy', 'google', 'zoho', 'rare', 'mx:dead'] as const;
const DOMAINS = ['carrier.com', 'fleet.net', 'yahoo.com', 'aol.com', 'haul.org'];

const row = fc.record({
  operator: fc.constantFrom(...OPERATORS),
  domain: fc.constantFrom(...DOMAINS),
  verify: fc.constantFrom('smtp_valid', 'send_confirmed', 'mx_unreachable', 'catch_all_domain'),
  status: fc.constantFrom('A', 'A', 'I'),
  operation: fc.constantFrom('A', 'C'),
  mcs150: fc.constantFrom(null, '2026-01-15', '2023-05-01'),
  hazmat: fc.boolean(),
  mailed: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  suppressed: fc.integer({ min: 0, max: 14 }).map((n) => n === 0),
});

const cap = fc.integer({ min: 0, max: 12 });

describe.each(testEngines())('planBuild paging on %s (property)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());

  it('keeps every rule whatever the page size: one page, or many per-operator pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 50_000 }), { minLength: 10, maxLength: 80 }),
        fc.array(row, { minLength: 80, maxLength: 80 }),
        fc.record({ godaddy: cap, google: cap, zoho: cap, rare: cap, 'mx:dead': cap }),
        cap,
        fc.integer({ min: 0, max: 40 }),
        fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
        fc.integer({ min: 1, max: 6 }),
        async (dots, facts, operators, unclassified, warmupDay, maxPerSegment, pageSize) => {
          // DELETE, not TRUNCATE: a truncate makes new files for the table and each of its ~25
          // indexes, several times the cost of deleting the last run's 80 rows.
          await sql`delete from fmcsa_carriers`.execute(t.db);
          await sql`delete from suppressions`.execute(t.db);
          const rows: NewFmcsaCarrier[] = dots.map((dot, i) => {
            const f = facts[i]!;
            return {
              dot_number: dot,
              legal_name: `C${dot}`,
              email: `d${dot}@${f.operator === 'rare' ? 'rare.example' : f.domain}`,
              phy_state: 'TX',
              phy_zip: '75001',
              carrier_operation: f.operation,
              status_code: f.status,
              mcs150_date: f.mcs150,
              email_verify_result: f.verify,
              mx_provider: f.operator,
              listmonk_sent_at: f.mailed ? '2026-10-01T15:00:00Z' : null,
              attributes: f.hazmat ? { deficiency_flags: ['hazmat'] } : {},
            };
          });
          await t.db.insertInto('fmcsa_carriers').values(rows).execute();
          const suppressed = rows.filter((_, i) => facts[i]!.suppressed).map((r) => r.email!);
          if (suppressed.length > 0) {
            await t.db
              .insertInto('suppressions')
              .values(suppressed.map((email) => ({ email, reason: 'hard_bounce', source: 'test' })))
              .execute();
          }
          const rules = resolveBuildRules(
            'trucking',
            { operatorCaps: { operators, unclassified } },
            createDomainFamilies(),
          );
          const request = { vertical: 'trucking' as const, date: DATE, warmupDay, maxPerSegment, now };
          const whole = await planBuild(t.db, rules, { ...request, pageSize: 100_000 });
          const paged = await planBuild(t.db, rules, { ...request, pageSize });
          // Paging may pick different people once operator caps bind (later pages skip full
          // operators, so the round-robin sees fewer rows), but never breaks a rule: no one twice,
          // every cap kept, no excluded row, and a recipient's segment is the one its priority gives.
          const keys = paged.recipients.map((r) => r.recipientKey);
          expect(new Set(keys).size).toBe(keys.length);
          expect(paged.recipients.length).toBeLessThanOrEqual(paged.dailyCap);
          const perOperator = new Map<string, number>();
          const perSegment = new Map<string, number>();
          for (const r of paged.recipients) {
            perOperator.set(String(r.operator), (perOperator.get(String(r.operator)) ?? 0) + 1);
            perSegment.set(r.segment, (perSegment.get(r.segment) ?? 0) + 1);
          }
          for (const [op, n] of perOperator) {
            const capOf = op === 'null' ? unclassified : (operators as Record<string, number>)[op]!;
            expect(n).toBeLessThanOrEqual(capOf);
          }
          if (maxPerSegment !== undefined)
            for (const n of perSegment.values()) expect(n).toBeLessThanOrEqual(maxPerSegment);
          const byKey = new Map(facts.slice(0, dots.length).map((f, i) => [String(dots[i]), f]));
          const wholeSegment = new Map(whole.recipients.map((r) => [r.recipientKey, r.segment]));
          for (const r of paged.recipients) {
            const f = byKey.get(r.recipientKey)!;
            const domain = f.operator === 'rare' ? 'rare.example' : f.domain;
            expect(f.suppressed).toBe(false);
            expect(rules.families.familyOf(domain)).toBeUndefined();
            expect(['smtp_valid', 'send_confirmed']).toContain(f.verify);
            const seg = wholeSegment.get(r.recipientKey);
            if (seg !== undefined) expect(r.segment).toBe(seg);
          }
        },
      ),
      { numRuns: Number(process.env.PAGING_RUNS ?? (engine === 'pglite' ? 25 : 15)), endOnFailure: true },
    );
  }, 300_000);
});
