import {
  classifyExclusion,
  type ExclusionFacts,
  type ExclusionReason,
  type ExclusionRules,
} from './classify-exclusion.js';

/** A row a segment could mail today, in the segment's walk order (by key). */
export interface Candidate extends ExclusionFacts {
  /** USDOT number or NPI, as text. */
  key: string;
}

/** One segment's candidates, in walk order; `complete` when the database has no more. */
export interface SegmentCandidates<C extends Candidate = Candidate> {
  segment: string;
  candidates: readonly C[];
  complete: boolean;
}

/** The caps of one build run, already net of what earlier runs of the same date took. */
export interface SelectionCaps {
  /** Recipients this run may still select in total. */
  daily: number;
  /** At most this many per segment (--max-per-segment). */
  perSegment?: number | undefined;
  /** What earlier runs of the sending day already took per operator (key '' = no operator yet). */
  operatorUsed?: Readonly<Record<string, number>>;
  /** What earlier runs of the sending day already took per segment (counts against perSegment). */
  segmentUsed?: Readonly<Record<string, number>>;
}

/** A selected recipient with the segment it is mailed for. */
export interface Selected<C extends Candidate = Candidate> {
  segment: string;
  candidate: C;
}

/** Which caps stopped the selection, for the plan's "caps that bit". */
export interface CapsHit {
  daily: boolean;
  /** Segments that reached --max-per-segment. */
  segments: string[];
  /** Operators whose daily cap was reached, with how many candidates it turned away. */
  operators: Record<string, number>;
}

/** The outcome of {@link planSelection}. */
export interface SelectionPlan<C extends Candidate = Candidate> {
  selected: Selected<C>[];
  /** Candidates examined and excluded, per reason. */
  excluded: Partial<Record<ExclusionReason, number>>;
  capsHit: CapsHit;
  /** Segments that ran out of fetched candidates while they could still take more: fetch more and re-plan. */
  starved: string[];
}

/** The address as Listmonk keys a subscriber (and the ledger stores it): trimmed, lower-cased. */
export function addressKeyOf(email: string): string {
  return email.trim().toLowerCase();
}

/** The operator key used for caps and counts; rows with no operator yet share one cap. */
export function operatorKeyOf(operator: string | null): string {
  return operator ?? '';
}

/**
 * Picks the day's recipients: round-robin across segments (in the order given, i.e. priority) so
 * every segment gets a fair share, walking each segment's candidates in order, skipping excluded
 * rows (counted by reason) and rows whose operator's cap is full, until the daily cap is reached
 * or every segment is done. One address gets one campaign a day: the first key the walk reaches
 * (segments in priority order each round, keys ascending within a segment) takes it, and every
 * other key behind that address is excluded as `shared_address`, so the address's one Listmonk
 * subscriber carries that key's attributes only. Pure and deterministic: the same inputs give the
 * same recipients.
 *
 * @example
 * const plan = planSelection(segments, rules, { daily: 500, perSegment: 100 });
 */
export function planSelection<C extends Candidate>(
  segments: readonly SegmentCandidates<C>[],
  rules: ExclusionRules,
  caps: SelectionCaps,
): SelectionPlan<C> {
  const selected: Selected<C>[] = [];
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  const capsHit: CapsHit = { daily: false, segments: [], operators: {} };
  const starved = new Set<string>();
  const operatorTaken = new Map<string, number>(Object.entries(caps.operatorUsed ?? {}));
  const seen = new Set<string>();
  const addresses = new Set<string>();
  const cursor = segments.map(() => 0);
  const taken = segments.map((s) => caps.segmentUsed?.[s.segment] ?? 0);
  const done = segments.map(() => false);
  const perSegment = caps.perSegment ?? Number.POSITIVE_INFINITY;

  let active = segments.length;
  while (active > 0) {
    if (selected.length >= caps.daily) {
      capsHit.daily = segments.some((_, i) => !done[i]);
      break;
    }
    for (let i = 0; i < segments.length && selected.length < caps.daily; i += 1) {
      if (done[i]) continue;
      const segment = segments[i]!;
      if (taken[i]! >= perSegment) {
        capsHit.segments.push(segment.segment);
        done[i] = true;
        active -= 1;
        continue;
      }
      let pick: C | undefined;
      while (pick === undefined && cursor[i]! < segment.candidates.length) {
        const candidate = segment.candidates[cursor[i]!]!;
        cursor[i]! += 1;
        if (seen.has(candidate.key)) continue;
        const address = addressKeyOf(candidate.email);
        const reason =
          classifyExclusion(candidate, rules) ?? (addresses.has(address) ? 'shared_address' : undefined);
        if (reason !== undefined) {
          seen.add(candidate.key);
          excluded[reason] = (excluded[reason] ?? 0) + 1;
          continue;
        }
        const op = operatorKeyOf(candidate.operator);
        const used = operatorTaken.get(op) ?? 0;
        if (used >= rules.operatorCapOf(candidate.operator)) {
          // Not seen: another segment may not take it either, but it stays unexcluded for tomorrow.
          capsHit.operators[op] = (capsHit.operators[op] ?? 0) + 1;
          continue;
        }
        operatorTaken.set(op, used + 1);
        seen.add(candidate.key);
        addresses.add(address);
        pick = candidate;
      }
      if (pick === undefined) {
        if (!segment.complete) starved.add(segment.segment);
        done[i] = true;
        active -= 1;
        continue;
      }
      selected.push({ segment: segment.segment, candidate: pick });
      taken[i]! += 1;
    }
  }
  return { selected, excluded, capsHit, starved: [...starved] };
}
