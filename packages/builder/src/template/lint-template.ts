import { isTemplateFunction, type ListmonkVersion } from '@mailramp/listmonk';
import Handlebars from 'handlebars';
import { BuilderError } from '../errors.js';
import { checkTrackLinkCall, TRACKLINK_VERSIONS, trackLinkRangeOf } from './check-track-link-call.js';
import { createTagVault } from './create-tag-vault.js';
import { findMissingAttributeUses, guaranteedAttributesOf } from './find-missing-attribute-uses.js';
import { suggestFunction } from './go-template-names.js';
import { lintLinks } from './lint-links.js';
import { LINT_RULES, type LintFinding, type LintRuleId } from './lint-rules.js';
import { listUsedPartials } from './list-used-partials.js';
import { locate, offsetOf } from './locate.js';
import { parseGoAction } from './parse-go-action.js';
import type { TemplateFile, TemplateSection } from './parse-template-file.js';
import { type RenderedAltbody, renderAltbody } from './render-altbody.js';
import { type BuildData, renderTemplate } from './render-template.js';
import { scanTemplateTags, type TemplateTag } from './scan-template-tags.js';

/** Options for {@link lintTemplate}. */
export interface LintTemplateOptions {
  /** Partials by name; when given, `{{> name }}` must name one of them. */
  partials?: ReadonlyMap<string, TemplateFile>;
  /**
   * Build data (a template's sample data, or the build's own). When given, the template is rendered
   * with it and the rendered body is checked too (unsubscribe link, postal address, text part).
   */
  data?: BuildData;
  /** `template` (a campaign body, the default) or `partial` (no whole-body rules). */
  kind?: 'template' | 'partial';
  /**
   * The Listmonk versions the template is written for (`listmonk.instances.*.version`): a TrackLink
   * form that breaks on any of them is an error. Default: one version of each TrackLink behaviour,
   * v2 to v6 ({@link TRACKLINK_VERSIONS}).
   */
  listmonkVersions?: readonly ListmonkVersion[];
  /**
   * Subscriber attributes every recipient has; default: what the build writes for the template's
   * vertical (its name's first part), {@link guaranteedAttributesOf}.
   */
  guaranteedAttributes?: ReadonlySet<string>;
}

const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);
const REMOVED_BY_LISTMONK = new Set(['env', 'expandenv', 'getHostByName']);

const POSTAL_ADDRESS = [
  /\b(?:A[LKSZRP]|C[AOT]|D[EC]|F[LM]|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEHINOPST]|N[CDEHJMVY]|O[HKR]|P[ARW]|RI|S[CD]|T[NX]|UT|V[AIT]|W[AIVY])\.?,?\s+\d{5}(?:-\d{4})?\b/,
  /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/,
  /\bP\.?\s?O\.?\s+Box\s+\d+/i,
];

/**
 * Lints one template or partial: the rules of `LINT_RULES`, each finding with file:line:column.
 * With `data`, the template is also rendered and the rendered HTML and text part are checked.
 *
 * @example
 * const findings = lintTemplate(file, { partials: set.partials, data: set.samples.get(file.name) });
 */
export function lintTemplate(file: TemplateFile, options: LintTemplateOptions = {}): LintFinding[] {
  const findings = lintTemplateSource(file, options);
  if ((options.kind ?? 'template') === 'partial') return findings;
  if (options.data === undefined) {
    const bodies = [file, ...listUsedPartials(file, options.partials)];
    if (
      !bodies.some((f) => scanTemplateTags(f.body.text).tags.some((t) => callsFunction(t, 'UnsubscribeURL')))
    ) {
      findings.push(finding(file, 'missing-unsubscribe', file.body.offset, UNSUBSCRIBE_MESSAGE));
    }
    return findings;
  }
  if (findings.some((f) => f.rule === 'unclosed-tag' || f.rule === 'build-syntax')) return findings;
  let html: string;
  try {
    html = renderTemplate(file, options.data, { partials: options.partials ?? new Map() }).html;
  } catch (error) {
    if (!(error instanceof BuilderError)) throw error;
    const at = error.location ?? { line: 1, column: 1 };
    const rule: LintRuleId = error.code === 'TEMPLATE_DATA_INVALID' ? 'build-value-missing' : 'build-syntax';
    findings.push({
      file: file.path,
      line: at.line,
      column: at.column,
      rule,
      severity: 'error',
      message: stripWhere(error.message),
    });
    return findings;
  }
  findings.push(...lintRenderedCampaign({ file: file.path, html, altbody: renderAltbody(html) }, findings));
  return findings;
}

