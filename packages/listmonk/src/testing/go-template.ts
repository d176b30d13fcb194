// A small Go text/template: enough of the language for Listmonk campaign bodies and templates
// (fields, map keys, string literals, pipelines, parentheses, if/else/range/with/end, break and
// continue in a range, template) to
// check that a body parses, as Listmonk does on save, and to render previews.

import { lexGoAction } from '../templates/lex-go-action.js';
import { GO_KEYWORDS, isTemplateFunction } from '../templates/template-names.js';
import { goNumber, type HtmlContext, SafeHtml } from './html-escape.js';

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'field'; path: string[] }
  | { kind: 'dot' }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'lparen' }
  | { kind: 'rparen' }
  | { kind: 'pipe' }
  | { kind: 'assign' };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; tokens: Token[]; line: number }
  | { kind: 'if' | 'with' | 'range'; tokens: Token[]; line: number; body: Node[]; elseBody: Node[] }
  | { kind: 'template'; name: string; tokens: Token[]; line: number }
  | { kind: 'break' | 'continue'; line: number };

/** A parse or execution error, worded like Go's. */
export class TemplateError extends Error {}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'template', 'define', 'block', 'nil']);

/** Go's unquoting of a "…" literal (\n, \t, \", \\, \xNN, \uNNNN …). */
function unquote(text: string): string {
  try {
    return JSON.parse(text.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
  } catch {
    return text.slice(1, -1);
  }
}

/** The renderer's tokens, from the shared lexer (lexGoAction) that the template lint also uses. */
function lex(source: string, line: number): Token[] {
  const fail = (msg: string): never => {
    throw new TemplateError(`template: content:${line}: ${msg}`);
  };
  return lexGoAction(source).map((t): Token => {
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: unquote(t.text) };
      case 'raw':
        return { kind: 'string', value: t.text.slice(1, -1) };
      case 'char':
        return { kind: 'number', value: unquote(`"${t.text.slice(1, -1)}"`).codePointAt(0) ?? 0 };
      case 'number': {
        const value = Number(t.text.replaceAll('_', ''));
        if (Number.isNaN(value)) fail(`bad number syntax: ${JSON.stringify(t.text)}`);
        return { kind: 'number', value };
      }
      case 'field':
        return { kind: 'field', path: t.text.slice(1).split('.') };
      case 'var': {
        const [name, ...path] = t.text.split('.');
        return { kind: 'var', name: name!, path };
      }
      case 'ident':
        return { kind: 'ident', name: t.text };
      case 'dot':
        return { kind: 'dot' };
      case 'lparen':
        return { kind: 'lparen' };
      case 'rparen':
        return { kind: 'rparen' };
      case 'pipe':
        return { kind: 'pipe' };
      default:
        if (t.text === ':=' || t.text === '=') return { kind: 'assign' };
        if (t.text === '"') fail('unterminated quoted string');
        if (t.text === '`') fail('unterminated raw quoted string');
        return fail(`unexpected ${JSON.stringify(t.text)} in command`);
    }
  });
}

