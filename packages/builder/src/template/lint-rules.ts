/** How bad a lint finding is: an error refuses the campaign (and fails CI); a warning does not. */
export type LintSeverity = 'error' | 'warning';

/** Every rule the template lint knows, with its severity and what it protects against. */
export const LINT_RULES = {
  'unclosed-tag': { severity: 'error', summary: 'a `{{` is never closed with `}}`' },
  'front-matter': {
    severity: 'error',
    summary: 'the front matter is not `subject:` / `description:` lines between `---`',
  },
  'build-syntax': { severity: 'error', summary: 'build-time (Handlebars) syntax error or unknown partial' },
  'build-value-missing': { severity: 'error', summary: 'a build-time value is not in the (sample) data' },
  'unknown-function': { severity: 'error', summary: 'a function Listmonk does not have' },
  'unbalanced-action': {
    severity: 'error',
    summary:
      'if/range/with/define/block without {{ end }}, {{ end }} or {{ else }} with nothing open, or blocks crossing',
  },
  'tracked-link-dynamic': {
    severity: 'error',
    summary: 'a tracked link whose URL holds a template action or percent-encoded braces (Jun 22 incident)',
  },
  'tracklink-missing-dot': {
    severity: 'error',
    summary:
      'a TrackLink call that gets no subscriber `.` on a configured Listmonk version (e.g. {{ TrackLink .X }} on v2.0.0 and v5+): every message fails',
  },
  'tracklink-extra-dot': {
    severity: 'error',
    summary:
      'a dotted {{ TrackLink X . }} on Listmonk v2.1.0–v4.x, whose rewrite adds a second `.`: every message fails',
  },
  'attribute-may-be-missing': {
    severity: 'error',
    summary:
      'an attribute the build does not guarantee passed to a function (the message is skipped) or printed in the subject (<no value>)',
  },
  'tracked-link-entity': {
    severity: 'error',
    summary: 'a tracked URL holding an HTML entity (&amp;): Listmonk registers the text literally',
  },
  'url-query-without-question': {
    severity: 'error',
    summary: 'a URL whose query starts with `&` and has no `?` (the /order/boc3-filing&utm_source=… 404)',
  },
  'trackview-in-attribute': {
    severity: 'error',
    summary: '{{ TrackView }} inside an attribute: it renders a whole <img> tag, shipped as #ZgotmplZ',
  },
  'missing-unsubscribe': {
    severity: 'error',
    summary: 'the body has no {{ UnsubscribeURL }} link (CAN-SPAM)',
  },
  'missing-postal-address': { severity: 'error', summary: 'the body shows no postal address (CAN-SPAM)' },
  'altbody-broken-action': {
    severity: 'error',
    summary:
      'a Listmonk control action sits where the text part cannot carry it, leaving the text part unbalanced',
  },
  'altbody-escaped-value': {
    severity: 'warning',
    summary:
      'a per-subscriber value in a link lands in the text part, where Listmonk HTML-escapes it (& → &amp;)',
  },
  'http-link': { severity: 'warning', summary: 'an http:// link' },
  'missing-sample-data': { severity: 'warning', summary: 'a template without <name>.sample.json next to it' },
} as const satisfies Record<string, { severity: LintSeverity; summary: string }>;

/** A lint rule id (`tracked-link-dynamic`, …). */
export type LintRuleId = keyof typeof LINT_RULES;

/** One problem the lint found, at a 1-based line and column of a file. */
export interface LintFinding {
  file: string;
  line: number;
  column: number;
  rule: LintRuleId;
  severity: LintSeverity;
  message: string;
}

/** True when any finding is an error. */
export function hasLintErrors(findings: readonly LintFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
