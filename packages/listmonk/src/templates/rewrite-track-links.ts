import { isAtLeast, type ListmonkVersion } from '../client/listmonk-version.js';

const URL_FUNCTIONS = ['TrackView', 'UnsubscribeURL', 'ManageURL', 'OptinURL', 'MessageURL', 'ArchiveURL'];

/**
 * Listmonk's TrackLink rewrite of a version (`regTplFuncs` in models/models.go, models/common.go
 * from v6), read from its source at each tag:
 * - v2.0.0: a quoted literal only, `{{ TrackLink "url" }}` or `` {{ TrackLink `url` }} `` →
 *   `{{ TrackLink "url" . }}` (applied after the `@TrackLink` shorthand);
 * - v2.1.0–v4.1.0 (d2cf6e0f "accept Go template variables", #667): a catch-all
 *   `{{(\s+)?TrackLink(\s+)?(.+?)(\s+)?}}` → `{{ TrackLink $3 . }}` that appends ` .` to every call,
 *   so a dotted call gets three arguments;
 * - v5.0.0: the same pattern in a Go raw string, `\\s` = a literal backslash: it matches only
 *   `{{TrackLink …}}` written without a space after `{{`;
 * - v5.0.1+ (4da91a0e, #2448): a double-quoted literal only, `{{\s*TrackLink\s+"([^"]+)"\s*}}`.
 */
function rewriteTrackLinkCalls(source: string, version: ListmonkVersion): string {
  if (isAtLeast(version, 5, 0, 1)) {
    return source.replace(/\{\{\s*TrackLink\s+"([^"]+)"\s*\}\}/g, '{{ TrackLink "$1" . }}');
  }
  if (version.major === 5) {
    return source.replace(/\{\{(\\s+)?TrackLink(\\s+)?(.+?)(\\s+)?\}\}/g, '{{ TrackLink $3 . }}');
  }
  if (isAtLeast(version, 2, 1)) {
    return source.replace(/\{\{(\s+)?TrackLink(\s+)?(.+?)(\s+)?\}\}/g, '{{ TrackLink $3 . }}');
  }
  return source.replace(/\{\{(\s+)?TrackLink\s+?("|`)(.+?)("|`)(\s+)?\}\}/g, '{{ TrackLink "$3" . }}');
}

/**
 * Listmonk's source rewrite before parsing a body or template:
 * 1. `{{ TrackLink … }}` as that version rewrites it (see `rewriteTrackLinkCalls()`);
 * 2. `URL@TrackLink` → `{{ TrackLink "URL" . }}` where URL starts with a literal http(s):// —
 *    v5+ match a URL character class (`%` from v6.1), v2–v4 a lazy `.+?`;
 * 3. `{{ TrackView }}`, `{{ UnsubscribeURL }}`, … → `{{ TrackView . }}`, ….
 *
 * @example
 * rewriteTrackLinks('{{ TrackLink .X }}', parseListmonkVersion('v4.1.0')!); // '{{ TrackLink .X . }}'
 */
export function rewriteTrackLinks(source: string, version: ListmonkVersion): string {
  // v2.0.0 rewrote the shorthand first, every later version the calls first.
  const v200 = !isAtLeast(version, 2, 1);
  let out = v200 ? source : rewriteTrackLinkCalls(source, version);
  const withPercent = isAtLeast(version, 6, 1);
  const shortcut =
    version.major >= 5
      ? new RegExp(
          `(https?://[\\p{L}\\p{N}_\\-.~!#$&'()*+,/:;=?@\\[\\]${withPercent ? '%' : ''}]*)@TrackLink`,
          'gu',
        )
      : /(https?:\/\/.+?)@TrackLink/g;
  out = out.replace(shortcut, (_m, url: string) => `{{ TrackLink "${url.replaceAll('"', '\\"')}" . }}`);
  if (v200) out = rewriteTrackLinkCalls(out, version);
  const fns = URL_FUNCTIONS.join('|');
  return out.replace(new RegExp(`\\{\\{(\\s*)(${fns})(\\s*)\\}\\}`, 'g'), '{{$1$2 .$3}}');
}