/** Parses a template into nodes; throws TemplateError like Go's parser would. */
export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: Extract<Node, { body: Node[] }>; inElse: boolean } | { define: true }> = [];
  const target = (): Node[] => {
    const frame = stack[stack.length - 1];
    if (frame === undefined) return root;
    // A {{define}} body is parsed for errors but not kept.
    if ('define' in frame) return [];
    return frame.inElse ? frame.node.elseBody : frame.node.body;
  };
  let i = 0;
  let line = 1;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      target().push({ kind: 'text', text: source.slice(i) });
      break;
    }
    let text = source.slice(i, open);
    let start = open + 2;
    if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
      text = text.trimEnd();
      start += 1;
    }
    if (text !== '') target().push({ kind: 'text', text });
    line += (source.slice(i, open).match(/\n/g) ?? []).length;
    const close = findClose(source, start);
    if (close < 0) throw new TemplateError(`template: content:${line}: unclosed action`);
    let inner = source.slice(start, close);
    let after = close + 2;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      while (after < source.length && /\s/.test(source[after]!)) after += 1;
    }
    const actionLine = line;
    line += (source.slice(open, close).match(/\n/g) ?? []).length;
    i = after;
    const trimmed = inner.trim();
    if (trimmed.startsWith('/*')) continue;
    const tokens = lex(inner, actionLine);
    if (tokens.length === 0)
      throw new TemplateError(`template: content:${actionLine}: missing value for command`);
    const head = tokens[0]!;
    const word = head.kind === 'ident' ? head.name : undefined;
    if (word === 'if' || word === 'with' || word === 'range') {
      if (tokens.length === 1)
        throw new TemplateError(`template: content:${actionLine}: missing value for ${word}`);
      checkFunctions(tokens.slice(1), actionLine);
      const node = { kind: word, tokens: tokens.slice(1), line: actionLine, body: [], elseBody: [] } as const;
      const mutable = { ...node, body: [] as Node[], elseBody: [] as Node[] };
      target().push(mutable);
      stack.push({ node: mutable, inElse: false });
    } else if (word === 'else') {
      const frame = stack[stack.length - 1];
      if (frame === undefined || 'define' in frame)
        throw new TemplateError(`template: content:${actionLine}: unexpected {{else}}`);
      if (tokens.length > 1 && tokens[1]!.kind === 'ident' && (tokens[1] as { name: string }).name === 'if') {
        checkFunctions(tokens.slice(2), actionLine);
        const nested = {
          kind: 'if' as const,
          tokens: tokens.slice(2),
          line: actionLine,
          body: [] as Node[],
          elseBody: [] as Node[],
        };
        frame.node.elseBody.push(nested);
        frame.inElse = true;
        // `else if` closes with the same {{end}}: chain the nested node in place of the frame.
        stack[stack.length - 1] = { node: nested, inElse: false, chained: frame } as never;
      } else {
        frame.inElse = true;
      }
    } else if (word === 'end') {
      let frame = stack.pop();
      if (frame === undefined) throw new TemplateError(`template: content:${actionLine}: unexpected {{end}}`);
      while ((frame as { chained?: unknown }).chained)
        frame = (frame as unknown as { chained: typeof frame }).chained;
    } else if (word === 'break' || word === 'continue') {
      // As Go's parser: nothing after the keyword, and only in a range's body (not its else) of this
      // template (a {{define}} starts a new one).
      if (tokens.length > 1)
        throw new TemplateError(
          `template: content:${actionLine}: unexpected ${describe(tokens[1]!)} in {{${word}}}`,
        );
      let inRange = false;
      for (let k = stack.length - 1; k >= 0; k--) {
        const frame = stack[k]!;
        if ('define' in frame) break;
        if (frame.node.kind === 'range' && !frame.inElse) {
          inRange = true;
          break;
        }
      }
      if (!inRange) throw new TemplateError(`template: content:${actionLine}: {{${word}}} outside {{range}}`);
      target().push({ kind: word, line: actionLine });
    } else if (word === 'define' || word === 'block') {
      stack.push({ define: true });
    } else if (word === 'template') {
      const name = tokens[1];
      if (name?.kind !== 'string')
        throw new TemplateError(`template: content:${actionLine}: unexpected token in template clause`);
      target().push({ kind: 'template', name: name.value, tokens: tokens.slice(2), line: actionLine });
    } else {
      checkFunctions(tokens, actionLine);
      target().push({ kind: 'action', tokens, line: actionLine });
    }
  }
  if (stack.length > 0) throw new TemplateError(`template: content:${line}: unexpected EOF`);
  return root;
}

/** A token as Go's parser names it in an "unexpected" error: `<.>` for a keyword, else quoted. */
function describe(token: Token): string {
  // Go's item.String(): %q, cut to 10 characters and "..." when longer.
  const quote = (raw: string) =>
    raw.length > 10 ? `${JSON.stringify(raw.slice(0, 10))}...` : JSON.stringify(raw);
  switch (token.kind) {
    case 'string':
      return quote(JSON.stringify(token.value));
    case 'number':
      return quote(String(token.value));
    case 'field':
      return quote(`.${token.path.join('.')}`);
    case 'dot':
      return '<.>';
    case 'var':
      return quote([token.name, ...token.path].join('.'));
    case 'ident':
      return GO_KEYWORD_ITEMS.has(token.name) ? `<${token.name}>` : quote(token.name);
    case 'lparen':
      return quote('(');
    case 'rparen':
      return quote(')');
    case 'pipe':
      return quote('|');
    case 'assign':
      return quote(':=');
  }
}

/** Words Go's lexer gives as keyword items (named `<word>` in errors): the keywords and `nil`. */
const GO_KEYWORD_ITEMS = new Set<string>([...GO_KEYWORDS, 'nil']);

function findClose(source: string, from: number): number {
  let inString: string | undefined;
  for (let k = from; k < source.length; k += 1) {
    const ch = source[k]!;
    if (inString) {
      if (ch === '\\' && inString === '"') k += 1;
      else if (ch === inString) inString = undefined;
    } else if (ch === '"' || ch === '`') {
      inString = ch;
    } else if (ch === '}' && source[k + 1] === '}') {
      return k;
    } else if (
      ch === '\n' &&
      source
        .slice(k + 1)
        .trimStart()
        .startsWith('{{')
    ) {
      // Go allows newlines in actions; keep scanning.
    }
  }
  return -1;
}

