import { describe, expect, it } from 'vitest';
import { parseTemplate, renderNodes, TemplateError } from './go-template.js';

const render = (source: string, data: unknown) => renderNodes(parseTemplate(source), { data, funcs: {} });

describe('{{break}} and {{continue}} (Go 1.18+, which Listmonk is built with)', () => {
  it.each([
    ['{{range .}}{{if eq . 3}}{{break}}{{end}}{{.}},{{end}}', [1, 2, 3, 4], '1,2,'],
    ['{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}},{{end}}', [1, 2, 3], '1,3,'],
    ['{{range .}}{{with .}}[{{.}}{{break}}]{{end}}{{end}}.', [1, 2], '[1.'],
    ['{{range .a}}{{range $.b}}x{{else}}{{.}}{{continue}}!{{end}};{{end}}', { a: [1, 2], b: [] }, '12'],
    [
      '{{range .}}{{range .}}{{.}}{{break}}{{end}}|{{end}}',
      [
        [1, 2],
        [3, 4],
      ],
      '1|3|',
    ],
  ])('%s renders %j as %j', (source, data, expected) => {
    expect(render(source, data)).toBe(expected);
  });

  it.each([
    ['{{break}}', 'template: content:1: {{break}} outside {{range}}'],
    ['{{if .}}\n{{continue}}{{end}}', 'template: content:2: {{continue}} outside {{range}}'],
    ['{{range .}}{{else}}{{break}}{{end}}', 'template: content:1: {{break}} outside {{range}}'],
    ['{{range .}}{{define "x"}}{{break}}{{end}}{{end}}', 'template: content:1: {{break}} outside {{range}}'],
    ['{{range .}}{{break .}}{{end}}', 'template: content:1: unexpected <.> in {{break}}'],
    ['{{range .}}{{continue .Name}}{{end}}', 'template: content:1: unexpected ".Name" in {{continue}}'],
    [
      '{{range .}}{{break "a long string"}}{{end}}',
      'template: content:1: unexpected "\\"a long st"... in {{break}}',
    ],
  ])('refuses %j as Go does', (source, message) => {
    expect(() => parseTemplate(source)).toThrow(TemplateError);
    expect(() => parseTemplate(source)).toThrow(message);
  });
});
