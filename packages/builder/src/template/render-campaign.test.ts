import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { formatLintFindings } from './format-lint-findings.js';
import type { LintFinding } from './lint-rules.js';
import { loadTemplateSet, type TemplateSet } from './load-template-set.js';
import { renderCampaign } from './render-campaign.js';

const FOOTER =
  '<p>{{ @sender }}, 1 Main St, Springfield, IL 62701 <a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>';

describe('renderCampaign', () => {
  let dir: string;
  let set: TemplateSet;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailramp-templates-'));
    mkdirSync(join(dir, 'trucking'));
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials/footer.html'), FOOTER);
    writeFileSync(
      join(dir, 'trucking/good.html'),
      '---\nsubject: Due {{ @due }} for {{ .Subscriber.Attribs.dot }}\n---\n<h1>Due {{ @due }}</h1><p><a href="{{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=x">Order</a></p>{{> footer }}',
    );
    writeFileSync(
      join(dir, 'trucking/good.sample.json'),
      '{"$comment": "ignored", "due": "July", "sender": "Acme"}',
    );
    writeFileSync(
      join(dir, 'trucking/incident.html'),
      '<p><a href="{{ .Subscriber.Attribs.lp_link }}&utm_source=x@TrackLink">Order</a></p>{{> footer }}',
    );
    writeFileSync(
      join(dir, 'trucking/warn.html'),
      '<p><a href="http://a.example/">Guide</a></p>{{> footer }}',
    );
    writeFileSync(join(dir, 'trucking/broken.html'), '---\nsubjekt: x\n---\n<p>x</p>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads templates, partials, sample data (without $ keys) and front-matter problems', async () => {
    set = await loadTemplateSet(dir);
    expect([...set.templates.keys()].sort()).toEqual(['trucking/good', 'trucking/incident', 'trucking/warn']);
    expect([...set.partials.keys()]).toEqual(['footer']);
    expect(set.samples.get('trucking/good')).toEqual({ due: 'July', sender: 'Acme' });
    expect(set.problems).toEqual([
      expect.objectContaining({ rule: 'front-matter', line: 2, severity: 'error' }),
    ]);
  });

  it('returns subject, html, altbody and findings', () => {
    const campaign = renderCampaign(set, 'trucking/good', { due: 'July', sender: 'Acme' });
    expect(campaign).toEqual({
      name: 'trucking/good',
      subject: 'Due July for {{ .Subscriber.Attribs.dot }}',
      html: `<h1>Due July</h1><p><a href="{{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=x">Order</a></p>${FOOTER.replace('{{ @sender }}', 'Acme')}`,
      altbody:
        'Due July\n\nOrder ({{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=x)\n\nAcme, 1 Main St, Springfield, IL 62701 Unsubscribe ({{ UnsubscribeURL }})\n',
      findings: [],
    });
  });

  it('keeps warnings in findings and still renders', () => {
    const campaign = renderCampaign(set, 'trucking/warn', { sender: 'Acme' });
    expect(campaign.findings.map((f) => f.rule)).toEqual(['http-link']);
  });

  it('refuses a template with lint errors (TEMPLATE_LINT_FAILED, findings in details)', () => {
    let error: unknown;
    try {
      renderCampaign(set, 'trucking/incident', { sender: 'Acme' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BuilderError);
    const builderError = error as BuilderError;
    expect(builderError.code).toBe('TEMPLATE_LINT_FAILED');
    expect(builderError.message).toContain('tracked-link-dynamic');
    expect((builderError.details as LintFinding[]).map((f) => f.rule)).toContain('tracked-link-dynamic');
    expect(
      renderCampaign(set, 'trucking/incident', { sender: 'Acme' }, { allowErrors: true }).html,
    ).toContain('@TrackLink');
  });

  it('refuses a missing build-time value, an unknown template and a broken front matter with their codes', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as BuilderError).code;
      }
      return undefined;
    };
    expect(codeOf(() => renderCampaign(set, 'trucking/good', { due: 'July' }))).toBe('TEMPLATE_DATA_INVALID');
    expect(codeOf(() => renderCampaign(set, 'trucking/nope', {}))).toBe('TEMPLATE_NOT_FOUND');
    expect(codeOf(() => renderCampaign(set, 'trucking/broken', {}))).toBe('TEMPLATE_SYNTAX');
  });
});

describe('formatLintFindings', () => {
  const findings: LintFinding[] = [
    {
      file: 'b.html',
      line: 2,
      column: 5,
      rule: 'http-link',
      severity: 'warning',
      message: 'http://x: an http:// link',
    },
    {
      file: 'a.html',
      line: 9,
      column: 1,
      rule: 'missing-unsubscribe',
      severity: 'error',
      message: 'no link,\nadd one 100%',
    },
  ];
  it.each([
    [
      'text',
      'a.html:9:1  error  no link,\nadd one 100%  [missing-unsubscribe]\nb.html:2:5  warning  http://x: an http:// link  [http-link]\n',
    ],
    [
      'github',
      '::error file=a.html,line=9,col=1,title=mailramp lint (missing-unsubscribe)::no link,%0Aadd one 100%25\n::warning file=b.html,line=2,col=5,title=mailramp lint (http-link)::http://x: an http:// link\n',
    ],
  ] as const)('%s', (format, expected) => {
    expect(formatLintFindings(findings, format)).toBe(expected);
  });

  it('json is an array of {file, line, column, rule, severity, message}, sorted', () => {
    expect(JSON.parse(formatLintFindings(findings, 'json'))).toEqual([findings[1], findings[0]]);
  });
});
