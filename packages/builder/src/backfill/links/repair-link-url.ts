/**
 * The @TrackLink incident's repair (seed-runbook.md, Jun 22): a registered link whose query starts
 * with `&` and has no `?` — `https://site/order/boc3-filing&utm_source=listmonk` — gets its first
 * `&` turned into `?`. Returns undefined for anything else: URLs with a `?`, URLs without `&`, an
 * `&` not followed by a `key=` pair (e.g. `&amp;`, or an `&` inside a path segment), and results
 * that do not parse as an http(s) URL.
 *
 * @example
 * repairLinkUrl('https://x.net/order/a&utm_source=l'); // 'https://x.net/order/a?utm_source=l'
 */
export function repairLinkUrl(url: string): string | undefined {
  if (url.includes('?')) return undefined;
  const hash = url.indexOf('#');
  const body = hash === -1 ? url : url.slice(0, hash);
  const amp = body.indexOf('&');
  if (amp === -1) return undefined;
  const afterScheme = /^https?:\/\/[^/&#]/i.exec(body);
  if (afterScheme === null || amp < afterScheme[0].length) return undefined;
  if (!/^[A-Za-z0-9_.~%[\]-]+=/.test(body.slice(amp + 1))) return undefined;
  const repaired = `${url.slice(0, amp)}?${url.slice(amp + 1)}`;
  try {
    const parsed = new URL(repaired);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  } catch {
    return undefined;
  }
  return repaired;
}
