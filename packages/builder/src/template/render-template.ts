import Handlebars from 'handlebars';
import { BuilderError } from '../errors.js';
import { createTagVault, type TagVault } from './create-tag-vault.js';
import { listUsedPartials } from './list-used-partials.js';
import { locate, offsetOf } from './locate.js';
import type { TemplateFile, TemplateSection } from './parse-template-file.js';
import { scanTemplateTags } from './scan-template-tags.js';

/** Build-time values for one campaign, read in templates as `{{ @name }}` / `{{ @segment.title }}`. */
export type BuildData = Readonly<Record<string, unknown>>;

/** Names Handlebars uses for its own `@` variables; build data may not use them. */
const RESERVED_DATA_KEYS = ['root', 'index', 'key', 'first', 'last', 'level', 'partial-block', '_parent'];

/** Options for {@link renderTemplate}. */
export interface RenderTemplateOptions {
  /** Partials by name (`{{> footer }}`), usually `templates/partials/*.html`. */
  partials?: ReadonlyMap<string, TemplateFile>;
}

/** A template with its build-time values filled in; every Listmonk tag is still in place. */
export interface RenderedTemplate {
  subject?: string;
  html: string;
}

/**
 * Fills a template's build-time values (Handlebars) and leaves every Listmonk tag byte-identical.
 *
 * Listmonk tags are swapped for placeholders before Handlebars sees the text and swapped back after,
 * so `{{ .Subscriber.Attribs.lp_link }}`, `{{ TrackLink "…" . }}`, `{{ if … }}…{{ end }}` and
 * `{{ template "content" . }}` come out exactly as written. Build-time values use the `@` form
 * (`{{ @due_date }}`, `{{#if @coupon}}…{{/if}}`); a value missing from `data` is an error, never an
 * empty string. The body is HTML-escaped by Handlebars; the subject is not.
 *
 * @example
 * const { html } = renderTemplate(file, { due_date: 'June 2027' }, { partials });
 */
export function renderTemplate(
  template: TemplateFile,
  data: BuildData,
  options: RenderTemplateOptions = {},
): RenderedTemplate {
  checkData(data, template.path);
  const vault = createTagVault();
  const hb = Handlebars.create();
  const used = new Set(listUsedPartials(template, options.partials));
  const sources: Source[] = [];
  for (const [name, partial] of options.partials ?? new Map<string, TemplateFile>()) {
    const text = protect(partial, partial.body, vault);
    if (used.has(partial)) sources.push({ file: partial, section: partial.body, text });
    hb.registerPartial(name, text);
  }
  const html = run(hb, template, template.body, data, vault, false, sources);
  const rendered: RenderedTemplate = { html };
  if (template.subject !== undefined) {
    rendered.subject = run(hb, template, template.subject, data, vault, true, sources);
  }
  return rendered;
}

function checkData(data: BuildData, path: string): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BuilderError(
      'TEMPLATE_DATA_INVALID',
      `build data for ${path} must be a JSON object of named values`,
    );
  }
  const clash = RESERVED_DATA_KEYS.filter((key) => Object.hasOwn(data, key));
  if (clash.length > 0) {
    throw new BuilderError(
      'TEMPLATE_DATA_INVALID',
      `build data for ${path} uses ${clash.map((k) => `"${k}"`).join(', ')}, which Handlebars reserves for @${clash[0]}; rename the key`,
    );
  }
}

/** Swaps the Listmonk tags of one section for placeholders. */
function protect(file: TemplateFile, section: TemplateSection, vault: TagVault): string {
  const scan = scanTemplateTags(section.text);
  const unclosed = scan.unclosed[0];
  if (unclosed !== undefined) {
    const at = locate(file.source, section.offset + unclosed.start);
    throw new BuilderError('TEMPLATE_SYNTAX', `${file.path}:${at.line}:${at.column}: ${unclosed.message}`, {
      location: { file: file.path, ...at },
    });
  }
  return vault.protect(
    section.text,
    scan.tags.filter((t) => t.kind === 'listmonk'),
  );
}

/** A protected text and the file section it came from (to point errors at the right file). */
interface Source {
  file: TemplateFile;
  section: TemplateSection;
  text: string;
}

