import type { JsonObject } from '@mailramp/db';
import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { createDomainFamilies, normalizeEmail } from '@mailramp/mailbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../calendar/calendar-date.js';
import { planFilingTouch } from '../calendar/plan-filing-touch.js';
import { planMcs150Cutoffs } from '../calendar/plan-mcs150-cutoffs.js';
import { planHeldOperators, planOperatorCaps } from '../caps/plan-operator-caps.js';
import type { SegmentDefinition, Vertical } from '../segments/default-segments.js';
import { classifyExclusion, type ExclusionRules } from '../selection/classify-exclusion.js';
import { keyOrderOf } from '../selection/find-segment-candidates.js';
import { operatorKeyOf } from '../selection/plan-selection.js';
import { type BuildPlan, planBuild } from './plan-build.js';
import { type BuildRules, type BuildSettings, resolveBuildRules } from './resolve-build-rules.js';

// Random audiences where every nullable column and every attribute key may be absent, as the real
// files leave them. The segment model below is plain TypeScript (absent = false), not the SQL under
// test: a three-valued `not (NULL)` in the SQL shows up as a recipient the plan cannot account for.

const DATES = ['2026-06-22', '2026-11-24', '2026-07-20', '2026-04-15'] as const;
const OPERATORS = [null, 'godaddy', 'google', 'zoho'] as const;
const DOMAINS = ['carrier.com', 'fleet.net', 'yahoo.com', 'gmail.com'];
const VERIFY = [null, 'smtp_valid', 'send_confirmed', 'mx_unreachable', 'catch_all_domain'] as const;
const FLAGS = ['hazmat', 'irp_ifta', 'for_hire_authority', 'npi_reactivation', 'oig_exclusion'];
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const day = fc.integer({ min: -2000, max: 400 });

