/**
 * Which language a `{{ … }}` tag belongs to: `listmonk` (a Go-template action Listmonk fills per
 * subscriber at send time) or `build` (Handlebars, filled once per campaign by mailramp).
 */
export type TagKind = 'listmonk' | 'build';

/** One `{{ … }}` tag found in a template, with its exact source text. */
export interface TemplateTag {
  kind: TagKind;
  /** Offset of the opening `{{` in the scanned text. */
  start: number;
  /** Offset just after the closing `}}`. */
  end: number;
  /** The tag exactly as written, delimiters included. */
  text: string;
  /** The action between the delimiters, without Go's `{{- ` / ` -}}` trim markers. */
  inner: string;
}

/** A `{{` with no closing `}}`. */
export interface UnclosedTag {
  start: number;
  message: string;
}

/** What {@link scanTemplateTags} found. */
export interface TagScan {
  tags: TemplateTag[];
  unclosed: UnclosedTag[];
}

/** Handlebars built-in helpers that may open a build-time expression without `@`. */
const BUILD_HELPERS = new Set(['lookup']);

interface OpenBlock {
  kind: TagKind;
  /** Handlebars block parameters (`{{#each @items as |item|}}`), visible inside the block. */
  params: string[];
}

/**
 * Finds every `{{ … }}` tag and tells the two template languages apart.
 *
 * Build-time (Handlebars) tags are the distinct form: they start with `@` (build-time data, e.g.
 * `{{ @due_date }}`), `#`, `/name`, `^`, `>`, `!`, `&`, `{{{`, `this`, `../`, a block parameter of an
 * enclosing Handlebars block, or `lookup`; `{{ else }}` belongs to the innermost open block. Every
 * other tag — `{{ .Subscriber.… }}`, `{{ TrackLink … }}`, `{{ if … }}`, `{{ end }}`, `{{/* … *\/}}`,
 * `{{- … -}}`, `{{ template "content" . }}`, Sprig calls — is a Listmonk tag and passes through
 * untouched. In `listmonk` mode (rendered output) every tag is a Listmonk tag.
 *
 * @example
 * scanTemplateTags('Hi {{ .Subscriber.FirstName }}, due {{ @due_date }}').tags.map((t) => t.kind);
 * // ['listmonk', 'build']
 */
export function scanTemplateTags(source: string, options: { mode?: 'mixed' | 'listmonk' } = {}): TagScan {
  const mixed = (options.mode ?? 'mixed') === 'mixed';
  const tags: TemplateTag[] = [];
  const unclosed: UnclosedTag[] = [];
  const stack: OpenBlock[] = [];
  let i = source.indexOf('{{');
  while (i !== -1) {
    const found = findTagEnd(source, i);
    if (found === undefined) {
      unclosed.push({ start: i, message: 'this `{{` is never closed with `}}`' });
      break;
    }
    const text = source.slice(i, found.end);
    const kind: TagKind = mixed ? classify(found.inner, found.handlebarsOnly, stack) : 'listmonk';
    tags.push({ kind, start: i, end: found.end, text, inner: found.inner });
    if (mixed) track(kind, found.inner, stack);
    i = source.indexOf('{{', found.end);
  }
  return { tags, unclosed };
}

/** Finds where the tag opening at `start` ends, skipping string literals and Go comments. */
function findTagEnd(
  source: string,
  start: number,
): { end: number; inner: string; handlebarsOnly: boolean } | undefined {
  const delimited = (
    open: string,
    close: string,
  ): { end: number; inner: string; handlebarsOnly: boolean } | undefined => {
    const at = source.indexOf(close, start + open.length);
    return at === -1
      ? undefined
      : {
          end: at + close.length,
          inner: source.slice(start + 2, at + close.length - 2),
          handlebarsOnly: true,
        };
  };
  if (source.startsWith('{{{{', start)) return delimited('{{{{', '}}}}');
  if (source.startsWith('{{{', start)) return delimited('{{{', '}}}');
  if (source.startsWith('{{!--', start)) return delimited('{{!--', '--}}');
  let j = start + 2;
  while (j < source.length) {
    const c = source[j];
    if (c === '"' || c === "'" || c === '`') {
      const close = skipQuoted(source, j, c);
      if (close === undefined) return undefined;
      j = close;
      continue;
    }
    if (c === '/' && source[j + 1] === '*') {
      const close = source.indexOf('*/', j + 2);
      if (close === -1) return undefined;
      j = close + 2;
      continue;
    }
    if (c === '}' && source[j + 1] === '}') {
      let inner = source.slice(start + 2, j);
      if (inner.startsWith('- ')) inner = inner.slice(2);
      if (inner.endsWith(' -')) inner = inner.slice(0, -2);
      return { end: j + 2, inner, handlebarsOnly: false };
    }
    j++;
  }
  return undefined;
}

/** Returns the offset after the closing quote, or undefined when the literal never closes. */
function skipQuoted(source: string, open: number, quote: string): number | undefined {
  let j = open + 1;
  while (j < source.length) {
    const c = source[j];
    if (c === '\\' && quote !== '`') {
      j += 2;
      continue;
    }
    if (c === quote) return j + 1;
    // A quote never spans a line in a Go action except a raw string; stop at `}}` on a new line
    // so one stray apostrophe does not swallow the rest of the file.
    if (c === '\n' && quote !== '`') return undefined;
    j++;
  }
  return undefined;
}

function classify(inner: string, handlebarsOnly: boolean, stack: readonly OpenBlock[]): TagKind {
  if (handlebarsOnly) return 'build';
  const body = inner.replace(/^~/, '').trimStart();
  if (inner.startsWith('~')) return 'build';
  const first = body[0];
  if (first === undefined) return 'listmonk';
  if ('@#^>!&'.includes(first)) return 'build';
  if (first === '/' && body[1] !== '*') return 'build';
  if (/^(?:this\b|\.\.\/|\.\/)/.test(body)) return 'build';
  const word = /^[A-Za-z_][\w-]*/.exec(body)?.[0];
  if (word === undefined) return 'listmonk';
  if (word === 'else') return stack.at(-1)?.kind ?? 'listmonk';
  if (BUILD_HELPERS.has(word)) return 'build';
  const root = word.split('.')[0] ?? word;
  if (stack.some((b) => b.kind === 'build' && b.params.includes(root))) return 'build';
  return 'listmonk';
}

function track(kind: TagKind, inner: string, stack: OpenBlock[]): void {
  const body = inner.replace(/^~/, '').replace(/~$/, '').trim();
  if (kind === 'build') {
    if (body.startsWith('#') || (body.startsWith('^') && body.length > 1)) {
      const params = /\bas\s+\|([^|]*)\|/.exec(body)?.[1]?.trim().split(/\s+/) ?? [];
      stack.push({ kind, params });
    } else if (body.startsWith('/')) {
      popLast(stack, 'build');
    }
    return;
  }
  const keyword = /^(if|range|with|define|block|end)\b/.exec(body)?.[1];
  if (keyword === undefined) return;
  if (keyword === 'end') popLast(stack, 'listmonk');
  else stack.push({ kind, params: [] });
}

function popLast(stack: OpenBlock[], kind: TagKind): void {
  for (let k = stack.length - 1; k >= 0; k--) {
    if (stack[k]?.kind === kind) {
      stack.splice(k, 1);
      return;
    }
  }
}