/** The source rules only (no rendering): syntax, functions, balance, links. */
export function lintTemplateSource(file: TemplateFile, options: LintTemplateOptions = {}): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const section of [file.subject, file.body]) {
    if (section !== undefined) lintSection(file, section, options, findings, section === file.subject);
  }
  // {{ TrackView }} renders a whole <img> tag: inside an attribute html/template's URL filter
  // turns it into #ZgotmplZ (LISTMONK.md, Template language).
  for (const m of file.body.text.matchAll(TRACKVIEW_IN_ATTRIBUTE)) {
    findings.push(
      finding(
        file,
        'trackview-in-attribute',
        file.body.offset + m.index + m[0].indexOf('{{'),
        '{{ TrackView }} renders a whole <img> tag, so inside an attribute Listmonk ships src="#ZgotmplZ" and open tracking is dead; write {{ TrackView }} bare, in text position (e.g. <div class="altbody-skip">{{ TrackView }}</div>)',
      ),
    );
  }
  return findings;
}

/** `{{ TrackView }}` inside a quoted (or unquoted) attribute value of a tag. */
const TRACKVIEW_IN_ATTRIBUTE = /<[A-Za-z][^<>]*=\s*(?:"[^"]*|'[^']*|)\{\{-?\s*TrackView\b/g;

/**
 * Checks a rendered campaign: an unsubscribe link and a postal address in the body, a text part
 * whose Listmonk actions are still balanced, and the links as they will be sent (a build-time value
 * can put a bad URL where the source looked fine). Positions are in the rendered HTML.
 */
export function lintRenderedCampaign(
  input: { file: string; html: string; altbody: RenderedAltbody },
  /** Findings of the source: a link problem the source already shows is not repeated. */
  sourceFindings: readonly LintFinding[] = [],
): LintFinding[] {
  const seen = new Set(sourceFindings.map((f) => `${f.rule}|${f.message}`));
  const rendered: TemplateFile = {
    name: input.file,
    path: input.file,
    source: input.html,
    body: { text: input.html, offset: 0 },
  };
  const findings: LintFinding[] = [];
  const scan = scanTemplateTags(input.html, { mode: 'listmonk' });
  if (!scan.tags.some((t) => callsFunction(t, 'UnsubscribeURL'))) {
    findings.push(finding(rendered, 'missing-unsubscribe', 0, UNSUBSCRIBE_MESSAGE));
  }
  const visibleText = input.altbody.text.replace(/\{\{[\s\S]*?\}\}/g, ' ');
  if (!POSTAL_ADDRESS.some((re) => re.test(visibleText))) {
    findings.push(
      finding(
        rendered,
        'missing-postal-address',
        0,
        'the rendered body shows no postal address (street, city, state and ZIP, or a P.O. Box); CAN-SPAM requires one in every commercial message — put it in the footer partial',
      ),
    );
  }
  const broken = input.altbody.omitted.filter((t) => {
    const keyword = parseGoAction(t.inner).keyword;
    return keyword !== undefined && (OPENERS.has(keyword) || keyword === 'else' || keyword === 'end');
  });
  if (broken.length > 0 && !isBalanced(scanTemplateTags(input.altbody.text, { mode: 'listmonk' }).tags)) {
    const first = broken[0] as TemplateTag;
    findings.push(
      finding(
        rendered,
        'altbody-broken-action',
        first.start,
        `${broken.map((t) => t.text).join(', ')} sit inside an attribute, <style> or <img src>, which the text part leaves out, so its Listmonk actions no longer balance (Listmonk refuses to compile it); move the action around whole elements`,
      ),
    );
  }
  const vault = createTagVault();
  const text = vault.protect(input.html, scan.tags);
  for (const p of lintLinks(text, scan.tags, vault)) {
    if (!seen.has(`${p.rule}|${p.message}`))
      findings.push(finding(rendered, p.rule, p.offset, `${RENDERED_PREFIX}${p.message}`));
  }
  return findings;
}

const RENDERED_PREFIX = 'in the rendered HTML: ';

const UNSUBSCRIBE_MESSAGE =
  'the body has no unsubscribe link; add <a href="{{ UnsubscribeURL }}">Unsubscribe</a> (CAN-SPAM, and Gmail/Yahoo bulk-sender rules) — the footer partial has one';

function lintSection(
  file: TemplateFile,
  section: TemplateSection,
  options: LintTemplateOptions,
  findings: LintFinding[],
  isSubject: boolean,
): void {
  const partials = options.partials;
  const emit = (rule: LintRuleId, offset: number, message: string) =>
    findings.push(finding(file, rule, section.offset + offset, message));
  const scan = scanTemplateTags(section.text);
  for (const u of scan.unclosed)
    emit('unclosed-tag', u.start, `${u.message}; a Listmonk or build-time tag must end on "}}"`);

  if (scan.unclosed.length === 0) checkHandlebars(section.text, scan.tags, partials, emit);
  checkBalance(scan.tags, emit);
  for (const tag of scan.tags) {
    if (tag.kind !== 'listmonk') continue;
    const action = parseGoAction(tag.inner);
    for (const fn of action.functions) {
      if (isTemplateFunction(fn.text)) continue;
      emit(
        'unknown-function',
        tag.start,
        REMOVED_BY_LISTMONK.has(fn.text)
          ? `${tag.text}: Listmonk removes Sprig's "${fn.text}" from templates`
          : `${tag.text}: "${fn.text}" is not a function Listmonk has (its own, Go's built-ins, Sprig's)${suggestFunction(fn.text)}`,
      );
    }
    if (action.calls.some((c) => c.name === 'TrackLink')) lintTrackLink(tag, options.listmonkVersions, emit);
  }
  const guaranteed = options.guaranteedAttributes ?? guaranteedAttributesOf(file.name);
  for (const use of findMissingAttributeUses(scan.tags, guaranteed, { textTemplate: isSubject })) {
    const guard = `{{ if .Subscriber.Attribs.${use.attribute} }} … {{ end }}`;
    emit(
      'attribute-may-be-missing',
      use.tag.start,
      use.how === 'print'
        ? `${use.tag.text} in the subject: a recipient without the attribute "${use.attribute}" gets a subject showing "<no value>" (Listmonk renders the subject with text/template); the build guarantees only ${[...guaranteed].join(', ')} — guard it with ${guard} or leave it out of the subject`
        : use.how === 'nil'
          ? `${use.tag.text}${isSubject ? ' in the subject' : ''}: a recipient without the attribute "${use.attribute}" passes nil to ${use.fn}, and Listmonk sends the message showing "${use.shows}"; the build guarantees only ${[...guaranteed].join(', ')} — guard it with ${guard}, or give a fallback with default`
          : `${use.tag.text}: a recipient without the attribute "${use.attribute}" passes nil to ${use.fn}, and Listmonk skips that message ("invalid value; expected string"); the build guarantees only ${[...guaranteed].join(', ')} — guard it with ${guard}`,
    );
  }
  const vault = createTagVault();
  const text = vault.protect(section.text, scan.tags);
  for (const p of lintLinks(text, scan.tags, vault)) emit(p.rule, p.offset, p.message);
}

function lintTrackLink(
  tag: TemplateTag,
  configured: readonly ListmonkVersion[] | undefined,
  emit: (rule: LintRuleId, offset: number, message: string) => void,
): void {
  const versions = configured ?? TRACKLINK_VERSIONS;
  const verdict = checkTrackLinkCall(tag.text, versions);
  if (verdict === undefined) return;
  const names = (vs: readonly ListmonkVersion[]) =>
    [
      ...new Set(
        vs.map((v) => (configured === undefined ? trackLinkRangeOf(v) : `${v.raw} (${trackLinkRangeOf(v)})`)),
      ),
    ].join(', ');
  const whose =
    configured === undefined
      ? 'no Listmonk version is configured, so every version v2–v6 counts'
      : `written for ${versions.map((v) => v.raw).join(', ')}`;
  const fix =
    verdict.fix === undefined
      ? 'no TrackLink form works on all of them: use a direct (untracked) href, or configure only the version you run (listmonk.instances.<name>.version)'
      : `write ${verdict.fix}`;
  if (verdict.missingDot.length > 0) {
    emit(
      'tracklink-missing-dot',
      tag.start,
      `${tag.text}: on Listmonk ${names(verdict.missingDot)} TrackLink gets 1 argument — that version does not add the subscriber "." to this form; the campaign saves, but every message then fails ("wrong number of args for TrackLink: want 2 got 1"); ${whose}; ${fix}`,
    );
  }
  if (verdict.extraDot.length > 0) {
    emit(
      'tracklink-extra-dot',
      tag.start,
      `${tag.text}: on Listmonk ${names(verdict.extraDot)} the rewrite appends " ." to every TrackLink call, so this one gets 3 arguments; the campaign saves, but every message then fails ("wrong number of args for TrackLink: want 2 got 3"); ${whose}; ${fix}`,
    );
  }
}

function checkHandlebars(
  source: string,
  tags: readonly TemplateTag[],
  partials: ReadonlyMap<string, TemplateFile> | undefined,
  emit: (rule: LintRuleId, offset: number, message: string) => void,
): void {
  const text = createTagVault().protect(
    source,
    tags.filter((t) => t.kind === 'listmonk'),
  );
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const line = Number(/Parse error on line (\d+)/.exec(message)?.[1] ?? 1);
    const expecting = message.split('\n').at(-1) ?? '';
    emit('build-syntax', offsetOf(text, line, 1), `build-time (Handlebars) syntax error: ${expecting}`);
    return;
  }
  if (partials === undefined) return;
  const visitor = new Handlebars.Visitor();
  const check = (partial: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement) => {
    const name = (partial.name as hbs.AST.PathExpression).original;
    // `{{> @partial-block }}` is the block a layout wraps, not a file.
    if (typeof name === 'string' && !name.startsWith('@') && !partials.has(name)) {
      emit(
        'build-syntax',
        offsetOf(text, partial.loc.start.line, partial.loc.start.column + 1),
        `partial "${name}" does not exist; partials are templates/partials/<name>.html (have: ${[...partials.keys()].join(', ') || 'none'})`,
      );
    }
  };
  visitor.PartialStatement = check;
  visitor.PartialBlockStatement = (block: hbs.AST.PartialBlockStatement) => {
    check(block);
    Handlebars.Visitor.prototype.PartialBlockStatement.call(visitor, block);
  };
  visitor.accept(ast);
}

interface OpenBlock {
  kind: 'listmonk' | 'build';
  tag: TemplateTag;
  keyword: string;
}

function checkBalance(
  tags: readonly TemplateTag[],
  emit: (rule: LintRuleId, offset: number, message: string) => void,
): void {
  const stack: OpenBlock[] = [];
  for (const tag of tags) {
    if (tag.kind === 'build') {
      const body = tag.inner.replace(/^~/, '').trim();
      if (/^[#^]\S/.test(body)) stack.push({ kind: 'build', tag, keyword: body });
      else if (body.startsWith('/')) {
        const top = stack.at(-1);
        if (top?.kind === 'listmonk') {
          emit(
            'unbalanced-action',
            tag.start,
            `${tag.text} closes a build-time block while ${top.tag.text} (Listmonk) is still open inside it; close the Listmonk block first`,
          );
        }
        popLast(stack, 'build');
      }
      continue;
    }
    const keyword = parseGoAction(tag.inner).keyword;
    if (keyword === undefined) continue;
    if (OPENERS.has(keyword)) stack.push({ kind: 'listmonk', tag, keyword });
    else if (keyword === 'else') {
      const top = stack.at(-1);
      if (top === undefined || top.kind !== 'listmonk' || !['if', 'range', 'with'].includes(top.keyword)) {
        emit(
          'unbalanced-action',
          tag.start,
          `${tag.text} has no {{ if }}, {{ range }} or {{ with }} open to continue`,
        );
      }
    } else if (keyword === 'end') {
      const top = stack.at(-1);
      if (top === undefined || !stack.some((b) => b.kind === 'listmonk')) {
        emit(
          'unbalanced-action',
          tag.start,
          `${tag.text} closes nothing: there is no open {{ if }}, {{ range }}, {{ with }}, {{ define }} or {{ block }}`,
        );
        continue;
      }
      if (top.kind === 'build') {
        emit(
          'unbalanced-action',
          tag.start,
          `${tag.text} closes a Listmonk block across the build-time block ${top.tag.text}; keep each block inside the other`,
        );
      }
      popLast(stack, 'listmonk');
    }
  }
  for (const open of stack) {
    if (open.kind === 'listmonk') {
      emit('unbalanced-action', open.tag.start, `${open.tag.text} is never closed with {{ end }}`);
    }
  }
}

function isBalanced(tags: readonly TemplateTag[]): boolean {
  let depth = 0;
  for (const tag of tags) {
    const keyword = parseGoAction(tag.inner).keyword;
    if (keyword !== undefined && OPENERS.has(keyword)) depth++;
    else if (keyword === 'end' && --depth < 0) return false;
    else if (keyword === 'else' && depth === 0) return false;
  }
  return depth === 0;
}

function popLast(stack: OpenBlock[], kind: OpenBlock['kind']): void {
  for (let k = stack.length - 1; k >= 0; k--) {
    if (stack[k]?.kind === kind) {
      stack.splice(k, 1);
      return;
    }
  }
}

function callsFunction(tag: TemplateTag, name: string): boolean {
  return tag.kind === 'listmonk' && parseGoAction(tag.inner).calls.some((c) => c.name === name);
}

function finding(file: TemplateFile, rule: LintRuleId, offset: number, message: string): LintFinding {
  return {
    file: file.path,
    ...locate(file.source, offset),
    rule,
    severity: LINT_RULES[rule].severity,
    message,
  };
}

/** Drops the leading `path:line:col: ` of a BuilderError message (the finding carries it). */
function stripWhere(message: string): string {
  return message.replace(/^\S+?:\d+(?::\d+)?:\s*/, '');
}
