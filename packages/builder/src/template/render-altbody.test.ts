import { describe, expect, it } from 'vitest';
import { ALTBODY_WIDTH, renderAltbody } from './render-altbody.js';

const text = (html: string) => renderAltbody(html).text;

describe('renderAltbody', () => {
  it('writes links as text (url), keeping tracked static links tracked', () => {
    expect(
      text(
        '<p><a href="https://example.com/guide@TrackLink">Read the guide</a> and <a href="{{ TrackLink "https://example.com/faq" }}">FAQ</a></p>',
      ),
    ).toBe(
      'Read the guide (https://example.com/guide@TrackLink) and FAQ\n({{ TrackLink "https://example.com/faq" }})\n',
    );
  });

  it('keeps a per-subscriber href and decodes &amp; in static URL parts', () => {
    expect(
      text('<a href="{{ .Subscriber.Attribs.lp_link | Safe }}&amp;utm_source=listmonk">File now</a>'),
    ).toBe('File now ({{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=listmonk)\n');
  });

  it('shows an URL once when the link text is the URL, and mail addresses without mailto:', () => {
    expect(
      text(
        '<a href="https://example.com/">https://example.com/</a> <a href="mailto:help@example.com">help@example.com</a>',
      ),
    ).toBe('https://example.com/ help@example.com\n');
  });

  it('renders images by their alt text and drops images without one (the open pixel)', () => {
    const result = renderAltbody(
      '<p><img src="logo.png" alt="Acme Compliance"> hello <img src="{{ TrackView }}" alt=""></p>',
    );
    expect(result.text).toBe('Acme Compliance hello\n');
    expect(result.omitted.map((t) => t.text)).toEqual(['{{ TrackView }}']);
  });

  it('does not upper-case headings, so Listmonk tags in them survive', () => {
    expect(text('<h1>Hi {{ .Subscriber.FirstName }}</h1><h2>Due soon</h2><p>x</p>')).toBe(
      'Hi {{ .Subscriber.FirstName }}\n\n\nDue soon\n\nx\n',
    );
  });

  it('keeps lists and data tables readable', () => {
    expect(
      text(
        '<ul><li>BOC-3</li><li>Insurance</li></ul><ol><li>One</li><li>Two</li></ol><table class="data"><tr><th>Form</th><th>Due</th></tr><tr><td>MCS-150</td><td>July 2027</td></tr></table>',
      ),
    ).toBe(' * BOC-3\n * Insurance\n\n 1. One\n 2. Two\n\nForm      Due\nMCS-150   July 2027\n');
  });

  it('wraps near 78 columns without splitting a Listmonk tag or a URL', () => {
    const long =
      'https://example.com/a/very/long/path/that/goes/on/and/on/and/on/until/it/passes/eighty/columns';
    const html = `<p>${'word '.repeat(12)}{{ index .Subscriber.Attribs "legal name" }} ${'more '.repeat(8)}<a href="${long}">go</a> ${'tail '.repeat(20)}</p>`;
    const out = text(html);
    expect(out).toContain('{{ index .Subscriber.Attribs "legal name" }}');
    expect(out).toContain(long);
    for (const line of out.split('\n')) {
      if (!line.includes('http')) expect(line.length).toBeLessThanOrEqual(ALTBODY_WIDTH);
    }
  });

  it('leaves out style, title and .altbody-skip elements', () => {
    expect(
      text(
        '<html><head><title>T</title><style>p{color:red}</style></head><body><div class="altbody-skip">View in browser</div><p>Body</p></body></html>',
      ),
    ).toBe('Body\n');
  });

  it('reports Listmonk tags that have no place in the text', () => {
    const result = renderAltbody('<p class="{{ if .X }}a{{ end }}">x</p><p>{{ .Subscriber.Name }}</p>');
    expect(result.omitted.map((t) => t.text)).toEqual(['{{ if .X }}', '{{ end }}']);
    expect(result.text).toBe('x\n\n{{ .Subscriber.Name }}\n');
  });
});

describe('renderAltbody control paragraphs', () => {
  it('joins a paragraph of only control actions to the next, so a false branch leaves no blank run', () => {
    expect(text('<p>A</p>{{ with .Subscriber.Attribs.coupon }}<p>Code {{ . }}</p>{{ end }}<p>B</p>')).toBe(
      'A\n\n{{ with .Subscriber.Attribs.coupon }}Code {{ . }}\n\n{{ end }}B\n',
    );
  });
});