const attributes = fc.oneof(
  fc.constant({}),
  fc.record(
    {
      deficiency_flags: fc.subarray(FLAGS),
      flags: fc.subarray(FLAGS),
      reactivated_at: fc.constantFrom('2026-01-01', '2027-01-01'),
      nppes: fc.record(
        { deactivation_reason: fc.constantFrom('DT', 'DB', 'FR', 'dt') },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ),
);

const facts = fc.record({
  email: maybe(fc.constantFrom(...DOMAINS)),
  // Several keys behind one address, as FMCSA lists several USDOT numbers behind one mailbox.
  mailbox: maybe(fc.constantFrom('dispatch', 'Dispatch', 'office')),
  operator: fc.constantFrom(...OPERATORS),
  verify: fc.constantFrom(...VERIFY),
  mailed: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  status: maybe(fc.constantFrom('A', 'I')),
  operation: maybe(fc.constantFrom('A', 'B', 'C')),
  dateA: maybe(day),
  dateB: maybe(day),
  dateC: maybe(day),
  attributes,
});
type Facts = typeof facts extends fc.Arbitrary<infer T> ? T : never;

const caps = fc.record({
  daily: fc.integer({ min: 1, max: 30 }),
  operators: fc.record({
    godaddy: fc.integer({ min: 0, max: 8 }),
    google: fc.integer({ min: 0, max: 8 }),
    zoho: fc.integer({ min: 0, max: 8 }),
  }),
  unclassified: fc.integer({ min: 0, max: 8 }),
  held: fc.subarray(['google', 'zoho']),
  maxPerSegment: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
});

interface Row {
  key: string;
  email: string | null;
  domain: string | null;
  operator: string | null;
  verify: string | null;
  mailed: boolean;
  status: string | null;
  operation: string | null;
  /** trucking: mcs150_date, add_date; healthcare: revalidation_due, clia_expires, deactivated_at */
  dates: Record<string, string | null>;
  attributes: JsonObject;
}

function rowsOf(vertical: Vertical, date: string, keys: number[], all: Facts[]): Row[] {
  return keys.map((k, i) => {
    const f = all[i]!;
    const at = (d: number | null) => (d === null ? null : addDays(date, d));
    const key = vertical === 'trucking' ? String(k) : String(1_000_000_000 + k);
    const email = f.email === null ? null : `${f.mailbox ?? `r${k}`}@${f.email}`;
    return {
      key,
      email,
      domain: f.email,
      operator: f.operator,
      verify: f.verify,
      mailed: f.mailed,
      status: f.status,
      operation: f.operation,
      dates: (vertical === 'trucking'
        ? { mcs150_date: at(f.dateA), add_date: at(f.dateB) }
        : {
            revalidation_due: at(f.dateA),
            clia_expires: at(f.dateB),
            deactivated_at: at(f.dateC),
          }) as Record<string, string | null>,
      attributes: f.attributes as JsonObject,
    };
  });
}

/** Whether a segment's rule accepts a row, in plain TypeScript: anything absent means no. */
function accepts(s: SegmentDefinition, r: Row, date: string): boolean {
  const rule = s.rule;
  if (rule.kind === 'filing_cycle') {
    return (
      r.email !== null &&
      r.operation === 'A' &&
      planFilingTouch(date, rule.calendar, rule.touchBusinessDays) !== undefined
    );
  }
  if (r.email === null || r.mailed) return false;
  switch (rule.kind) {
    case 'all':
      return true;
    case 'equals':
      return (rule.column === 'status_code' ? r.status : undefined) === rule.value;
    case 'flag': {
      const list = r.attributes[rule.attribute];
      return Array.isArray(list) && list.some((f) => rule.anyOf.includes(String(f)));
    }
    case 'date_window': {
      const d = r.dates[rule.column] ?? null;
      if (d === null) return false;
      const from = rule.fromDays === null ? true : d >= addDays(date, rule.fromDays);
      const to = rule.toDays === null ? true : d <= addDays(date, rule.toDays);
      return from && to;
    }
    case 'mcs150': {
      const cutoff = planMcs150Cutoffs(date, rule.dueSoonDays)[Number(r.key) % 20]!;
      return (r.dates.mcs150_date ?? '0001-01-01') <= cutoff;
    }
  }
}

function exclusionRulesOf(rules: BuildRules, warmupDay: number): ExclusionRules {
  return {
    familyOf: (d) => rules.families.familyOf(d),
    legalAddresses: rules.families.blockedAddresses,
    sendable: new Set(rules.sendable),
    catchAllResults: new Set(rules.catchAll.results),
    catchAllIncluded: false,
    heldOperators: planHeldOperators(rules.heldOperators, warmupDay),
    operatorCapOf: planOperatorCaps(rules.operatorCaps, warmupDay),
  };
}

function excluded(r: Row, rules: ExclusionRules, date: string, segment: SegmentDefinition): boolean {
  const reactivated = r.attributes.reactivated_at;
  const deactivatedAt = r.dates.deactivated_at ?? null;
  // Only a segment that takes deactivated NPIs may mail one, and never after a death or disbandment.
  const reasonOf = (nppes: unknown) =>
    String((nppes as { deactivation_reason?: unknown } | undefined)?.deactivation_reason ?? '').toUpperCase();
  const deactivated =
    deactivatedAt !== null &&
    deactivatedAt <= date &&
    (typeof reactivated === 'string' ? reactivated : '') < deactivatedAt &&
    (segment.takesDeactivated !== true || ['DT', 'DB'].includes(reasonOf(r.attributes.nppes)));
  const reason = classifyExclusion(
    {
      email: r.email!,
      domain: r.domain,
      operator: r.operator,
      verifyResult: r.verify,
      suppressed: false,
      domainSuppressed: false,
      deactivated,
      alreadyFiled: false,
      inTodaysBuild: false,
      addressInTodaysBuild: false,
    },
    rules,
  );
  return reason !== undefined;
}

async function load(t: TestDatabase, vertical: Vertical, rows: Row[]): Promise<void> {
  // DELETE, not TRUNCATE: a truncate makes new files for each table and its indexes, several times
  // the cost of deleting the last run's 24 rows.
  for (const table of ['fmcsa_carriers', 'hc_providers', 'send_ledger', 'segment_touches'] as const)
    await t.db.deleteFrom(table).execute();
  if (rows.length === 0) return;
  if (vertical === 'trucking') {
    await t.db
      .insertInto('fmcsa_carriers')
      .values(
        rows.map((r) => ({
          dot_number: Number(r.key),
          email: r.email,
          phy_state: null,
          phy_zip: null,
          carrier_operation: r.operation,
          status_code: r.status,
          mcs150_date: r.dates.mcs150_date ?? null,
          add_date: r.dates.add_date ?? null,
          email_verify_result: r.verify,
          mx_provider: r.operator,
          listmonk_sent_at: r.mailed ? '2026-01-05T15:00:00Z' : null,
          attributes: r.attributes,
        })),
      )
      .execute();
  } else {
    await t.db
      .insertInto('hc_providers')
      .values(
        rows.map((r) => ({
          npi: r.key,
          email: r.email,
          state: null,
          zip: null,
          revalidation_due: r.dates.revalidation_due ?? null,
          clia_expires: r.dates.clia_expires ?? null,
          deactivated_at: r.dates.deactivated_at ?? null,
          email_verify_result: r.verify,
          mx_provider: r.operator,
          listmonk_sent_at: r.mailed ? '2026-01-05T15:00:00Z' : null,
          attributes: r.attributes,
        })),
      )
      .execute();
  }
}

const RUNS = Number(process.env.ACCOUNTING_RUNS ?? 6);

describe.each(testEngines())('the plan accounts for every candidate on %s (property)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ engine });
  });
  afterAll(() => t.destroy());

  it.each(['trucking', 'healthcare'] as const)(
    '%s: (a) the full build never selects fewer than one --only-segment build; (b) every accepted, unexcluded row is selected, capped or taken by a higher segment; (c) an address goes to its highest-priority eligible key',
    async (vertical) => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: 1, max: 99_999 }), { minLength: 4, maxLength: 24 }),
          fc.array(facts, { minLength: 24, maxLength: 24 }),
          fc.constantFrom(...DATES),
          fc.integer({ min: 0, max: 40 }),
          // One run in three open: caps no audience here reaches, so (c) holds unconditionally there.
          fc.oneof(
            caps,
            caps.map((c) => ({
              ...c,
              daily: 100,
              operators: { godaddy: 100, google: 100, zoho: 100 },
              unclassified: 100,
              maxPerSegment: undefined,
              open: true,
            })),
            caps,
          ),
          async (keys, all, date, warmupDay, c) => {
            // Open runs: verified mailboxes on mailable domains, so keys of several segments
            // contend for one address.
            const open = 'open' in c;
            const rows = rowsOf(
              vertical,
              date,
              keys,
              open
                ? all.map((f) => ({
                    ...f,
                    verify: 'smtp_valid' as const,
                    mailbox: f.mailbox ?? 'dispatch',
                    email: f.email === null ? null : f.email === 'yahoo.com' ? 'carrier.com' : 'fleet.net',
                  }))
                : all,
            );
            await load(t, vertical, rows);
            const settings: BuildSettings = {
              dailyCaps: [{ fromDay: 0, cap: c.daily }],
              operatorCaps: { operators: c.operators, unclassified: c.unclassified },
              excludeOperators: c.held,
              catchAll: { mode: 'exclude' },
            };
            const rules = resolveBuildRules(vertical, settings, createDomainFamilies());
            const now = () => new Date(`${date}T04:00:00Z`);
            const request = { vertical, date, warmupDay, maxPerSegment: c.maxPerSegment, now };
            const full = await planBuild(t.db, rules, request);

            // (a)
            for (const s of rules.segments) {
              const only: BuildPlan = await planBuild(t.db, rules, { ...request, onlySegment: s.id });
              expect(full.recipients.length, `full build vs --only-segment ${s.id}`).toBeGreaterThanOrEqual(
                only.recipients.length,
              );
            }

            // (b)
            const exclusion = exclusionRulesOf(rules, warmupDay);
            const selected = new Map(full.recipients.map((r) => [r.recipientKey, r.segment]));
            const homeOf = (r: Row) => rules.segments.find((s) => accepts(s, r, date));
            for (const s of rules.segments) {
              const higherTook = rows.filter(
                (r) => accepts(s, r, date) && homeOf(r)!.priority < s.priority,
              ).length;
              const planned = full.segments.find((p) => p.id === s.id)!;
              expect(planned.takenByHigher, `${s.id}: candidates a higher segment took`).toBe(higherTook);
            }
            // One address, one key a day; the other keys behind a selected address are counted.
            const addresses = full.recipients.map((r) => normalizeEmail(r.email));
            expect(new Set(addresses).size, 'an address selected twice').toBe(addresses.length);
            const taken = new Map(full.recipients.map((r) => [normalizeEmail(r.email), r.recipientKey]));
            let shadowed = 0;
            for (const r of rows) {
              const home = homeOf(r);
              if (home === undefined || excluded(r, exclusion, date, home)) {
                expect(selected.has(r.key), `${r.key} is in no segment or excluded`).toBe(false);
                continue;
              }
              if (selected.has(r.key)) {
                expect(selected.get(r.key)).toBe(home.id);
                continue;
              }
              const owner = taken.get(normalizeEmail(r.email!));
              if (owner !== undefined && owner !== r.key) {
                shadowed += 1;
                continue;
              }
              const capped =
                full.capsHit.daily ||
                full.capsHit.segments.includes(home.id) ||
                (full.capsHit.operators[operatorKeyOf(r.operator)] ?? 0) > 0;
              expect(capped, `${r.key} (${home.id}) accepted, not excluded, not selected, no cap bit`).toBe(
                true,
              );
            }
            expect(full.excluded.shared_address ?? 0, 'shared_address counts').toBeLessThanOrEqual(shadowed);
            // (c) An address goes to its highest-priority eligible key (segment priority, then key
            // order); a lower key only where a cap turned every higher one away.
            const byKey = keyOrderOf(vertical);
            const outranks = (a: Row, b: Row) =>
              homeOf(a)!.priority - homeOf(b)!.priority || byKey(a.key, b.key);
            for (const r of full.recipients) {
              const chosen = rows.find((x) => x.key === r.recipientKey)!;
              for (const x of rows) {
                const home = homeOf(x);
                if (home === undefined || x.key === chosen.key || excluded(x, exclusion, date, home))
                  continue;
                if (normalizeEmail(x.email!) !== normalizeEmail(r.email) || outranks(x, chosen) > 0) continue;
                const capped =
                  full.capsHit.daily ||
                  full.capsHit.segments.includes(home.id) ||
                  (full.capsHit.operators[operatorKeyOf(x.operator)] ?? 0) > 0;
                expect(
                  capped,
                  `${x.key} (${home.id}) outranks ${chosen.key} (${r.segment}), no cap bit`,
                ).toBe(true);
              }
            }
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
    300_000,
  );
});
