import { LISTMONK_FUNCTIONS } from '@mailramp/listmonk';
import type { TagVault } from './create-tag-vault.js';
import type { LintRuleId } from './lint-rules.js';
import { parseGoAction } from './parse-go-action.js';
import type { TemplateTag } from './scan-template-tags.js';

/** A link problem at an offset of the text that was checked. */
export interface LinkProblem {
  rule: LintRuleId;
  offset: number;
  message: string;
  /** The URL as written (tags restored), to tell the same problem apart from a different one. */
  url: string;
}

/** Listmonk functions whose result is a URL Listmonk builds itself (no subscriber text in it). */
const URL_FUNCTIONS = new Set<string>(
  LISTMONK_FUNCTIONS.filter((f) => f === 'TrackLink' || f.endsWith('URL')),
);

const ATTRIBUTE = /\b(href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi;
const MARKER = '@TrackLink';
const ENTITY = /&(?:amp|#\d+|#x[0-9a-f]+);/i;
const PERCENT_BRACES = /%7b|%7d/i;

const DIRECT_FIX =
  'write a direct href (no tracking: the web analytics count human clicks), or track it per subscriber with ' +
  '{{ TrackLink (print .Subscriber.Attribs.lp_link "&utm_source=…") . }}';

/**
 * Checks the links of a text whose tags are protected by `vault` (`tags[i]` is placeholder i):
 * tracked links that cannot work per subscriber, HTML entities in tracked URLs, a query that starts
 * with `&`, http:// links, and per-subscriber values in hrefs that the text part would HTML-escape.
 */
export function lintLinks(text: string, tags: readonly TemplateTag[], vault: TagVault): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const attributeRanges: Array<[number, number]> = [];
  for (const m of text.matchAll(ATTRIBUTE)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    const start = (m.index ?? 0) + m[0].length - value.length - (m[4] === undefined ? 1 : 0);
    attributeRanges.push([start, start + value.length]);
    const tracked = value.endsWith(MARKER);
    checkUrl(
      tracked ? value.slice(0, -MARKER.length) : value,
      start,
      tracked,
      m[1]?.toLowerCase() === 'href',
    );
  }
  for (let at = text.indexOf(MARKER); at !== -1; at = text.indexOf(MARKER, at + 1)) {
    if (attributeRanges.some(([s, e]) => at >= s && at < e)) continue;
    let start = at;
    while (start > 0 && !/[\s"'<>]/.test(text[start - 1] ?? ' ')) start--;
    // "@TrackLink" with nothing before it is prose (a comment), not a link.
    if (start < at) checkUrl(text.slice(start, at), start, true, false);
  }
  for (const index of vault.present(text)) {
    const tag = tags[index];
    if (tag === undefined || tag.kind !== 'listmonk') continue;
    for (const call of parseGoAction(tag.inner).calls) {
      if (call.name !== 'TrackLink') continue;
      const literal = call.args[0];
      if (literal?.kind !== 'string') continue;
      const url = JSON.parse(literal.text) as string;
      const offset = placeholderOffset(text, vault, index);
      if (url.includes('{{') || PERCENT_BRACES.test(url)) {
        problems.push({
          rule: 'tracked-link-dynamic',
          offset,
          url,
          message: `TrackLink "${url}" is one literal URL shared by every recipient, but it holds a template action or encoded braces; ${DIRECT_FIX}`,
        });
      }
      staticChecks(url, offset, true);
    }
  }
  return problems;

  function checkUrl(url: string, offset: number, tracked: boolean, isHref: boolean): void {
    const inside = [...vault.present(url)].map((i) => tags[i]).filter((t) => t !== undefined);
    const display = vault.restore(url);
    if (tracked) {
      const dynamic = inside.some((t) => t.kind === 'listmonk') || PERCENT_BRACES.test(url);
      const startsWithBuildValue = placeholderAt(url, 0) && inside[0]?.kind === 'build';
      if (dynamic) {
        problems.push({
          rule: 'tracked-link-dynamic',
          offset,
          url: display,
          message: `${display}@TrackLink: @TrackLink registers one static URL for every recipient, but this URL holds a per-subscriber value or encoded braces (every recipient lands on one broken or pre-filled page — Jun 22 incident); ${DIRECT_FIX}`,
        });
      } else if (!/^https?:\/\//i.test(url) && !startsWithBuildValue) {
        problems.push({
          rule: 'tracked-link-dynamic',
          offset,
          url: display,
          message: `${display}@TrackLink: Listmonk only tracks a URL that starts with a literal http:// or https://; this one ships untracked with a literal "@TrackLink" in it. ${DIRECT_FIX}`,
        });
      }
    }
    staticChecks(url, offset, tracked, display);
    if (isHref) {
      for (const tag of inside) {
        if (tag.kind !== 'listmonk') continue;
        const action = parseGoAction(tag.inner);
        const perSubscriber = action.tokens.some((t) => t.text.startsWith('.Subscriber'));
        const safe = action.calls.some((c) => c.name === 'Safe' || URL_FUNCTIONS.has(c.name));
        if (action.keyword === undefined && perSubscriber && !safe) {
          problems.push({
            rule: 'altbody-escaped-value',
            offset,
            url: display,
            message: `${tag.text} in this link is copied into the text part, which Listmonk renders with html/template: "&" becomes "&amp;" and the link breaks there. Pipe it through Safe — ${tag.text.replace(/\s*}}$/, ' | Safe }}')} — when the value is one mailramp wrote (lp_link)`,
          });
        }
      }
    }
  }

  function staticChecks(url: string, offset: number, tracked: boolean, display = url): void {
    const beforeTag = url.split(/[\uE000]/)[0] ?? '';
    const plain = beforeTag.replace(/&amp;/gi, '&');
    if (/^https?:\/\//i.test(plain) && !display.includes('?') && /&[^&=/]+=/.test(plain)) {
      problems.push({
        rule: 'url-query-without-question',
        offset,
        url: display,
        message: `${display}: the query starts with "&" and there is no "?", so the server sees one long path and answers 404 (the /order/boc3-filing&utm_source=… incident); start the query with "?"`,
      });
    }
    if (tracked && ENTITY.test(url)) {
      problems.push({
        rule: 'tracked-link-entity',
        offset,
        url: display,
        message: `${display}: Listmonk registers a tracked URL exactly as written, entity included, so the redirect goes to a wrong URL; write a bare "&" in tracked URLs (and {{{ @value }}} for build-time values inside them)`,
      });
    }
    if (/^http:\/\//i.test(plain)) {
      problems.push({
        rule: 'http-link',
        offset,
        url: display,
        message: `${display}: an http:// link (no TLS); use https://`,
      });
    }
  }
}

function placeholderAt(text: string, offset: number): boolean {
  return text[offset] === '\uE000';
}

function placeholderOffset(text: string, vault: TagVault, index: number): number {
  for (let at = text.indexOf('\uE000'); at !== -1; at = text.indexOf('\uE000', at + 1)) {
    const end = text.indexOf('\uE002', at);
    if (vault.present(text.slice(at, end + 1)).has(index)) return at;
  }
  return 0;
}
