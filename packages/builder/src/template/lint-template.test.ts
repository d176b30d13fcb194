import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseListmonkVersion } from '@mailramp/listmonk';
import { describe, expect, it } from 'vitest';
import { lintTemplate } from './lint-template.js';
import { parseTemplateFile } from './parse-template-file.js';

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/templates/incidents');
const FOOTER =
  '<p>Acme, 100 Main St, Springfield, IL 62701 · <a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>';

const v = (raw: string) => parseListmonkVersion(raw)!;
const lint = (body: string, options: Parameters<typeof lintTemplate>[1] = {}) =>
  lintTemplate(parseTemplateFile({ name: 't', path: 't.html', source: body }), options);
const rules = (body: string, options?: Parameters<typeof lintTemplate>[1]) =>
  lint(body, options).map((f) => f.rule);

describe('incident fixtures fail with the right rule', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.html'));
  it.each(files)('%s', (name) => {
    const source = readFileSync(join(FIXTURES, name), 'utf8');
    const expected = /<!-- expect: ([\w-]+) -->/.exec(source)?.[1];
    const findings = lintTemplate(parseTemplateFile({ name, path: name, source }));
    expect(findings.map((f) => f.rule)).toContain(expected);
  });
});

describe('lintTemplate', () => {
  it('passes a clean body with direct per-subscriber links and a tracked static link', () => {
    const body = `<h1>Hi {{ .Subscriber.FirstName }}</h1>
<p><a href="{{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=listmonk">Order</a>
<a href="https://performancewest.net/guide?utm_source=listmonk@TrackLink">Guide</a>
<a href="{{ TrackLink "https://performancewest.net/faq" }}">FAQ</a>
<a href="{{ TrackLink (print .Subscriber.Attribs.lp_link "&utm_source=x") . }}">Tracked per subscriber</a>
{{ if .Subscriber.Attribs.coupon }}code {{ .Subscriber.Attribs.coupon }}{{ else }}none{{ end }}
{{/* a comment with @TrackLink in it */}}</p>${FOOTER}`;
    expect(lint(body, { listmonkVersions: [v('v5.1.0')] })).toEqual([]);
  });

  it('reports file, line, column, rule, severity and a message that says what to do', () => {
    const [f] = lint(
      `<p>\n  <a href="{{ .Subscriber.Attribs.lp_link }}&utm_source=x@TrackLink">x</a></p>${FOOTER}`,
    ).filter((x) => x.rule === 'tracked-link-dynamic');
    expect(f).toMatchObject({ file: 't.html', line: 2, column: 12, severity: 'error' });
    expect(f?.message).toContain('{{ TrackLink (print .Subscriber.Attribs.lp_link');
  });

  it.each([
    ['{{ TrackLink .Subscriber.Attribs.lp_link }}', 'tracklink-missing-dot'],
    ['{{ .Subscriber.Attribs.lp_link | TrackLink }}', 'tracklink-missing-dot'],
    ['{{- TrackLink "https://a.example/x" -}}', 'tracklink-missing-dot'],
    ['{{ TrackLink "https://a.example/{{x" . }}', 'tracked-link-dynamic'],
    ['<a href="https://a.example/x?a=1&amp;b=2@TrackLink">x</a>', 'tracked-link-entity'],
    ['<img src="{{ TrackView }}" alt="">', 'trackview-in-attribute'],
    ['<a href="{{ @landing }}/order&utm_source=x">x</a>', undefined],
    ['<a href="https://a.example/order&utm_source=x">x</a>', 'url-query-without-question'],
    ['{{ end }}', 'unbalanced-action'],
    ['{{ else }}', 'unbalanced-action'],
    ['{{#if @a}}{{ if .X }}{{/if}}{{ end }}', 'unbalanced-action'],
    ['{{ foo .X }}', 'unknown-function'],
    ['{{ expandenv "$HOME" }}', 'unknown-function'],
    ['{{#if @a}}x', 'build-syntax'],
    ['{{ .Subscriber.Name ', 'unclosed-tag'],
    ['<img src="http://a.example/x.png" alt="">', 'http-link'],
  ])('%s → %s', (snippet, rule) => {
    const found = rules(`<p>${snippet}</p>${FOOTER}`);
    if (rule === undefined) expect(found).toEqual([]);
    else expect(found).toContain(rule);
  });

  it('reports a partial that does not exist when partials are known, also inside a layout block', () => {
    expect(rules(`{{> nope }}${FOOTER}`, { partials: new Map() })).toEqual(['build-syntax']);
    expect(rules(`{{#> layout }}{{> nope }}{{/layout}}${FOOTER}`, { partials: new Map() })).toEqual([
      'build-syntax',
      'build-syntax',
    ]);
  });

  it('finds the unsubscribe link in an included partial', () => {
    const footer = parseTemplateFile({ name: 'footer', path: 'footer.html', source: FOOTER });
    expect(rules('<p>x</p>{{> footer }}', { partials: new Map([['footer', footer]]) })).toEqual([]);
  });

  it('with data, renders and checks the body: postal address, build values, links as sent', () => {
    const body =
      '<p>{{ @landing }} <a href="{{{ @order_url }}}">Order</a></p><a href="{{ UnsubscribeURL }}">Unsubscribe</a>';
    const findings = lint(body, {
      data: { landing: 'x', order_url: 'https://a.example/order&utm_source=x' },
    });
    expect(findings.map((f) => f.rule).sort()).toEqual([
      'missing-postal-address',
      'url-query-without-question',
    ]);
    expect(rules(body, { data: { landing: 'x' } })).toEqual(['build-value-missing']);
  });

  it('with data, reports a Listmonk action the text part cannot carry', () => {
    const body = `<p class="{{ if .Subscriber.Attribs.vip }}vip">Hello{{ end }}</p>${FOOTER}`;
    expect(rules(body, { data: {} })).toEqual(['altbody-broken-action']);
  });
});

