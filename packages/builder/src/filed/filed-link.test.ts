import { describe, expect, it } from 'vitest';
import { createFiledLink, readFiledLink } from './filed-link.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const TARGET = { vertical: 'trucking', segment: 'ucr', recipientKey: '1234567', cycle: 'ucr:2026' };

describe('the "I already filed" link', () => {
  it('reads back what it was made for, from the whole URL or its query', () => {
    const link = createFiledLink(SECRET, 'https://example.com/', TARGET);
    expect(link).toMatch(
      /^https:\/\/example\.com\/filed\?v=trucking&s=ucr&k=1234567&c=ucr%3A2026&t=[\w-]{22}$/,
    );
    expect(readFiledLink(SECRET, link)).toEqual(TARGET);
    expect(readFiledLink(SECRET, link.slice(link.indexOf('?') + 1))).toEqual(TARGET);
  });

  it.each([
    ['an edited recipient', (l: string) => l.replace('k=1234567', 'k=1234568'), /does not match/],
    ['an edited cycle', (l: string) => l.replace('ucr%3A2026', 'ucr%3A2027'), /does not match/],
    ['another secret', (l: string) => l, /does not match/],
    ['no token', (l: string) => l.replace(/&t=[^&]*/, ''), /needs v, s, k, c and t/],
    ['a shortened token', (l: string) => l.slice(0, -1), /does not match/],
  ])('refuses %s (FILED_LINK_INVALID)', (what, edit, message) => {
    const link = edit(createFiledLink(SECRET, 'https://example.com', TARGET));
    const secret = what === 'another secret' ? `${SECRET}!` : SECRET;
    expect(() => readFiledLink(secret, link)).toThrow(message);
    try {
      readFiledLink(secret, link);
    } catch (error) {
      expect(error).toMatchObject({ code: 'FILED_LINK_INVALID' });
    }
  });

  it('checks a link with the secret of the vertical it names', () => {
    const link = createFiledLink(SECRET, 'https://example.com', TARGET);
    const secrets: Record<string, string> = { trucking: SECRET };
    expect(readFiledLink((v) => secrets[v], link)).toEqual(TARGET);
    expect(() => readFiledLink((v) => secrets[v], link.replace('v=trucking', 'v=healthcare'))).toThrow(
      'build.verticals.healthcare.filedLinkSecret is not set',
    );
  });
});
