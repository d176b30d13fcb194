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
 * The families the runbook holds at the MTA: the Yahoo family only ("/etc/postfix/transport maps every
 * Yahoo-family domain to hold:"). Gmail, Microsoft and the rest are kept out by the build's exclusion;
 * parking them in Postfix would also park the host's transactional mail to them.
 */
export const DEFAULT_HOLD_FAMILIES: readonly string[] = ['yahoo'];

/**
 * The `transport` entries that park every domain of the given families (default: the Yahoo family,
 * {@link DEFAULT_HOLD_FAMILIES}) on `hold:` — the backstop behind the builder's exclusion, from the
 * same family data. Sorted, one per domain.
 */
export function planHoldMap(
  families: DomainFamilies,
  ids: readonly string[] = DEFAULT_HOLD_FAMILIES,
): HoldMapEntry[] {
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
 * The transport file with the mailramp block replaced (or appended), the keys outside the block that
 * collide with it (the runbook's "buggy duplicate keys routing to yahooslow") and every other route
 * outside the block: a table with any is not mailramp's own, and {@link applyHoldMap} refuses it.
 */
export function planHoldMapFile(
  existing: string,
  entries: readonly HoldMapEntry[],
): { text: string; changed: boolean; conflicts: HoldMapConflict[]; otherRoutes: HoldMapConflict[] } {
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
  const otherRoutes: HoldMapConflict[] = [];
  lines.forEach((line, i) => {
    if (begin >= 0 && end >= 0 && i >= begin && i <= end) return;
    const key = /^([^\s#]\S*)(\s|$)/.exec(line)?.[1]?.toLowerCase();
    if (key === undefined) return;
    const route = { domain: key, line: i + 1, text: line.trim() };
    otherRoutes.push(route);
    if (held.has(key)) conflicts.push(route);
  });
  return { text, changed: text !== existing, conflicts, otherRoutes };
}
