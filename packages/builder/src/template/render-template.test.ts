import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { parseTemplateFile } from './parse-template-file.js';
import { renderTemplate } from './render-template.js';

const file = (source: string, path = 'trucking/x.html') =>
  parseTemplateFile({ name: path.replace(/\.html$/, ''), path, source });
const partial = (name: string, source: string) =>
  [name, parseTemplateFile({ name, path: `partials/${name}.html`, source })] as const;

function thrown(fn: () => unknown): BuilderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BuilderError) return error;
    throw error;
  }
  throw new Error('expected a BuilderError');
}

describe('renderTemplate', () => {
  it('fills build-time values and leaves every Listmonk tag byte-identical', () => {
    const source = [
      '<p>Hi {{ .Subscriber.FirstName }}, due {{ @due_month }}.</p>',
      '{{ if .Subscriber.Attribs.dot }}USDOT {{ .Subscriber.Attribs.dot }}{{ else }}-{{ end }}',
      '<a href="{{ TrackLink (print .Subscriber.Attribs.lp_link "&utm_source=x") . }}">go</a>',
      '{{/* }} in a comment */}}{{- "x" -}}{{ index .Subscriber.Attribs "lp-link" }}',
      '{{ template "content" . }}',
    ].join('\n');
    const { html } = renderTemplate(file(source), { due_month: 'July 2027' });
    expect(html).toBe(source.replace('{{ @due_month }}', 'July 2027'));
  });

  it('supports Handlebars blocks, each with this, and partials that hold Listmonk tags', () => {
    const source =
      '{{#if @coupon}}code {{ @coupon }}{{else}}no code{{/if}}|{{#each @forms}}[{{ this.name }}]{{/each}}|{{> footer }}';
    const partials = new Map([
      partial('footer', '<a href="{{ UnsubscribeURL }}">Unsubscribe</a> {{ @sender.name }}'),
    ]);
    const { html } = renderTemplate(
      file(source),
      { coupon: null, forms: [{ name: 'BOC-3' }, { name: 'MCS-150' }], sender: { name: 'Acme' } },
      { partials },
    );
    expect(html).toBe('no code|[BOC-3][MCS-150]|<a href="{{ UnsubscribeURL }}">Unsubscribe</a> Acme');
  });

  it('HTML-escapes values in the body but not in the subject', () => {
    const f = file(
      '---\nsubject: {{ @title }} for {{ .Subscriber.Attribs.legal_name }}\n---\n<h1>{{ @title }}</h1>',
    );
    expect(renderTemplate(f, { title: 'A & B <new>' })).toEqual({
      subject: 'A & B <new> for {{ .Subscriber.Attribs.legal_name }}',
      html: '<h1>A &amp; B &lt;new&gt;</h1>',
    });
  });

  it('refuses a build-time value missing from the data, pointing at file:line:col', () => {
    const error = thrown(() =>
      renderTemplate(file('---\nsubject: x\n---\n<p>\n  {{ .Subscriber.Name }} {{ @segment.title }}</p>'), {
        segment: {},
      }),
    );
    expect(error.code).toBe('TEMPLATE_DATA_INVALID');
    expect(error.location).toEqual({ file: 'trucking/x.html', line: 5, column: 29 });
    expect(error.message).toContain('@segment.title is not in the data');
  });

  it('refuses an unknown top-level value even inside a false branch-free block', () => {
    expect(thrown(() => renderTemplate(file('{{#if @missing}}x{{/if}}'), {})).code).toBe(
      'TEMPLATE_DATA_INVALID',
    );
  });

  it.each([
    ['{{#if @a}}never closed', 'TEMPLATE_SYNTAX', /syntax/],
    ['{{> nope }}', 'TEMPLATE_SYNTAX', /partial "nope" does not exist/],
    ['{{ .Subscriber.Name ', 'TEMPLATE_SYNTAX', /never closed/],
    ['x {{#foo @a}}y{{/foo}}', 'TEMPLATE_SYNTAX', /neither a build-time value nor a helper/],
  ])('reports %s as %s', (source, code, message) => {
    const error = thrown(() => renderTemplate(file(source), { a: 1 }));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('refuses a missing nested value, but not under an optional (null) value', () => {
    expect(thrown(() => renderTemplate(file('{{ @sender.zip }}'), { sender: {} })).code).toBe(
      'TEMPLATE_DATA_INVALID',
    );
    expect(renderTemplate(file('{{#if @coupon}}{{ @coupon.code }}{{/if}}x'), { coupon: null }).html).toBe(
      'x',
    );
  });

  it('points a missing value used in a partial at the partial file', () => {
    const partials = new Map([partial('footer', '<p>\n{{ @sender.name }}</p>')]);
    const error = thrown(() =>
      renderTemplate(file('{{#if @a}}{{/if}}{{> footer }}'), { a: 1, sender: {} }, { partials }),
    );
    expect(error.location).toEqual({ file: 'partials/footer.html', line: 2, column: 4 });
  });

  it('refuses data keys Handlebars reserves', () => {
    expect(thrown(() => renderTemplate(file('x'), { index: 1 })).code).toBe('TEMPLATE_DATA_INVALID');
  });
});

describe('parseTemplateFile', () => {
  it('reads subject and description and keeps body offsets', () => {
    const f = file('---\nsubject: Hello {{ @x }}\ndescription: A test\n---\n<p>body</p>\n');
    expect(f.subject).toEqual({ text: 'Hello {{ @x }}', offset: 13 });
    expect(f.description).toBe('A test');
    expect(f.body).toEqual({ text: '<p>body</p>\n', offset: 52 });
    expect(f.source.slice(f.body.offset)).toBe(f.body.text);
  });

  it.each([
    ['---\nsubjet: typo\n---\n', /subjet: typo/],
    ['---\nsubject: x\n', /never closed/],
  ])('refuses bad front matter %j', (source, message) => {
    expect(() => file(source)).toThrow(message);
  });
});