function checkFunctions(tokens: Token[], line: number): void {
  for (const token of tokens) {
    if (token.kind !== 'ident') continue;
    const name = token.name.split('.')[0]!;
    if (KEYWORDS.has(name)) continue;
    if (!isTemplateFunction(name)) {
      throw new TemplateError(`template: content:${line}: function "${name}" not defined`);
    }
  }
}

/** Functions and data a render runs with. */
export interface RenderEnv {
  data: unknown;
  funcs: Record<string, (...args: unknown[]) => unknown>;
  /**
   * html/template: each printed value is escaped for where it lands (see HtmlContext); without it,
   * text/template: printed as is, a missing key as `<no value>`.
   */
  html?: HtmlContext;
  /** Named templates (`{{ template "content" . }}`). */
  templates?: Record<string, Node[]>;
}

/** Renders parsed nodes; throws TemplateError on an execution error (e.g. wrong arg count). */
export function renderNodes(nodes: Node[], env: RenderEnv, dot: unknown = env.data): string {
  return renderList(nodes, env, dot).out;
}

/** What a list of nodes rendered, and the {{break}} or {{continue}} that ended it early. */
interface Rendered {
  out: string;
  control?: 'break' | 'continue';
}

function renderList(nodes: Node[], env: RenderEnv, dot: unknown): Rendered {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        env.html?.feed(node.text);
        out += node.text;
        break;
      case 'action': {
        if (node.tokens.some((t) => t.kind === 'assign')) break;
        const value = evalPipeline(node.tokens, env, dot, node.line);
        const printed = env.html ? env.html.escape(value) : printValue(value);
        env.html?.feed(printed);
        out += printed;
        break;
      }
      case 'if':
      case 'with': {
        const value = evalPipeline(node.tokens, env, dot, node.line);
        const inner = truthy(value)
          ? renderList(node.body, env, node.kind === 'with' ? value : dot)
          : renderList(node.elseBody, env, dot);
        out += inner.out;
        // A {{break}} or {{continue}} inside ends the range around this {{if}} or {{with}}'s turn.
        if (inner.control !== undefined) return { out, control: inner.control };
        break;
      }
      case 'range': {
        const value = evalPipeline(node.tokens, env, dot, node.line);
        const items = Array.isArray(value)
          ? value
          : value && typeof value === 'object'
            ? Object.values(value)
            : [];
        if (items.length === 0) {
          // Its {{else}} belongs to the range around it: a {{break}} there ends that one.
          const otherwise = renderList(node.elseBody, env, dot);
          out += otherwise.out;
          if (otherwise.control !== undefined) return { out, control: otherwise.control };
        }
        for (const item of items) {
          const turn = renderList(node.body, env, item);
          out += turn.out;
          if (turn.control === 'break') break;
        }
        break;
      }
      case 'break':
      case 'continue':
        return { out, control: node.kind };
      case 'template': {
        const named = env.templates?.[node.name];
        if (named === undefined)
          throw new TemplateError(`template: content:${node.line}: no such template "${node.name}"`);
        const arg = node.tokens.length > 0 ? evalPipeline(node.tokens, env, dot, node.line) : undefined;
        out += renderNodes(named, env, arg);
        break;
      }
    }
  }
  return { out };
}

function printValue(value: unknown): string {
  if (value === undefined || value === null) return '<no value>';
  if (value instanceof SafeHtml) return value.html;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function fieldOf(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function evalPipeline(tokens: Token[], env: RenderEnv, dot: unknown, line: number): unknown {
  const commands: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'lparen') depth += 1;
    if (token.kind === 'rparen') depth -= 1;
    if (token.kind === 'pipe' && depth === 0) commands.push([]);
    else commands[commands.length - 1]!.push(token);
  }
  let piped: { value: unknown } | undefined;
  for (const command of commands) {
    piped = { value: evalCommand(command, env, dot, line, piped) };
  }
  return piped?.value;
}

function evalCommand(
  tokens: Token[],
  env: RenderEnv,
  dot: unknown,
  line: number,
  piped?: { value: unknown },
): unknown {
  const operands: Array<Token | Token[]> = [];
  for (let k = 0; k < tokens.length; k += 1) {
    const token = tokens[k]!;
    if (token.kind === 'lparen') {
      let depth = 1;
      let j = k + 1;
      for (; j < tokens.length; j += 1) {
        if (tokens[j]!.kind === 'lparen') depth += 1;
        if (tokens[j]!.kind === 'rparen') depth -= 1;
        if (depth === 0) break;
      }
      operands.push(tokens.slice(k + 1, j));
      k = j;
    } else {
      operands.push(token);
    }
  }
  const head = operands[0];
  const value = (operand: Token | Token[]): unknown => {
    if (Array.isArray(operand)) return evalPipeline(operand, env, dot, line);
    switch (operand.kind) {
      case 'string':
      case 'number':
        return operand.value;
      case 'dot':
        return dot;
      case 'field':
        return fieldOf(dot, operand.path);
      case 'var':
        return fieldOf(env.data, operand.path);
      case 'ident':
        return call(operand.name, [], env, line);
      default:
        return undefined;
    }
  };
  if (head !== undefined && !Array.isArray(head) && head.kind === 'ident' && head.name !== 'nil') {
    const args = operands.slice(1).map(value);
    if (piped) args.push(piped.value);
    return call(head.name, args, env, line);
  }
  if (operands.length > 1)
    throw new TemplateError(`template: content:${line}: can't give argument to non-function`);
  return head === undefined ? piped?.value : value(head);
}

