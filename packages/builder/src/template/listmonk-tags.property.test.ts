import { LISTMONK_FUNCTIONS } from '@mailramp/listmonk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplateFile } from './parse-template-file.js';
import { renderAltbody } from './render-altbody.js';
import { renderTemplate } from './render-template.js';

// The acceptance property of issue 4: any Listmonk tag placed anywhere in a template comes out of
// the render and of the altbody byte-identical.

const ws = fc.constantFrom(' ', '  ', '\n', '\t', ' \n  ');
const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/);
const literal = fc.string({
  unit: fc.constantFrom(..."abcXYZ09 -_/:.?=&%{}<>'#@()|$".split('')),
  maxLength: 16,
});
const field = fc.oneof(
  fc.constantFrom('.Subscriber.FirstName', '.Subscriber.Email', '.Subscriber.UUID', '.Campaign.Subject', '.'),
  ident.map((a) => `.Subscriber.Attribs.${a}`),
);
const action = fc.oneof(
  field,
  literal.map((l) => `index .Subscriber.Attribs "${l}"`),
  literal.map((l) => `TrackLink "https://example.com/${l}"`),
  literal.map((l) => `TrackLink "https://example.com/${l}" .`),
  fc.tuple(field, literal).map(([f, l]) => `TrackLink (print ${f} "${l}") .`),
  fc.constantFrom(...LISTMONK_FUNCTIONS.filter((name) => name === 'TrackView' || name.endsWith('URL'))),
  fc.constantFrom(
    'Date "2006-01-02"',
    'L.T "email.unsub"',
    'template "content" .',
    'print "}}"',
    'now | date "2006"',
  ),
  field.map((f) => `Safe ${f}`),
  field.map((f) => `${f} | upper | trunc 5`),
  field.map((f) => `$x := ${f}`),
  literal.filter((l) => !l.includes('*/')).map((l) => `/* ${l} */`),
);
const tag = fc
  .tuple(action, ws, ws, fc.boolean())
  .map(([a, w1, w2, trim]) =>
    a.startsWith('/*') ? `{{${a}}}` : trim ? `{{- ${a} -}}` : `{{${w1}${a}${w2}}}`,
  );
/** A Go block: its tags must stay together and in order. */
const block = fc
  .tuple(fc.constantFrom('if', 'with', 'range'), field, tag, tag)
  .map(([kw, f, a, b]) => `{{ ${kw} ${f} }}${a}{{ else }}${b}{{ end }}`);
const insertion = fc.oneof({ weight: 4, arbitrary: tag }, { weight: 1, arbitrary: block });

/**
 * Slots: S subject, T visible text, H inside an href, A inside alt text, X where text has no place
 * (style, title, other attributes).
 */
const BASE = `---
subject: §S{{ @title }} §S
---
<html><head><title>§X{{ @title }}</title><style>p { color: red; §X }</style></head>
<body><div class="§X wrap">
<h1>§T{{ @title }}§T</h1>
<p>§TDear §T customer, due {{ @due }}.§T</p>
{{#if @show}}<p>Inside §T a build-time block</p>{{else}}never{{/if}}
<p><a href="§Hhttps://example.com/x?a=1§H">Link §T text</a></p>
<p><img src="§Xlogo.png" alt="Logo §A"></p>
<ul><li>§Tone</li><li>two§T</li></ul>
<table class="data"><tr><th>§TForm</th></tr><tr><td>MCS-150 §T</td></tr></table>
{{#each @items}}<p>{{ this }} §T</p>{{/each}}
{{> footer }}
<p>§T</p>
</body></html>`;
const FOOTER =
  '<p>Acme, 1 Main St, Springfield, IL 62701 §T <a href="§H{{ UnsubscribeURL }}">Unsubscribe</a></p>';
const DATA = { title: 'MCS-150 & you', due: 'July 2027', show: true, items: ['a', 'b'] };
const SLOTS = [...`${BASE}${FOOTER}`.matchAll(/§([THAXS])/g)].map((m) => m[1] ?? 'X');

function fill(text: string, values: Map<number, string>, firstSlot: number): string {
  let k = firstSlot;
  return text.replace(/§[THAXS]/g, () => values.get(k++) ?? '');
}

function render(values: Map<number, string>) {
  const template = parseTemplateFile({ name: 'p', path: 'p.html', source: fill(BASE, values, 0) });
  const baseSlots = [...BASE.matchAll(/§/g)].length;
  const footer = parseTemplateFile({
    name: 'footer',
    path: 'footer.html',
    source: fill(FOOTER, values, baseSlots),
  });
  return renderTemplate(template, DATA, { partials: new Map([['footer', footer]]) });
}

describe('Listmonk tags survive render and altbody byte-identical', () => {
  it('for any tags at any slots', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: SLOTS.length - 1 }), insertion), { minLength: 1, maxLength: 6 }),
        (placed) => {
          const tags = new Map<number, string>();
          const tokens = new Map<number, string>();
          for (const [slot, raw] of placed) {
            // The subject is one front-matter line.
            const text = SLOTS[slot] === 'S' ? raw.replace(/\n/g, ' ') : raw;
            tags.set(slot, (tags.get(slot) ?? '') + text);
          }
          // A same-length, whitespace-free stand-in that neither language gives meaning to.
          for (const [slot, text] of tags) tokens.set(slot, `Q${slot}`.padEnd(text.length, 'q'));

          const withTags = render(tags);
          const withTokens = render(tokens);
          let expected = withTokens.html;
          let expectedSubject = withTokens.subject ?? '';
          for (const [slot, text] of tags) {
            expected = expected.replaceAll(tokens.get(slot) ?? '', () => text);
            expectedSubject = expectedSubject.replaceAll(tokens.get(slot) ?? '', () => text);
          }
          expect(withTags.html).toBe(expected);
          expect(withTags.subject).toBe(expectedSubject);

          const altbody = renderAltbody(withTags.html).text;
          let expectedText = renderAltbody(withTokens.html).text;
          for (const [slot, text] of tags)
            expectedText = expectedText.replaceAll(tokens.get(slot) ?? '', () => text);
          expect(altbody).toBe(expectedText);
          for (const [slot, text] of tags) {
            if ('THA'.includes(SLOTS[slot] ?? 'X')) expect(altbody).toContain(text);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