// LISTMONK.md "Template language" rule 1, as Listmonk's regTplFuncs read by tag: v2.0.0 rewrites
// quoted literals; v2.1.0–v4.1.0 a catch-all appending ` .` to every call (d2cf6e0f, #667); v5.0.0's
// pattern is a raw string with `\\s` (matches nothing written with a space); v5.0.1+ (4da91a0e,
// #2448) double-quoted literals only.
describe('TrackLink forms per configured Listmonk version', () => {
  const tracklink = (snippet: string, versions: string[]) =>
    lint(`<p><a href="${snippet}">x</a></p>${FOOTER}`, { listmonkVersions: versions.map(v) }).filter((f) =>
      f.rule.startsWith('tracklink-'),
    );
  it.each([
    // [form, version, rule or undefined when it works there]
    ['{{ TrackLink .Subscriber.Attribs.lp_link }}', 'v4.1.0', undefined],
    ['{{ TrackLink .Subscriber.Attribs.lp_link }}', 'v2.1.0', undefined],
    ['{{ TrackLink .Subscriber.Attribs.lp_link }}', 'v2.0.0', 'tracklink-missing-dot'],
    ['{{ TrackLink .Subscriber.Attribs.lp_link }}', 'v5.0.0', 'tracklink-missing-dot'],
    ['{{ TrackLink .Subscriber.Attribs.lp_link }}', 'v5.0.1', 'tracklink-missing-dot'],
    ['{{ TrackLink .Subscriber.Attribs.lp_link . }}', 'v4.1.0', 'tracklink-extra-dot'],
    ['{{ TrackLink .Subscriber.Attribs.lp_link . }}', 'v2.5.0', 'tracklink-extra-dot'],
    ['{{ TrackLink .Subscriber.Attribs.lp_link . }}', 'v2.1.0', 'tracklink-extra-dot'],
    ['{{ TrackLink .Subscriber.Attribs.lp_link . }}', 'v2.0.0', undefined],
    ['{{ TrackLink .Subscriber.Attribs.lp_link . }}', 'v5.0.0', undefined],
    ['{{ TrackLink .Subscriber.Attribs.lp_link . }}', 'v6.2.0', undefined],
    ['{{ TrackLink "https://a.example/x" . }}', 'v4.0.0', 'tracklink-extra-dot'],
    ['{{ TrackLink "https://a.example/x" }}', 'v4.0.0', undefined],
    ['{{ TrackLink "https://a.example/x" }}', 'v2.0.0', undefined],
    ['{{ TrackLink "https://a.example/x" }}', 'v5.0.0', 'tracklink-missing-dot'],
    ['{{ TrackLink "https://a.example/x" }}', 'v5.0.1', undefined],
    ['{{ .Subscriber.Attribs.lp_link | TrackLink }}', 'v4.1.0', 'tracklink-missing-dot'],
  ])('%s on %s → %s', (snippet, version, rule) => {
    const found = tracklink(snippet, [version]);
    expect(found.map((f) => f.rule)).toEqual(rule === undefined ? [] : [rule]);
    if (rule !== undefined) expect(found[0]?.message).toContain(version);
  });

  it('names the version and offers the form that works there', () => {
    const [extra] = tracklink('{{ TrackLink .Subscriber.Attribs.lp_link . }}', ['v4.1.0']);
    expect(extra?.message).toContain('v4.1.0 (v2.1.0–v4.x)');
    expect(extra?.message).toContain('write {{ TrackLink .Subscriber.Attribs.lp_link }}');
    const [missing] = tracklink('{{ TrackLink .Subscriber.Attribs.lp_link }}', ['v5.1.0']);
    expect(missing?.message).toContain('write {{ TrackLink .Subscriber.Attribs.lp_link . }}');
    const [literal] = tracklink('{{ TrackLink "https://a.example/x" }}', ['v5.0.0', 'v6.1.0']);
    expect(literal?.message).toContain('write href="https://a.example/x@TrackLink"');
  });

  it('with v4 and v5 configured, a per-subscriber TrackLink has no working form and says so', () => {
    const found = tracklink('{{ TrackLink .Subscriber.Attribs.lp_link . }}', ['v4.1.0', 'v5.1.0']);
    expect(found.map((f) => f.rule)).toEqual(['tracklink-extra-dot']);
    expect(found[0]?.message).toContain('no TrackLink form works on all of them');
  });

  it('without a configured version checks every behaviour v2–v6', () => {
    const found = lint(`<a href="{{ TrackLink .Subscriber.Attribs.lp_link . }}">x</a>${FOOTER}`);
    expect(found.map((f) => f.rule)).toEqual(['tracklink-extra-dot']);
    expect(found[0]?.message).toContain('every version v2–v6');
  });
});

