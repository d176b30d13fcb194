import { createDomainFamilies, WARMUP_EXCLUDE_OPERATORS } from '@mailramp/mailbox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planHeldOperators, planOperatorCaps } from '../caps/plan-operator-caps.js';
import { classifyExclusion, type ExclusionRules } from './classify-exclusion.js';
import {
  addressKeyOf,
  type Candidate,
  operatorKeyOf,
  planSelection,
  type SegmentCandidates,
} from './plan-selection.js';

const families = createDomainFamilies({ legalAddresses: ['lawyer@firm.com'] });
const DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'att.net',
  'earthlink.net',
  'acme.com',
  'firm.com',
  'trucks.io',
  'hotmail.com',
];
const OPERATORS = [null, 'google', 'microsoft', 'godaddy', 'proofpoint', 'mx:hostinger.com', 'zoho'];
const RESULTS = [
  null,
  'smtp_valid',
  'send_confirmed',
  'catch_all_domain',
  'mx_unreachable',
  'invalid_syntax',
];

// Each fact true for about one row in five, so most rows pass and the caps and shared addresses bite.
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

const candidateArb = fc.record({
  key: fc.integer({ min: 1, max: 400 }).map(String),
  local: fc.constantFrom('dispatch', 'lawyer', 'info', 'Info', 'bad local'),
  domain: fc.constantFrom(...DOMAINS),
  operator: fc.constantFrom(...OPERATORS),
  verifyResult: fc.constantFrom(...RESULTS),
  suppressed: rarely,
  domainSuppressed: rarely,
  deactivated: rarely,
  alreadyFiled: rarely,
  inTodaysBuild: rarely,
  addressInTodaysBuild: rarely,
});

