import { describe, expect, it } from 'vitest';
import { scanTemplateTags } from './scan-template-tags.js';

const kinds = (source: string) => scanTemplateTags(source).tags.map((t) => [t.text, t.kind]);

describe('scanTemplateTags', () => {
  it.each([
    ['{{ .Subscriber.FirstName }}', 'listmonk'],
    ['{{ .Subscriber.Attribs.lp_link }}', 'listmonk'],
    ['{{ index .Subscriber.Attribs "lp-link" }}', 'listmonk'],
    ['{{ TrackLink "https://example.com/a" }}', 'listmonk'],
    ['{{ TrackLink (print .Subscriber.Attribs.lp_link "&utm_source=x") . }}', 'listmonk'],
    ['{{ TrackView }}', 'listmonk'],
    ['{{ UnsubscribeURL }}', 'listmonk'],
    ['{{ template "content" . }}', 'listmonk'],
    ['{{ if .Subscriber.Attribs.coupon }}', 'listmonk'],
    ['{{ end }}', 'listmonk'],
    ['{{ range $i, $x := .Campaign.Attribs.items }}', 'listmonk'],
    ['{{/* a Go comment with }} inside */}}', 'listmonk'],
    ['{{- .Subscriber.Name -}}', 'listmonk'],
    ['{{ Date "2006-01-02" }}', 'listmonk'],
    ['{{ L.T "email.unsub" }}', 'listmonk'],
    ['{{ .Subscriber.Name | upper }}', 'listmonk'],
    ['{{ print "}}" }}', 'listmonk'],
    ['{{ $x := 1 }}', 'listmonk'],
    ['{{ title "x" }}', 'listmonk'],
    ['{{ @due_date }}', 'build'],
    ['{{@segment.title}}', 'build'],
    ['{{#if @coupon}}', 'build'],
    ['{{/if}}', 'build'],
    ['{{> footer }}', 'build'],
    ['{{!-- a note with }} inside --}}', 'build'],
    ['{{! short note }}', 'build'],
    ['{{{ @raw_html }}}', 'build'],
    ['{{~ @x ~}}', 'build'],
    ['{{ this.label }}', 'build'],
    ['{{ lookup @fees "small" }}', 'build'],
  ])('%s is a %s tag', (source, kind) => {
    expect(kinds(source)).toEqual([[source, kind]]);
  });

  it('gives {{ else }} to the innermost open block', () => {
    expect(
      kinds('{{#if @a}}{{ if .X }}1{{ else }}2{{ end }}{{else}}3{{/if}}{{ with .Y }}{{ else }}{{ end }}').map(
        ([t, k]) => `${t}:${k}`,
      ),
    ).toEqual([
      '{{#if @a}}:build',
      '{{ if .X }}:listmonk',
      '{{ else }}:listmonk',
      '{{ end }}:listmonk',
      '{{else}}:build',
      '{{/if}}:build',
      '{{ with .Y }}:listmonk',
      '{{ else }}:listmonk',
      '{{ end }}:listmonk',
    ]);
  });

  it('treats block parameters of an enclosing Handlebars block as build-time', () => {
    expect(kinds('{{#each @deadlines as |d|}}{{ d.label }}{{/each}}{{ d.label }}').map(([, k]) => k)).toEqual(
      ['build', 'build', 'build', 'listmonk'],
    );
  });

  it('reports an unclosed tag with its offset', () => {
    const scan = scanTemplateTags('ok {{ .A }} then {{ .Subscriber.Name ');
    expect(scan.tags.map((t) => t.text)).toEqual(['{{ .A }}']);
    expect(scan.unclosed).toEqual([{ start: 17, message: expect.stringContaining('never closed') }]);
  });

  it('in listmonk mode every tag is a Listmonk tag', () => {
    expect(scanTemplateTags('{{ @x }} {{#if}}', { mode: 'listmonk' }).tags.map((t) => t.kind)).toEqual([
      'listmonk',
      'listmonk',
    ]);
  });
});
