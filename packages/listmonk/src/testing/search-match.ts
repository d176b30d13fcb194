import { isAtLeast, type ListmonkVersion } from '../client/listmonk-version.js';

/**
 * Listmonk's search string for `?query=` on campaigns and lists (core's makeSearchString):
 * trimmed, every run of white space turned into `&`, wrapped in `%`; '' when there is no query.
 */
export function searchStringOf(query: string): string {
  const q = query.trim();
  return q === '' ? '' : `%${q.replace(/\s+/g, '&')}%`;
}

/** PostgreSQL's `text ILIKE pattern`: `%` any run, `_` any one character, `\` escapes. */
export function ilike(text: string, pattern: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      i += 1;
      source += pattern[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'isu').test(text);
}

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * `to_tsvector(text) @@ to_tsquery(search)`, approximated: the search's `&`-separated operands
 * must each appear in the text as a run of consecutive words (PostgreSQL turns an operand of
 * several words into a phrase). Not modelled: stemming and stop words (the same on both sides
 * for our names), hyphenated compounds (PostgreSQL also indexes `a-b` as one token, so the query
 * `…-mountain` does not find `…-mountain-b2` there, while it does here), `|`, `!` and tsquery
 * syntax errors (a 500 in Listmonk).
 */
export function fullTextMatches(text: string, search: string): boolean {
  const haystack = words(text);
  const operands = search
    .split('&')
    .map(words)
    .filter((w) => w.length > 0);
  if (operands.length === 0) return false;
  return operands.every((phrase) =>
    haystack.some((_, i) => phrase.every((word, j) => haystack[i + j] === word)),
  );
}

/**
 * Listmonk's campaign search (query-campaigns): v2.0–v2.2 `CONCAT(name, subject) ILIKE`, v2.3–v3
 * full text on `name subject` only, v4+ full text or `CONCAT(name, ' ', subject) ILIKE`.
 */
export function campaignMatches(
  campaign: { name: string; subject: string },
  query: string,
  version: ListmonkVersion,
): boolean {
  const search = searchStringOf(query);
  if (search === '') return true;
  if (!isAtLeast(version, 2, 3)) return ilike(`${campaign.name}${campaign.subject}`, search);
  const text = `${campaign.name} ${campaign.subject}`;
  if (fullTextMatches(text, search)) return true;
  return version.major >= 4 && ilike(text, search);
}

/**
 * Listmonk's list search (query-lists): v2.0 none (every list), v2.1–v2.2 `name ILIKE`, v2.3+
 * full text on the name only.
 */
export function listMatches(name: string, query: string, version: ListmonkVersion): boolean {
  const search = searchStringOf(query);
  if (search === '' || !isAtLeast(version, 2, 1)) return true;
  if (!isAtLeast(version, 2, 3)) return ilike(name, search);
  return fullTextMatches(name, search);
}
