import { isAtLeast, type ListmonkVersion } from '../client/listmonk-version.js';

const URL_FUNCTIONS = ['TrackView', 'UnsubscribeURL', 'ManageURL', 'OptinURL', 'MessageURL', 'ArchiveURL'];

/**
 * Listmonk's source rewrite before parsing a body or template:
 * 1. v5.0.1+: `{{ TrackLink "url" }}` → `{{ TrackLink "url" . }}` (a double-quoted literal only);
 *    v2.1–v4.x: `{{ TrackLink X }}` → `{{ TrackLink X . }}` for any X (so `{{ TrackLink "u" . }}`
 *    gets three arguments and fails to render); v2.0.0 and v5.0.0: no rewrite;
 * 2. `URL@TrackLink` → `{{ TrackLink "URL" . }}` where URL starts with a literal http(s):// —
 *    v5+ match a URL character class (`%` from v6.1), v2–v4 a lazy `.+?`;
 * 3. `{{ TrackView }}`, `{{ UnsubscribeURL }}`, … → `{{ TrackView . }}`, ….
 */
export function rewriteTrackLinks(source: string, version: ListmonkVersion): string {
  let out = source;
  if (isAtLeast(version, 5, 0, 1)) {
    out = out.replace(/\{\{\s*TrackLink\s+"([^"]+)"\s*\}\}/g, '{{ TrackLink "$1" . }}');
  } else if (isAtLeast(version, 2, 1) && version.major < 5) {
    // v2.1–v4.x: a catch-all that appends ` .` to every TrackLink call (a dotted one gets 3 args).
    out = out.replace(/\{\{(\s+)?TrackLink(\s+)?(.+?)(\s+)?\}\}/g, '{{ TrackLink $3 . }}');
  }
  // v2.0.0 has no such rule; v5.0.0's is broken (its pattern needs literal backslashes): no rewrite.
  const withPercent = isAtLeast(version, 6, 1);
  const shortcut =
    version.major >= 5
      ? new RegExp(
          `(https?://[\\p{L}\\p{N}_\\-.~!#$&'()*+,/:;=?@\\[\\]${withPercent ? '%' : ''}]*)@TrackLink`,
          'gu',
        )
      : /(https?:\/\/.+?)@TrackLink/g;
  out = out.replace(shortcut, (_m, url: string) => `{{ TrackLink "${url.replaceAll('"', '\\"')}" . }}`);
  const fns = URL_FUNCTIONS.join('|');
  return out.replace(new RegExp(`\\{\\{(\\s*)(${fns})(\\s*)\\}\\}`, 'g'), '{{$1$2 .$3}}');
}
