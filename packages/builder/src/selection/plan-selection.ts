import { normalizeEmail } from '@mailramp/mailbox';
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

/** The operator key used for caps and counts; rows with no operator yet share one cap. */
export function operatorKeyOf(operator: string | null): string {
  return operator ?? '';
}

/** One eligible key's claim on its address, in priority order (segment, then walk order). */
interface Claim {
  segment: number;
  index: number;
  address: string;
  /** open: not reached yet · deferred: reached, a higher claim is pending · released: its turn · closed */
  state: 'open' | 'deferred' | 'released' | 'closed';
}

/**
 * Picks the day's recipients: round-robin across segments (in the order given, i.e. priority) so
 * every segment gets a fair share, walking each segment's candidates in order, skipping excluded
 * rows (counted by reason) and rows whose operator's cap is full, until the daily cap is reached
 * or every segment is done. One address gets one campaign a day, its most important one: the
 * address goes to its highest-priority eligible key (segments in priority order, keys in walk
 * order). A lower segment that reaches an address whose higher key is still to be walked sets its
 * key aside and walks on; it takes the address only if that higher key cannot be taken (its
 * operator's or segment's cap bites first), and counts its key as `shared_address` once the higher
 * key is taken — so the address's one Listmonk subscriber carries that key's attributes only.
 * Pure and deterministic: the same inputs give the same recipients.
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
  const exclude = (key: string, reason: ExclusionReason): void => {
    seen.add(key);
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  };

  // Every eligible key claims its address; the claims of an address in priority order.
  const reasons = segments.map((s) => s.candidates.map((c) => classifyExclusion(c, rules)));
  const claimOf = segments.map((s) => new Array<Claim | undefined>(s.candidates.length));
  const claims = new Map<string, Claim[]>();
  segments.forEach((s, i) => {
    s.candidates.forEach((c, index) => {
      if (reasons[i]![index] !== undefined) return;
      const claim: Claim = {
        segment: i,
        index,
        address: normalizeEmail(c.email),
        state: 'open',
      };
      claimOf[i]![index] = claim;
      const list = claims.get(claim.address);
      if (list === undefined) claims.set(claim.address, [claim]);
      else list.push(claim);
    });
  });
  const operatorFull = (candidate: C): boolean =>
    (operatorTaken.get(operatorKeyOf(candidate.operator)) ?? 0) >= rules.operatorCapOf(candidate.operator);
  const claimCanTake = (c: Claim): boolean =>
    c.state !== 'closed' &&
    taken[c.segment]! < perSegment &&
    !operatorFull(segments[c.segment]!.candidates[c.index]!);
  // The claim the address goes to: the highest one no cap turns away (caps only ever fill up).
  const headOf = (address: string): Claim | undefined => claims.get(address)!.find(claimCanTake);
  // The claim each address went to in this run, and whether a claim ranks above another one.
  const winner = new Map<string, Claim>();
  const outranks = (a: Claim, b: Claim | undefined): boolean => {
    if (b === undefined) return false;
    const order = claims.get(a.address)!;
    return order.indexOf(a) < order.indexOf(b);
  };
  const deferred = new Set<Claim>();
  const released = segments.map((): Claim[] => []);
  const release = (claim: Claim | undefined): void => {
    if (claim?.state !== 'deferred') return;
    claim.state = 'released';
    deferred.delete(claim);
    released[claim.segment]!.push(claim);
  };
  // A set-aside key whose higher claims a cap has since turned away gets its turn.
  const releaseReady = (): void => {
    for (const claim of [...deferred]) if (headOf(claim.address) === claim) release(claim);
  };

  // A segment's next row: a set-aside key whose turn came, else the next row of its walk.
  const next = (i: number): number | undefined => {
    const queue = released[i]!;
    while (queue.length > 0) {
      const claim = queue.shift()!;
      if (claim.state === 'released') return claim.index;
    }
    const index = cursor[i]!;
    if (index >= segments[i]!.candidates.length) return undefined;
    cursor[i] = index + 1;
    return index;
  };

  let active = segments.length;
  while (active > 0) {
    if (selected.length >= caps.daily) {
      capsHit.daily = segments.some((_, i) => !done[i]);
      break;
    }
    let progress = false;
    for (let i = 0; i < segments.length && selected.length < caps.daily; i += 1) {
      if (done[i]) continue;
      const segment = segments[i]!;
      if (taken[i]! >= perSegment) {
        capsHit.segments.push(segment.segment);
        done[i] = true;
        active -= 1;
        progress = true;
        continue;
      }
      let pick: C | undefined;
      while (pick === undefined) {
        const index = next(i);
        if (index === undefined) break;
        progress = true;
        const candidate = segment.candidates[index]!;
        const claim = claimOf[i]![index];
        if (seen.has(candidate.key)) {
          if (claim !== undefined) claim.state = 'closed';
          continue;
        }
        const address = normalizeEmail(candidate.email);
        // A key that outranks the one its address went to lost it to its operator's cap (caps only
        // fill up: still full now): it counts under that cap, as if its walk had reached it first.
        const lostToCap =
          claim !== undefined &&
          addresses.has(address) &&
          outranks(claim, winner.get(address)) &&
          operatorFull(candidate);
        if (!lostToCap && (claim === undefined || addresses.has(address))) {
          if (claim !== undefined) claim.state = 'closed';
          exclude(candidate.key, reasons[i]![index] ?? 'shared_address');
          continue;
        }
        if (operatorFull(candidate)) {
          // Not seen: another segment may not take it either, but it stays unexcluded for tomorrow.
          const op = operatorKeyOf(candidate.operator);
          capsHit.operators[op] = (capsHit.operators[op] ?? 0) + 1;
          claim.state = 'closed';
          release(headOf(address));
          continue;
        }
        if (headOf(address) !== claim) {
          // A higher-priority key of this address is still to be walked: it goes first.
          claim.state = 'deferred';
          deferred.add(claim);
          continue;
        }
        claim.state = 'closed';
        const op = operatorKeyOf(candidate.operator);
        operatorTaken.set(op, (operatorTaken.get(op) ?? 0) + 1);
        seen.add(candidate.key);
        addresses.add(address);
        winner.set(address, claim);
        pick = candidate;
        for (const other of claims.get(address)!) {
          if (other.state !== 'deferred' && other.state !== 'released') continue;
          other.state = 'closed';
          deferred.delete(other);
          const key = segments[other.segment]!.candidates[other.index]!.key;
          if (!seen.has(key)) exclude(key, 'shared_address');
        }
      }
      if (pick === undefined) {
        if (!segment.complete && cursor[i]! >= segment.candidates.length) starved.add(segment.segment);
        // A key set aside whose own operator cap has filled since can never take its address: that
        // cap turned it away (caps only fill up).
        for (const claim of [...deferred]) {
          if (claim.segment !== i) continue;
          const candidate = segment.candidates[claim.index]!;
          if (!operatorFull(candidate)) continue;
          claim.state = 'closed';
          deferred.delete(claim);
          const op = operatorKeyOf(candidate.operator);
          capsHit.operators[op] = (capsHit.operators[op] ?? 0) + 1;
          progress = true;
        }
        // A segment with keys set aside waits for their higher claims to be decided.
        if (![...deferred].some((c) => c.segment === i)) {
          done[i] = true;
          active -= 1;
          progress = true;
        }
        continue;
      }
      selected.push({ segment: segment.segment, candidate: pick });
      taken[i]! += 1;
      if (deferred.size > 0 && (taken[i]! >= perSegment || operatorFull(pick))) releaseReady();
    }
    // Every set-aside key waits on a higher claim its own segment's walk still reaches.
    if (!progress) throw new Error('planSelection: segments wait on each other (a bug)');
  }
  return { selected, excluded, capsHit, starved: [...starved] };
}
