import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintTemplate } from './lint-template.js';
import { parseTemplateFile } from './parse-template-file.js';

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/templates/incidents');
const FOOTER =
  '<p>Acme, 100 Main St, Springfield, IL 62701 · <a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>';

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
    expect(lint(body)).toEqual([]);
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
