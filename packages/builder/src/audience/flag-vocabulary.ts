import type { SegmentDefinition } from '../segments/default-segments.js';

/**
 * Every flag each `flag` segment reads, by attribute — the vocabulary the flag imports accept.
 * Derived from the segment definitions, so a segment added in config brings its flags along.
 */
export function flagVocabulary(
  segments: ReadonlyArray<Pick<SegmentDefinition, 'id' | 'rule'>>,
): Map<string, Map<string, string[]>> {
  const vocabulary = new Map<string, Map<string, string[]>>();
  for (const s of segments) {
    if (s.rule.kind !== 'flag') continue;
    let flags = vocabulary.get(s.rule.attribute);
    if (flags === undefined) {
      flags = new Map();
      vocabulary.set(s.rule.attribute, flags);
    }
    for (const flag of s.rule.anyOf) flags.set(flag, [...(flags.get(flag) ?? []), s.id]);
  }
  return vocabulary;
}
