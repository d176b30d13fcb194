import type { DomainFamilies } from '@mailramp/mailbox';

/** Marks the part of a Postfix transport file that `mailramp ops hold-map --write` owns. */
export const HOLD_MAP_BEGIN =
  '# BEGIN mailramp hold-map (generated: edit mailbox.families in mailramp.config.json)';
export const HOLD_MAP_END = '# END mailramp hold-map';

/** One transport line: a blocked domain parked on `hold:`. */
export interface HoldMapEntry {
  domain: string;
  family: string;
}

/**
 * The `transport` entries that park every domain of the blocked families on `hold:` — the backstop
 * behind the builder's exclusion, from the same family data. Sorted, one per domain.
 */
export function planHoldMap(families: DomainFamilies, ids?: readonly string[]): HoldMapEntry[] {
  return families.domains(ids).map((domain) => ({ domain, family: families.familyOf(domain) ?? 'unknown' }));
}

/** The entries as transport(5) lines, ready for `postmap`. */
export function renderHoldMap(entries: readonly HoldMapEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.domain.length)) + 1;
  return entries.map((e) => `${e.domain.padEnd(width)}hold:\n`).join('');
}

/** A key routed elsewhere in the same transport file: postmap keeps one of the two and warns. */
export interface HoldMapConflict {
  domain: string;
  line: number;
  text: string;
}

/**
 * The transport file with the mailramp block replaced (or appended), and the keys outside the block
 * that collide with it — the runbook's "buggy duplicate keys routing to yahooslow".
 */
export function planHoldMapFile(
  existing: string,
  entries: readonly HoldMapEntry[],
): { text: string; changed: boolean; conflicts: HoldMapConflict[] } {
  const lines = existing === '' ? [] : existing.replace(/\n$/, '').split('\n');
  const begin = lines.indexOf(HOLD_MAP_BEGIN);
  const end = begin < 0 ? -1 : lines.indexOf(HOLD_MAP_END, begin);
  const block = [
    HOLD_MAP_BEGIN,
    ...renderHoldMap(entries).replace(/\n$/, '').split('\n').filter(Boolean),
    HOLD_MAP_END,
  ];
  const next =
    begin < 0 || end < 0
      ? [...lines, ...(lines.length > 0 && lines.at(-1) !== '' ? [''] : []), ...block]
      : [...lines.slice(0, begin), ...block, ...lines.slice(end + 1)];
  const text = `${next.join('\n')}\n`;
  const held = new Set(entries.map((e) => e.domain));
  const conflicts: HoldMapConflict[] = [];
  lines.forEach((line, i) => {
    if (begin >= 0 && end >= 0 && i >= begin && i <= end) return;
    const key = /^([^\s#]\S*)\s/.exec(line)?.[1]?.toLowerCase();
    if (key !== undefined && held.has(key)) conflicts.push({ domain: key, line: i + 1, text: line.trim() });
  });
  return { text, changed: text !== existing, conflicts };
}
