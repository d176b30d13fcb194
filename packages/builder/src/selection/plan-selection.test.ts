import { createDomainFamilies, normalizeEmail, WARMUP_EXCLUDE_OPERATORS } from '@mailramp/mailbox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planHeldOperators, planOperatorCaps } from '../caps/plan-operator-caps.js';
import { classifyExclusion, type ExclusionRules } from './classify-exclusion.js';
import { type Candidate, operatorKeyOf, planSelection, type SegmentCandidates } from './plan-selection.js';

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

// Mostly mailable rows behind a handful of addresses: keys of several segments contend for each.
const contestedArb = fc.record({
  key: fc.integer({ min: 1, max: 400 }).map(String),
  local: fc.constantFrom('dispatch', 'office', 'Office'),
  domain: fc.constantFrom('acme.com', 'trucks.io', 'earthlink.net'),
  operator: fc.constantFrom(null, 'godaddy', 'zoho', 'microsoft'),
  verifyResult: fc.constantFrom('smtp_valid', 'send_confirmed', 'smtp_valid', 'mx_unreachable'),
  suppressed: fc.constant(false),
  domainSuppressed: fc.constant(false),
  deactivated: rarely,
  alreadyFiled: fc.constant(false),
  inTodaysBuild: rarely,
  addressInTodaysBuild: fc.constant(false),
});