const audienceArb = fc
  .array(
    fc.tuple(
      fc.constantFrom('mcs150', 'ucr', 'new_carrier', 'hazmat'),
      // A segment's candidates are table rows: one per key.
      fc.uniqueArray(candidateArb, { selector: (c) => c.key, maxLength: 60 }),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((segments) => {
    const seen = new Set<string>();
    return segments
      .filter(([id]) => !seen.has(id) && seen.add(id) !== undefined)
      .map(
        ([segment, rows]): SegmentCandidates => ({
          segment,
          complete: true,
          candidates: rows.map(({ local, ...r }) => ({
            ...r,
            key: `${segment}-${r.key}`,
            email: `${local}@${r.domain}`,
          })),
        }),
      );
  });

const configArb = fc.record({
  warmupDay: fc.integer({ min: 0, max: 60 }),
  daily: fc.integer({ min: 0, max: 200 }),
  perSegment: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  explicit: fc.option(fc.subarray(['google', 'microsoft', 'godaddy', 'zoho']), { nil: undefined }),
  zohoCap: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  catchAllIncluded: fc.boolean(),
});

interface RuleConfig {
  warmupDay: number;
  explicit: string[] | undefined;
  zohoCap: number | undefined;
  catchAllIncluded: boolean;
}

function rulesOf(c: RuleConfig): ExclusionRules {
  return {
    familyOf: (d) => families.familyOf(d),
    legalAddresses: families.blockedAddresses,
    sendable: new Set(['smtp_valid', 'send_confirmed']),
    catchAllResults: new Set(['catch_all_domain', 'catch_all_detected']),
    catchAllIncluded: c.catchAllIncluded,
    heldOperators: planHeldOperators(
      { explicit: c.explicit, defaults: WARMUP_EXCLUDE_OPERATORS, untilDay: 30 },
      c.warmupDay,
    ),
    operatorCapOf: planOperatorCaps(
      {
        big: ['google', 'microsoft', 'proofpoint'],
        table: [
          { untilDay: 1, big: 3, other: 2 },
          { untilDay: null, big: 9, other: 6 },
        ],
        operators: c.zohoCap === undefined ? {} : { zoho: c.zohoCap },
      },
      c.warmupDay,
    ),
  };
}

describe('planSelection (property tests)', () => {
  it('never exceeds the daily cap, an operator cap or --max-per-segment', () => {
    fc.assert(
      fc.property(audienceArb, configArb, (segments, config) => {
        const rules = rulesOf(config);
        const plan = planSelection(segments, rules, { daily: config.daily, perSegment: config.perSegment });
        expect(plan.selected.length).toBeLessThanOrEqual(config.daily);
        const perOp = new Map<string, number>();
        const perSeg = new Map<string, number>();
        for (const s of plan.selected) {
          const op = operatorKeyOf(s.candidate.operator);
          perOp.set(op, (perOp.get(op) ?? 0) + 1);
          perSeg.set(s.segment, (perSeg.get(s.segment) ?? 0) + 1);
        }
        for (const [op, n] of perOp)
          expect(n).toBeLessThanOrEqual(rules.operatorCapOf(op === '' ? null : op));
        for (const n of perSeg.values()) expect(n).toBeLessThanOrEqual(config.perSegment ?? Infinity);
      }),
      { numRuns: 300 },
    );
  });

  it('never selects an excluded domain, a suppressed address, an unverified row or a held operator', () => {
    fc.assert(
      fc.property(audienceArb, configArb, (segments, config) => {
        const rules = rulesOf(config);
        const plan = planSelection(segments, rules, { daily: config.daily, perSegment: config.perSegment });
        for (const { candidate: c } of plan.selected) {
          expect(families.isBlockedEmail(c.email)).toBeUndefined();
          expect(
            c.suppressed ||
              c.domainSuppressed ||
              c.deactivated ||
              c.alreadyFiled ||
              c.inTodaysBuild ||
              c.addressInTodaysBuild,
          ).toBe(false);
          const sendable = c.verifyResult === 'smtp_valid' || c.verifyResult === 'send_confirmed';
          const catchAll = c.verifyResult === 'catch_all_domain' && config.catchAllIncluded;
          expect(sendable || catchAll).toBe(true);
          expect(c.email).not.toContain(' ');
          if (c.operator !== null) expect(rules.heldOperators.has(c.operator)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('MAIN_EXCLUDE_OPERATORS replaces the default set: listed operators never selected, unlisted default ones may be', () => {
    fc.assert(
      fc.property(
        audienceArb,
        fc.subarray(['google', 'microsoft', 'proofpoint']),
        fc.integer({ min: 0, max: 29 }),
        (segments, explicit, day) => {
          const rules = rulesOf({ warmupDay: day, explicit, zohoCap: undefined, catchAllIncluded: false });
          const plan = planSelection(segments, rules, { daily: 1000 });
          const ops = new Set(plan.selected.map((s) => s.candidate.operator));
          for (const op of explicit) expect(ops.has(op)).toBe(false);
          for (const op of WARMUP_EXCLUDE_OPERATORS) {
            if (!explicit.includes(op)) expect(rules.heldOperators.has(op)).toBe(false);
          }
        },
      ),
    );
  });

  it('gives an address one key a day: every other key behind a selected address is a shared_address exclusion', () => {
    fc.assert(
      fc.property(audienceArb, configArb, (segments, config) => {
        const rules = rulesOf(config);
        const plan = planSelection(segments, rules, { daily: config.daily, perSegment: config.perSegment });
        const addresses = plan.selected.map((s) => addressKeyOf(s.candidate.email));
        expect(new Set(addresses).size).toBe(addresses.length);
        // Every examined key of a selected address that no other rule excludes is counted, once.
        const chosen = new Set(plan.selected.map((s) => s.candidate.key));
        const taken = new Set(addresses);
        // …and so is every examined key whose address an earlier run of the day queued.
        const shadowed = new Set(
          segments
            .flatMap((s) => s.candidates)
            .filter((c) => {
              const reason = classifyExclusion(c, rules);
              return (
                reason === 'shared_address' ||
                (reason === undefined && !chosen.has(c.key) && taken.has(addressKeyOf(c.email)))
              );
            })
            .map((c) => c.key),
        );
        const counted = plan.excluded.shared_address ?? 0;
        expect(counted).toBeLessThanOrEqual(shadowed.size);
        const capped =
          plan.capsHit.daily ||
          plan.capsHit.segments.length > 0 ||
          Object.keys(plan.capsHit.operators).length > 0;
        if (!capped) expect(counted).toBe(shadowed.size);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and counts every examined exclusion once', () => {
    fc.assert(
      fc.property(audienceArb, configArb, (segments, config) => {
        const rules = rulesOf(config);
        const a = planSelection(segments, rules, { daily: config.daily, perSegment: config.perSegment });
        const b = planSelection(segments, rules, { daily: config.daily, perSegment: config.perSegment });
        expect(b).toEqual(a);
        const keys = a.selected.map((s) => s.candidate.key);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});

describe('planSelection', () => {
  const row = (key: string, extra: Partial<Candidate> = {}): Candidate => ({
    key,
    email: `ops${key}@acme${key}.com`,
    domain: `acme${key}.com`,
    operator: 'godaddy',
    verifyResult: 'smtp_valid',
    suppressed: false,
    domainSuppressed: false,
    deactivated: false,
    alreadyFiled: false,
    inTodaysBuild: false,
    addressInTodaysBuild: false,
    ...extra,
  });
  const rules = rulesOf({ warmupDay: 40, explicit: undefined, zohoCap: undefined, catchAllIncluded: false });
  const open: ExclusionRules = { ...rules, operatorCapOf: () => 1000 };

  it('is fair across segments: round-robin until the daily cap', () => {
    const big = Array.from({ length: 50 }, (_, i) => row(`a${i}`));
    const small = Array.from({ length: 3 }, (_, i) => row(`b${i}`));
    const plan = planSelection(
      [
        { segment: 'mcs150', candidates: big, complete: true },
        { segment: 'hazmat', candidates: small, complete: true },
      ],
      open,
      { daily: 10 },
    );
    expect(plan.selected.filter((s) => s.segment === 'hazmat')).toHaveLength(3);
    expect(plan.selected.filter((s) => s.segment === 'mcs150')).toHaveLength(7);
    expect(plan.capsHit.daily).toBe(true);
  });

  it('asks for more rows when a segment runs dry before the database does', () => {
    const plan = planSelection(
      [{ segment: 'mcs150', candidates: [row('1'), row('2', { suppressed: true })], complete: false }],
      open,
      {
        daily: 10,
      },
    );
    expect(plan.starved).toEqual(['mcs150']);
    expect(plan.excluded).toEqual({ suppressed: 1 });
  });

  it('one address, one campaign: the first key reached takes it, the others are shared_address', () => {
    // FMCSA lists several USDOT numbers behind one address; Listmonk keeps one subscriber per address.
    const shared = { email: 'Dispatch@SharedFleet.com', domain: 'sharedfleet.com' };
    const plan = planSelection(
      [
        {
          segment: 'mcs150',
          candidates: [
            row('10', shared),
            row('11'),
            row('12', { ...shared, email: 'dispatch@sharedfleet.com' }),
          ],
          complete: true,
        },
        { segment: 'hazmat', candidates: [row('5', shared), row('6')], complete: true },
      ],
      open,
      { daily: 100 },
    );
    expect(plan.selected.map((s) => [s.segment, s.candidate.key])).toEqual([
      ['mcs150', '10'],
      ['hazmat', '6'],
      ['mcs150', '11'],
    ]);
    expect(plan.excluded).toEqual({ shared_address: 2 });
  });

  it('an address an earlier run of the day queued under another key is shared_address', () => {
    const plan = planSelection(
      [{ segment: 's', candidates: [row('1', { addressInTodaysBuild: true }), row('2')], complete: true }],
      open,
      { daily: 10 },
    );
    expect(plan.selected.map((s) => s.candidate.key)).toEqual(['2']);
    expect(plan.excluded).toEqual({ shared_address: 1 });
  });

  it('counts operator-cap turn-aways as caps, not exclusions, and honours earlier runs of the day', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(String(i), { operator: 'zoho' }));
    const capped: ExclusionRules = { ...open, operatorCapOf: () => 4 };
    const plan = planSelection([{ segment: 's', candidates: rows, complete: true }], capped, {
      daily: 100,
      operatorUsed: { zoho: 3 },
    });
    expect(plan.selected).toHaveLength(1);
    expect(plan.capsHit.operators).toEqual({ zoho: 9 });
    expect(plan.excluded).toEqual({});
  });
});
