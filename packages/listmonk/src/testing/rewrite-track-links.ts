import type { ListmonkVersion } from '../client/listmonk-version.js';

const URL_FUNCTIONS = ['TrackView', 'UnsubscribeURL', 'ManageURL', 'OptinURL', 'MessageURL', 'ArchiveURL'];

/**
 * Listmonk's source rewrite before parsing a body or template:
 * 1. `{{ TrackLink "url" }}` → `{{ TrackLink "url" . }}` (a double-quoted literal only);
 * 2. `URL@TrackLink` → `{{ TrackLink "URL" . }}` where URL starts with a literal http(s):// —
 *    v5+ match a URL character class (`%` from v6.1), v2–v4 a lazy `.+?`;
 * 3. `{{ TrackView }}`, `{{ UnsubscribeURL }}`, … → `{{ TrackView . }}`, ….
 */
export function rewriteTrackLinks(source: string, version: ListmonkVersion): string {
  let out = source.replace(/\{\{(\s*)TrackLink\s+"([^"]*)"(\s*)\}\}/g, '{{$1TrackLink "$2" .$3}}');
  const withPercent = version.major > 6 || (version.major === 6 && version.minor >= 1);
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