const audienceOf = (rowArb: fc.Arbitrary<Omit<Candidate, 'email'> & { local: string }>) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom('mcs150', 'ucr', 'new_carrier', 'hazmat'),
        // A segment's candidates are table rows: one per key.
        fc.uniqueArray(rowArb, { selector: (c) => c.key, maxLength: 60 }),
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
const audienceArb = audienceOf(candidateArb);

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
        const addresses = plan.selected.map((s) => normalizeEmail(s.candidate.email));
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
                (reason === undefined && !chosen.has(c.key) && taken.has(normalizeEmail(c.email)))
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

  it('an address goes to its highest-priority eligible key; a lower one only where a cap turned the higher away', () => {
    fc.assert(
      fc.property(
        fc.oneof(audienceArb, audienceOf(contestedArb)),
        configArb,
        fc.boolean(),
        (segments, config, uncapped) => {
          // Half the runs with caps no audience reaches, so the unconditional form is checked often.
          const rules: ExclusionRules = uncapped
            ? { ...rulesOf(config), operatorCapOf: () => 10_000 }
            : rulesOf(config);
          const caps = uncapped ? { daily: 10_000 } : { daily: config.daily, perSegment: config.perSegment };
          const plan = planSelection(segments, rules, caps);
          // Every eligible key in priority order: segments as given, then walk order.
          const eligible = segments.flatMap((s) =>
            s.candidates
              .filter((c) => classifyExclusion(c, rules) === undefined)
              .map((c) => ({ segment: s.segment, candidate: c })),
          );
          const best = new Map<string, (typeof eligible)[number]>();
          for (const e of eligible) {
            const address = normalizeEmail(e.candidate.email);
            if (!best.has(address)) best.set(address, e);
          }
          const capped =
            plan.capsHit.daily ||
            plan.capsHit.segments.length > 0 ||
            Object.keys(plan.capsHit.operators).length > 0;
          if (uncapped) expect(capped).toBe(false);
          if (!capped) {
            const chosen = new Map(
              plan.selected.map((s) => [normalizeEmail(s.candidate.email), s.candidate.key]),
            );
            expect(chosen).toEqual(new Map([...best].map(([a, e]) => [a, e.candidate.key])));
          }
          // Under caps: every higher eligible key of a selected address was turned away by one.
          for (const s of plan.selected) {
            const address = normalizeEmail(s.candidate.email);
            for (const e of eligible) {
              if (e.candidate.key === s.candidate.key) break;
              if (normalizeEmail(e.candidate.email) !== address) continue;
              const turnedAway =
                plan.capsHit.daily ||
                plan.capsHit.segments.includes(e.segment) ||
                (plan.capsHit.operators[operatorKeyOf(e.candidate.operator)] ?? 0) > 0;
              expect(turnedAway, `${e.candidate.key} outranks ${s.candidate.key}`).toBe(true);
            }
          }
        },
      ),
      { numRuns: 500 },
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

  it('one address, one campaign: the highest key takes it, the others are shared_address', () => {
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

  // The census fixture's twinroutes case: USDOT 3200001 in ucr (higher), 3200002 in mcs150.
  const shared = { email: 'office@twinroutes.com', domain: 'twinroutes.com' };
  const twinRoutes = (ucr: Candidate[]): SegmentCandidates[] => [
    { segment: 'ucr', candidates: ucr, complete: true },
    { segment: 'mcs150', candidates: [row('3200002', shared), row('4')], complete: true },
  ];

  it('a lower segment that reaches an address first sets its key aside: the higher key takes the address', () => {
    const plan = planSelection(twinRoutes([row('1'), row('3200001', shared)]), open, { daily: 100 });
    expect(plan.selected.map((s) => [s.segment, s.candidate.key])).toEqual([
      ['ucr', '1'],
      ['mcs150', '4'],
      ['ucr', '3200001'],
    ]);
    expect(plan.excluded).toEqual({ shared_address: 1 });
  });

  it('the lower key takes the address when the higher segment reached --max-per-segment first', () => {
    const plan = planSelection(twinRoutes([row('1'), row('3200001', shared)]), open, {
      daily: 100,
      perSegment: 1,
    });
    expect(plan.selected.map((s) => [s.segment, s.candidate.key])).toEqual([
      ['ucr', '1'],
      ['mcs150', '3200002'],
    ]);
    expect(plan.capsHit.segments).toEqual(['ucr', 'mcs150']);
  });

  it('a key set aside gets its turn once the operator cap of the higher key fills', () => {
    const zohoOnce: ExclusionRules = { ...open, operatorCapOf: (op) => (op === 'zoho' ? 1 : 1000) };
    const ucr = [row('1'), row('2', { operator: 'zoho' }), row('3200001', { ...shared, operator: 'zoho' })];
    const plan = planSelection(twinRoutes(ucr), zohoOnce, { daily: 100 });
    // Round 1 sets 3200002 aside for ucr's 3200001; ucr's zoho pick fills zoho, so mcs150 takes it.
    expect(plan.selected.map((s) => [s.segment, s.candidate.key])).toEqual([
      ['ucr', '1'],
      ['mcs150', '4'],
      ['ucr', '2'],
      ['mcs150', '3200002'],
    ]);
    // 3200001 lost its address to the zoho cap, not to a higher key: the cap bit, and says so.
    expect(plan.excluded).toEqual({});
    expect(plan.capsHit.operators).toEqual({ zoho: 1 });
  });

  it('a higher key a cap turned away before its walk reached it counts under that cap', () => {
    // fast-check's counterexample (seed 873693703): mcs150's first key fills zoho, so hazmat's key
    // takes office@acme.com before mcs150's walk reaches its own zoho key for that address.
    const acme = { domain: 'acme.com', operator: 'zoho' };
    const zohoOnce: ExclusionRules = { ...open, operatorCapOf: (op) => (op === 'zoho' ? 1 : 1000) };
    const plan = planSelection(
      [
        {
          segment: 'mcs150',
          candidates: [
            row('1', { ...acme, email: 'dispatch@acme.com' }),
            row('2', { ...acme, email: 'office@acme.com' }),
          ],
          complete: true,
        },
        {
          segment: 'hazmat',
          candidates: [row('3', { domain: 'acme.com', operator: null, email: 'Office@acme.com' })],
          complete: true,
        },
      ],
      zohoOnce,
      { daily: 3 },
    );
    expect(plan.selected.map((s) => [s.segment, s.candidate.key])).toEqual([
      ['mcs150', '1'],
      ['hazmat', '3'],
    ]);
    expect(plan.capsHit.operators).toEqual({ zoho: 1 });
    expect(plan.excluded).toEqual({});
  });

  it('a key set aside whose own operator cap fills meanwhile is turned away by it, not left waiting', () => {
    // fast-check's counterexample: ucr's office@trucks.io key waits for mcs150's; ucr's next pick
    // fills the unclassified cap, so neither key can take the address. planSelection used to throw
    // "segments wait on each other".
    const twoUnclassified: ExclusionRules = { ...open, operatorCapOf: (op) => (op === null ? 2 : 1000) };
    const at = (email: string) => ({ email, domain: email.split('@')[1]!.toLowerCase(), operator: null });
    const plan = planSelection(
      [
        {
          segment: 'mcs150',
          candidates: [row('1', at('dispatch@acme.com')), row('2', at('Office@trucks.io'))],
          complete: true,
        },
        {
          segment: 'ucr',
          candidates: [row('3', at('office@trucks.io')), row('4', at('Office@acme.com'))],
          complete: true,
        },
      ],
      twoUnclassified,
      { daily: 3 },
    );
    expect(plan.selected.map((s) => [s.segment, s.candidate.key])).toEqual([
      ['mcs150', '1'],
      ['ucr', '4'],
    ]);
    expect(plan.capsHit.operators).toEqual({ '': 2 });
    expect(plan.excluded).toEqual({});
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
