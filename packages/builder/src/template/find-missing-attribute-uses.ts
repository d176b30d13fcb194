import { parseGoAction } from './parse-go-action.js';
import type { TemplateTag } from './scan-template-tags.js';

/**
 * Subscriber attributes the daily build writes for every recipient of a vertical, never null
 * (`subscriberOf()` in build/plan-build.ts). Every other key (`filed_link`, `coupon`, `due_date`,
 * `state`, `clia_expires`, …) may be absent or null for some recipient.
 */
export const GUARANTEED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  trucking: ['dot', 'legal_name', 'dot_check_link', 'lp_link', 'segment'],
  healthcare: ['npi', 'provider_name', 'facility_name', 'lp_link', 'segment'],
};

/** The attributes guaranteed for a template name (`trucking/…`); partials get the shared ones. */
export function guaranteedAttributesOf(templateName: string): ReadonlySet<string> {
  const vertical = templateName.split('/')[0] ?? '';
  const shared = Object.values(GUARANTEED_ATTRIBUTES).reduce((a, b) => a.filter((k) => b.includes(k)));
  return new Set(GUARANTEED_ATTRIBUTES[vertical] ?? shared);
}

/**
 * Functions whose parameters are `any` in Go (or take reflect values): a missing key reaches them
 * as nil without an error. Every other function has a typed parameter (`Safe(string)`,
 * `TrackLink(string, …)`, Sprig's `upper(string)`, …), and Go's text/template refuses a nil there
 * (`invalid value; expected string`): Listmonk skips that subscriber's message.
 */
const NIL_SAFE = new Set([
  'default',
  'empty',
  'coalesce',
  'ternary',
  'toJson',
  'toPrettyJson',
  'toRawJson',
  'quote',
  'squote',
  'eq',
  'ne',
  'not',
  'and',
  'or',
  'kindOf',
  'typeOf',
]);

/**
 * Functions that take `any` but print a nil into the message: `fmt.Sprint(nil)` is `<nil>`
 * (`print`, `println`, Sprig's `toString`, `printf`'s `%v`; `%s` gives `%!s(<nil>)`), and Go's
 * `html`, `js` and `urlquery` print a nil as `<no value>`. The message is sent, showing that.
 */
const NIL_PRINTED: ReadonlyMap<string, string> = new Map([
  ['print', '<nil>'],
  ['println', '<nil>'],
  ['toString', '<nil>'],
  ['printf', '%!s(<nil>) (or <nil> with %v)'],
  ['html', '<no value>'],
  ['js', '<no value>'],
  ['urlquery', '%3Cno+value%3E'],
]);

/** One use of an attribute a recipient may lack, where Listmonk would break on it. */
export interface MissingAttributeUse {
  tag: TemplateTag;
  attribute: string;
  /**
   * `function`: passed to a function with a typed parameter (the message is skipped); `nil`: passed
   * to one that prints a nil (the message shows `shows`); `print`: printed in text/template.
   */
  how: 'function' | 'nil' | 'print';
  /** The function it is passed to (for `function` and `nil`). */
  fn?: string;
  /** What the message shows instead of the value (for `nil`). */
  shows?: string;
}

const ATTRIBUTE = /^\.Subscriber\.Attribs\.([A-Za-z_]\w*)$/;

/**
 * Finds attributes that may be missing where Listmonk breaks on a missing one: passed to a function
 * with a typed parameter (the message fails and is skipped), and — with `textTemplate` (the subject)
 * — printed, which shows `<no value>`. A use inside `{{ if .Subscriber.Attribs.x }}` or
 * `{{ with … }}` (not its `{{ else }}`) is guarded.
 *
 * @example
 * findMissingAttributeUses(tags, new Set(['lp_link']), { textTemplate: false });
 */
export function findMissingAttributeUses(
  tags: readonly TemplateTag[],
  guaranteed: ReadonlySet<string>,
  options: { textTemplate: boolean },
): MissingAttributeUse[] {
  const found: MissingAttributeUse[] = [];
  const frames: Set<string>[] = [];
  const guarded = (key: string) => guaranteed.has(key) || frames.some((f) => f.has(key));
  for (const tag of tags) {
    if (tag.kind !== 'listmonk') continue;
    const action = parseGoAction(tag.inner);
    if (action.comment) continue;
    const { keyword, tokens } = action;
    if (keyword === 'if' || keyword === 'with') {
      frames.push(guardsOf(tokens.slice(1)));
      continue;
    }
    if (keyword === 'range' || keyword === 'define' || keyword === 'block') {
      frames.push(new Set());
      continue;
    }
    if (keyword === 'end') {
      frames.pop();
      continue;
    }
    if (keyword === 'else') {
      frames.pop();
      const rest = tokens.slice(1);
      frames.push(rest[0]?.text === 'if' || rest[0]?.text === 'with' ? guardsOf(rest.slice(1)) : new Set());
      continue;
    }
    if (keyword !== undefined) continue;
    for (const call of action.calls) {
      if (NIL_SAFE.has(call.name)) continue;
      const operands = call.args.map((arg) =>
        arg.kind === 'lparen' ? groupAt(tokens, tokens.indexOf(arg)) : [arg],
      );
      if (call.piped) {
        // The value piped in is the previous command's.
        const at = tokens.findIndex((t) => t.offset === call.offset);
        const before = tokens.slice(0, at - 1);
        operands.push(before.slice(before.map((t) => t.kind).lastIndexOf('pipe') + 1));
      }
      operands.forEach((operand, k) => {
        const key = attributeOf(operand);
        if (key === undefined || guarded(key)) return;
        // printf's format is a string; the values after it are printed.
        const shows = call.name === 'printf' && k === 0 ? undefined : NIL_PRINTED.get(call.name);
        found.push(
          shows === undefined
            ? { tag, attribute: key, how: 'function', fn: call.name }
            : { tag, attribute: key, how: 'nil', fn: call.name, shows },
        );
      });
    }
    if (options.textTemplate) {
      const key = attributeOf(tokens);
      if (key !== undefined && !guarded(key)) found.push({ tag, attribute: key, how: 'print' });
    }
  }
  return found;
}

type Tokens = ReturnType<typeof parseGoAction>['tokens'];

/** The attribute a command reads as a whole: `.Subscriber.Attribs.x` or `index .Subscriber.Attribs "x"`. */
function attributeOf(command: Tokens): string | undefined {
  const [first, second, third] = command;
  if (command.length === 1 && first?.kind === 'field') return ATTRIBUTE.exec(first.text)?.[1];
  if (
    command.length === 3 &&
    first?.text === 'index' &&
    second?.text === '.Subscriber.Attribs' &&
    third?.kind === 'string'
  )
    return JSON.parse(third.text) as string;
  return undefined;
}

/** The tokens inside the parenthesised group opening at `open`. */
function groupAt(tokens: Tokens, open: number): Tokens {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k]?.kind === 'lparen') depth++;
    if (tokens[k]?.kind === 'rparen' && --depth === 0) return tokens.slice(open + 1, k);
  }
  return [];
}

/** The attributes an `if`/`with` pipeline guarantees inside its block: `.x`, or each of `and .x .y`. */
function guardsOf(pipeline: Tokens): Set<string> {
  const single = attributeOf(pipeline);
  if (single !== undefined) return new Set([single]);
  if (pipeline[0]?.text === 'and' && pipeline.slice(1).every((t) => t.kind === 'field'))
    return new Set(pipeline.slice(1).flatMap((t) => ATTRIBUTE.exec(t.text)?.[1] ?? []));
  return new Set();
}
