import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repairLinkUrl } from './repair-link-url.js';

describe('repairLinkUrl', () => {
  it.each([
    // The @TrackLink incident's registered row (seed-runbook.md, Jun 22).
    [
      'https://performancewest.net/order/boc3-filing&utm_source=listmonk&utm_medium=email',
      'https://performancewest.net/order/boc3-filing?utm_source=listmonk&utm_medium=email',
    ],
    ['https://x.net/tools/dot-check&utm_campaign=a#cta', 'https://x.net/tools/dot-check?utm_campaign=a#cta'],
    ['http://x.net&utm_source=l', 'http://x.net?utm_source=l'],
    ['https://x.net/order/a?dot=1&utm_source=l', undefined],
    ['https://x.net/order/a', undefined],
    ['https://x.net/order/a&amp;utm_source=l', undefined],
    ['https://x.net/a&b/c', undefined],
    ['https://x.net/a&', undefined],
    ['mailto:a@b.c&subject=x', undefined],
    ['https://&utm=1', undefined],
    ['https://x.net/page#frag&x=1', undefined],
  ])('%s → %s', (url, expected) => {
    expect(repairLinkUrl(url)).toBe(expected);
  });

  it('only ever turns the first & into ? — the repair is exactly reversible', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const broken = url.replace('?', '&');
        const repaired = repairLinkUrl(broken);
        if (repaired === undefined) return;
        expect(repaired.split('?')).toHaveLength(2);
        expect(repaired.replace('?', '&')).toBe(broken);
        expect(repaired.indexOf('?')).toBe(broken.indexOf('&'));
      }),
    );
  });

  it('never touches a URL that already has a query', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), (url) => {
        if (url.includes('?')) expect(repairLinkUrl(url)).toBeUndefined();
      }),
    );
  });
});