function run(
  hb: typeof Handlebars,
  file: TemplateFile,
  section: TemplateSection,
  data: BuildData,
  vault: TagVault,
  noEscape: boolean,
  partials: readonly Source[],
): string {
  const own: Source = { file, section, text: protect(file, section, vault) };
  for (const source of [own, ...partials]) {
    try {
      checkDataPaths(Handlebars.parse(source.text), data);
    } catch (error) {
      throw describeHandlebarsError(error, source);
    }
  }
  let out: string;
  try {
    out = hb.compile(own.text, { strict: true, preventIndent: true, noEscape })({}, { data: { ...data } });
  } catch (error) {
    throw describeHandlebarsError(error, own, partials);
  }
  return vault.restore(out);
}

/** Handlebars' own `@` variables, valid without build data. */
const HANDLEBARS_DATA = new Set(['root', 'index', 'key', 'first', 'last', 'level', 'partial-block']);

/**
 * Strict mode does not check helper arguments (`{{#if @typo}}` would quietly be false), so every
 * `@name` in the template must be a key of the data, whether or not its branch runs.
 */
function checkDataPaths(ast: hbs.AST.Program, data: BuildData): void {
  const visitor = new Handlebars.Visitor();
  visitor.PathExpression = (path: hbs.AST.PathExpression) => {
    const root = path.parts[0];
    if (!path.data || path.depth > 0 || root === undefined || HANDLEBARS_DATA.has(root)) return;
    // Walk the path while the data has objects: a null on the way is an optional value (its
    // branch does not run), a missing key is a typo.
    let value: unknown = data;
    for (const part of path.parts) {
      if (value === null || value === undefined || typeof value !== 'object') return;
      if (!Object.hasOwn(value, part)) {
        throw Object.assign(new Error(`"${part}" not defined in build data`), {
          lineNumber: path.loc.start.line,
          column: path.loc.start.column,
        });
      }
      value = (value as Record<string, unknown>)[part];
    }
  };
  visitor.accept(ast);
}

/**
 * Turns a Handlebars exception into a BuilderError that points at the file, line and column. A
 * runtime error carries no file name: it is put in the partial whose text at that line and column
 * names the missing value, when the template's own text does not.
 */
function describeHandlebarsError(
  error: unknown,
  own: Source,
  partials: readonly Source[] = [],
): BuilderError {
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const message = e.message ?? String(error);
  const missingName = /^"([^"]+)" not defined in/.exec(message)?.[1];
  let source = own;
  let offset = 0;
  if (typeof e.lineNumber === 'number') {
    const at = (s: Source) => offsetOf(s.text, e.lineNumber ?? 1, (e.column ?? 0) + 1);
    const names = (s: Source) => {
      const path = /^[@\w.\-/]+/.exec(s.text.slice(at(s)))?.[0] ?? '';
      return missingName !== undefined && (path === missingName || path.endsWith(`.${missingName}`));
    };
    source = names(own) ? own : (partials.find(names) ?? own);
    offset = at(source);
  } else {
    const line = /Parse error on line (\d+)/.exec(message)?.[1];
    if (line !== undefined) offset = offsetOf(own.text, Number(line), 1);
  }
  const { file, section, text } = source;
  const at = locate(file.source, section.offset + offset);
  const where = `${file.path}:${at.line}:${at.column}`;
  const location = { file: file.path, ...at };
  if (missingName !== undefined) {
    const path = /^[@\w.\-/]+/.exec(text.slice(offset))?.[0] ?? missingName;
    const helperCall = !path.startsWith('@') && !path.startsWith('this') && !path.includes('.');
    return new BuilderError(
      helperCall ? 'TEMPLATE_SYNTAX' : 'TEMPLATE_DATA_INVALID',
      helperCall
        ? `${where}: "${path}" is neither a build-time value nor a helper; build-time values are written {{ @name }}`
        : `${where}: build-time value ${path} is not in the data; add "${path.replace(/^@/, '')}" to the build data (or to the template's sample data) — a missing value is never rendered as empty`,
      // The build names the config key to set from `missingValue`.
      { cause: error, location, details: helperCall ? undefined : { missingValue: path.replace(/^@/, '') } },
    );
  }
  if (/^The partial (.+) could not be found/.test(message)) {
    return new BuilderError(
      'TEMPLATE_SYNTAX',
      `${file.path}: ${message.replace(/^The partial (.+) could not be found/, 'partial "$1" does not exist')}; partials live in templates/partials/<name>.html`,
      { cause: error, location: { file: file.path, line: 1, column: 1 } },
    );
  }
  const firstLine = message.split('\n')[0] ?? message;
  const detail = message.includes('Expecting') ? ` (${message.split('\n').at(-1)})` : '';
  return new BuilderError(
    'TEMPLATE_SYNTAX',
    `${where}: build-time (Handlebars) syntax: ${firstLine}${detail}`,
    { cause: error, location },
  );
}