/**
 * Functions whose parameters are Go strings: a missing key (or nil) passed to one fails the render
 * ("invalid value; expected string"), where Go would otherwise print `<no value>`.
 */
const STRING_PARAMS = new Set([
  'TrackLink',
  'L.T',
  'Safe',
  'upper',
  'lower',
  'trim',
  'replace',
  'contains',
  'hasPrefix',
]);

function call(name: string, args: unknown[], env: RenderEnv, line: number): unknown {
  const fn = env.funcs[name] ?? BUILTINS[name];
  if (fn === undefined) throw new TemplateError(`template: content:${line}: function "${name}" not defined`);
  // TrackLink's second parameter is the template data (the trailing dot), not a string.
  const strings = name === 'TrackLink' ? args.slice(0, 1) : args;
  if (STRING_PARAMS.has(name) && strings.some((a) => a === undefined || a === null)) {
    throw new TemplateError(
      `template: content:${line}: executing "content" at <${name}>: invalid value; expected string`,
    );
  }
  try {
    return fn(...args);
  } catch (error) {
    throw new TemplateError(
      `template: content:${line}: executing "content" at <${name}>: ${(error as Error).message}`,
    );
  }
}

/** One value as Go's fmt prints it with %v: a nil is `<nil>`, an attribute number a float64. */
function goValue(arg: unknown): string {
  if (arg === undefined || arg === null) return '<nil>';
  if (typeof arg === 'number') return goNumber(arg);
  if (typeof arg === 'object') return JSON.stringify(arg);
  return String(arg);
}

/** fmt.Sprint: a space between two operands when neither is a string. */
function goPrint(args: unknown[]): string {
  let out = '';
  args.forEach((arg, k) => {
    if (k > 0 && typeof arg !== 'string' && typeof args[k - 1] !== 'string') out += ' ';
    out += goValue(arg);
  });
  return out;
}

/** fmt.Sprintf for the verbs templates use (%s %v %d %q %%); a wrong type prints as Go's `%!s(…)`. */
function goPrintf(format: unknown, args: unknown[]): string {
  let k = 0;
  return String(format).replace(/%[sdvq%]/g, (verb) => {
    if (verb === '%%') return '%';
    if (k >= args.length) return `%!${verb[1]}(MISSING)`;
    const arg = args[k++];
    if (verb === '%v') return goValue(arg);
    const bad = () =>
      `%!${verb[1]}(${arg === undefined || arg === null ? '<nil>' : `${typeof arg === 'number' ? 'float64' : typeof arg}=${goValue(arg)}`})`;
    // An integer literal in the template is a Go int; an attribute number (a float64) is not,
    // but the stand-in cannot tell them apart.
    if (verb === '%d') return typeof arg === 'number' && Number.isInteger(arg) ? String(arg) : bad();
    if (typeof arg !== 'string') return bad();
    return verb === '%q' ? JSON.stringify(arg) : arg;
  });
}

const BUILTINS: Record<string, (...args: unknown[]) => unknown> = {
  print: (...a) => goPrint(a),
  println: (...a) => `${a.map(goValue).join(' ')}\n`,
  printf: (format, ...a) => goPrintf(format, a),
  index: (collection, ...keys) => {
    let current = collection;
    for (const key of keys) current = fieldOf(current, [String(key)]);
    return current;
  },
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  not: (a) => !truthy(a),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  len: (a) =>
    typeof a === 'string' || Array.isArray(a)
      ? a.length
      : a && typeof a === 'object'
        ? Object.keys(a).length
        : 0,
  upper: (s) => String(s).toUpperCase(),
  lower: (s) => String(s).toLowerCase(),
  trim: (s) => String(s).trim(),
  default: (fallback, value) => (truthy(value) ? value : fallback),
  replace: (from, to, s) => String(s).replaceAll(String(from), String(to)),
  contains: (needle, s) => String(s).includes(String(needle)),
  hasPrefix: (prefix, s) => String(s).startsWith(String(prefix)),
  urlquery: (...a) => encodeURIComponent(goPrint(a)),
  Safe: (s) => new SafeHtml(String(s)),
};
