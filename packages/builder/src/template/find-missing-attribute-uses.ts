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
  'print',
  'println',
  'default',
  'empty',
  'coalesce',
  'ternary',
  'toJson',
  'toPrettyJson',
  'toRawJson',
  'toString',
  'quote',
  'squote',
  'eq',
  'ne',
  'not',
  'and',
  'or',
  'kindOf',
  'typeOf',
  'html',
  'js',
  'urlquery',
]);

/** One use of an attribute a recipient may lack, where Listmonk would break on it. */
export interface MissingAttributeUse {
  tag: TemplateTag;
  attribute: string;
  /** `function`: passed to a function (the message is skipped); `print`: printed in text/template. */
  how: 'function' | 'print';
  /** The function it is passed to (for `function`). */
  fn?: string;
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
      // printf's format is a string; the values after it are `any`.
      const operands = call.name === 'printf' ? call.args.slice(0, 1) : [...call.args];
      if (call.piped) {
        // The value piped in is the previous command's: a bare attribute when that command is one.
        const at = tokens.findIndex((t) => t.offset === call.offset);
        const pipe = tokens[at - 1];
        const before = tokens.slice(0, at - 1);
        const start = before.map((t) => t.kind).lastIndexOf('pipe') + 1;
        const command = before.slice(start);
        if (
          call.name !== 'printf' &&
          pipe?.kind === 'pipe' &&
          command.length === 1 &&
          command[0] !== undefined
        )
          operands.push(command[0]);
      }
      for (const arg of operands) {
        const key = arg.kind === 'field' ? ATTRIBUTE.exec(arg.text)?.[1] : undefined;
        if (key !== undefined && !guarded(key))
          found.push({ tag, attribute: key, how: 'function', fn: call.name });
      }
    }
    if (options.textTemplate && action.calls.length === 0 && tokens.length === 1) {
      const key = tokens[0]?.kind === 'field' ? ATTRIBUTE.exec(tokens[0].text)?.[1] : undefined;
      if (key !== undefined && !guarded(key)) found.push({ tag, attribute: key, how: 'print' });
    }
  }
  return found;
}

/** The attributes an `if`/`with` pipeline guarantees inside its block: `.x`, or each of `and .x .y`. */
function guardsOf(pipeline: ReturnType<typeof parseGoAction>['tokens']): Set<string> {
  const keys = (tokens: typeof pipeline) =>
    tokens.flatMap((t) => {
      const key = t.kind === 'field' ? ATTRIBUTE.exec(t.text)?.[1] : undefined;
      return key === undefined ? [] : [key];
    });
  if (pipeline.length === 1) return new Set(keys(pipeline));
  if (pipeline[0]?.text === 'and' && pipeline.slice(1).every((t) => t.kind === 'field'))
    return new Set(keys(pipeline.slice(1)));
  return new Set();
}
