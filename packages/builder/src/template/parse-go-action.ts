import { GO_CONSTANTS, GO_KEYWORDS, type GoToken, lexGoAction } from '@mailramp/listmonk';

export type { GoToken };

/** A call of a function inside an action, with the operands it receives. */
export interface GoCall {
  name: string;
  offset: number;
  /** The operand tokens (a parenthesised group counts as one, represented by its `(`). */
  args: GoToken[];
  /** True when the call is the target of a pipe (`x | TrackLink`): it gets one more, last argument. */
  piped: boolean;
}

/** What a Listmonk action does, as far as the lint needs to know. */
export interface GoAction {
  /** `if`, `else`, `end`, `range`, … when the action starts with a keyword. */
  keyword: (typeof GO_KEYWORDS)[number] | undefined;
  comment: boolean;
  tokens: GoToken[];
  /** Every identifier that names a function (not a keyword, not true/false/nil). */
  functions: GoToken[];
  calls: GoCall[];
}

const KEYWORDS = new Set<string>(GO_KEYWORDS);
const CONSTANTS = new Set<string>(GO_CONSTANTS);
const OPERAND = new Set<GoToken['kind']>([
  'ident',
  'field',
  'var',
  'string',
  'raw',
  'char',
  'number',
  'dot',
  'lparen',
]);

/**
 * Reads the inside of a Listmonk (Go-template) action: its keyword, the functions it names and the
 * calls with their arguments — enough for the lint, not a full Go parser.
 *
 * @example
 * parseGoAction('TrackLink .Subscriber.Attribs.lp_link').calls[0]?.args.length; // 1 — the `.` is missing
 */
export function parseGoAction(inner: string): GoAction {
  const trimmed = inner.trim();
  if (trimmed.startsWith('/*'))
    return { keyword: undefined, comment: true, tokens: [], functions: [], calls: [] };
  const tokens = lexGoAction(inner);
  const first = tokens[0];
  const keyword =
    first?.kind === 'ident' && KEYWORDS.has(first.text) ? (first.text as GoAction['keyword']) : undefined;
  const functions = tokens.filter(
    (t, i) =>
      t.kind === 'ident' &&
      !CONSTANTS.has(t.text) &&
      !(KEYWORDS.has(t.text) && (i === 0 || (i === 1 && first?.text === 'else'))),
  );
  // `template "x" .`, `define "x"`, `block "x" .` name templates, not functions.
  const calls = functions.map((fn) => readCall(tokens, tokens.indexOf(fn)));
  return {
    keyword,
    comment: false,
    tokens,
    functions: functions.map((t) => ({ ...t, text: t.text.split('.')[0] ?? t.text })),
    calls,
  };
}

function readCall(tokens: readonly GoToken[], at: number): GoCall {
  const fn = tokens[at] as GoToken;
  const args: GoToken[] = [];
  let depth = 0;
  for (let k = at + 1; k < tokens.length; k++) {
    const t = tokens[k] as GoToken;
    if (depth === 0 && (t.kind === 'pipe' || t.kind === 'rparen' || t.kind === 'other')) break;
    if (depth === 0 && OPERAND.has(t.kind)) args.push(t);
    if (t.kind === 'lparen') depth++;
    if (t.kind === 'rparen') depth--;
  }
  const before = tokens[at - 1];
  return { name: fn.text.split('.')[0] ?? fn.text, offset: fn.offset, args, piped: before?.kind === 'pipe' };
}