// LISTMONK.md "Message format": a missing attribute prints "" in html/template and <no value> in
// text/template (the subject); passed to a function with a string parameter it fails the message.
describe('attributes a recipient may lack', () => {
  const attr = (source: string) => lint(source).filter((f) => f.rule === 'attribute-may-be-missing');
  it.each([
    ['<a href="{{ .Subscriber.Attribs.filed_link | Safe }}">filed</a>', 1],
    ['{{ Safe .Subscriber.Attribs.x }}', 1],
    ['{{ upper .Subscriber.Attribs.x }}', 1],
    // print, printf and friends do not fail on nil: they print it (`<nil>`, `%!s(<nil>)`).
    ['{{ index .Subscriber.Attribs "x" | print }}', 1],
    ['{{ index .Subscriber.Attribs "filed-link" | Safe }}', 1],
    ['{{ Safe (index .Subscriber.Attribs "x") }}', 1],
    ['{{ TrackLink (print .Subscriber.Attribs.x "&u=1") . }}', 1],
    ['{{ TrackLink (print .Subscriber.Attribs.lp_link "&u=1") . }}', 0],
    ['{{ if index .Subscriber.Attribs "x" }}{{ Safe (index .Subscriber.Attribs "x") }}{{ end }}', 0],
    ['{{ .Subscriber.Attribs.x }}', 0],
    ['{{ print .Subscriber.Attribs.x }}', 1],
    ['{{ println "a" .Subscriber.Attribs.x }}', 1],
    ['{{ .Subscriber.Attribs.x | urlquery }}', 1],
    ['{{ toString .Subscriber.Attribs.x }}', 1],
    ['{{ default "none" .Subscriber.Attribs.x }}', 0],
    ['{{ quote .Subscriber.Attribs.x }}', 0],
    ['{{ printf "%s" .Subscriber.Attribs.x }}', 1],
    ['{{ printf "%s" (default "" .Subscriber.Attribs.x) }}', 0],
    ['{{ if .Subscriber.Attribs.x }}{{ print .Subscriber.Attribs.x }}{{ end }}', 0],
    ['<a href="{{ .Subscriber.Attribs.lp_link | Safe }}">order</a>', 0],
    [
      '{{ if .Subscriber.Attribs.filed_link }}<a href="{{ .Subscriber.Attribs.filed_link | Safe }}">f</a>{{ end }}',
      0,
    ],
    ['{{ with .Subscriber.Attribs.x }}{{ Safe . }}{{ end }}', 0],
    ['{{ if and .Subscriber.Attribs.x .Subscriber.Attribs.y }}{{ Safe .Subscriber.Attribs.y }}{{ end }}', 0],
    ['{{ if .Subscriber.Attribs.x }}a{{ else }}{{ Safe .Subscriber.Attribs.x }}{{ end }}', 1],
    ['{{ if not .Subscriber.Attribs.x }}{{ Safe .Subscriber.Attribs.x }}{{ end }}', 1],
  ])('%s → %d', (snippet, count) => {
    expect(attr(`<p>${snippet}</p>${FOOTER}`)).toHaveLength(count);
  });

  it('a subject printing an attribute the build does not guarantee would show <no value>', () => {
    const [f] = attr(`---\nsubject: Your code {{ .Subscriber.Attribs.coupon }}\n---\n<p>x</p>${FOOTER}`);
    expect(f).toMatchObject({ line: 2, column: 20, severity: 'error' });
    expect(f?.message).toContain('<no value>');
    expect(
      attr(
        `---\nsubject: {{ if .Subscriber.Attribs.coupon }}Code {{ .Subscriber.Attribs.coupon }}{{ end }}\n---\n<p>x</p>${FOOTER}`,
      ),
    ).toEqual([]);
  });

  it('a missing attribute printed by print or printf shows <nil> in the body and the subject', () => {
    const [body] = attr(`<p>{{ printf "Code %s" .Subscriber.Attribs.coupon }}</p>${FOOTER}`);
    expect(body?.message).toContain('%!s(<nil>)');
    const [subject] = attr(
      `---\nsubject: Code {{ .Subscriber.Attribs.coupon | print }}\n---\n<p>x</p>${FOOTER}`,
    );
    expect(subject).toMatchObject({ line: 2, severity: 'error' });
    expect(subject?.message).toContain('<nil>');
  });

  it('knows what the build guarantees per vertical', () => {
    const subject = '---\nsubject: USDOT {{ .Subscriber.Attribs.dot }}\n---\n<p>x</p>' + FOOTER;
    const as = (name: string) =>
      lintTemplate(parseTemplateFile({ name, path: `${name}.html`, source: subject })).filter(
        (f) => f.rule === 'attribute-may-be-missing',
      );
    expect(as('trucking/x')).toEqual([]);
    expect(as('healthcare/x')).toHaveLength(1);
  });
});
