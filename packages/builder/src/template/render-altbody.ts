import { compile, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { createTagVault } from './create-tag-vault.js';
import { scanTemplateTags, type TemplateTag } from './scan-template-tags.js';

/** The text/plain part and what could not be carried into it. */
export interface RenderedAltbody {
  text: string;
  /**
   * Listmonk tags of the HTML that sit where text has no place for them (an `<img src>`, a style,
   * another attribute) and so are not in the text. A value there is simply not needed; a control
   * action (`if`/`range`/`end`…) there can leave the text part unbalanced — the lint reports that.
   */
  omitted: TemplateTag[];
}

/** Column the text part wraps at (RFC 5322 recommends lines of at most 78 characters). */
export const ALTBODY_WIDTH = 78;

const altOnly: FormatCallback = (elem, _walk, builder) => {
  const alt = (elem.attribs as Record<string, string> | undefined)?.alt?.trim();
  if (alt) builder.addInline(alt, { noWordTransform: true });
};

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  // html-to-text upper-cases headings by default, which would turn `{{ .Subscriber.FirstName }}`
  // into `{{ .SUBSCRIBER.FIRSTNAME }}`: a broken tag.
  options: { uppercase: false },
}));

const OPTIONS: HtmlToTextOptions = {
  wordwrap: ALTBODY_WIDTH,
  // Never cut a long word (a URL): wrapping happens only at spaces.
  longWordSplit: { forceWrapOnLimit: false, wrapCharacters: [] },
  formatters: { altOnly },
  selectors: [
    ...HEADINGS,
    {
      selector: 'a',
      options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true, noAnchorUrl: true },
    },
    { selector: 'img', format: 'altOnly' },
    {
      selector: 'table.data',
      format: 'dataTable',
      options: { uppercaseHeaderCells: false, maxColumnWidth: 40 },
    },
    {
      selector: 'table[data-table]',
      format: 'dataTable',
      options: { uppercaseHeaderCells: false, maxColumnWidth: 40 },
    },
    { selector: '.altbody-skip', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'title', format: 'skip' },
  ],
};

// Compiled once: html-to-text's convert() recompiles its options (a selector decision tree) on
// every call, which cost more than converting a campaign's HTML.
const toText = compile(OPTIONS);

/**
 * Renders the text/plain part (the altbody) of a campaign from its rendered HTML.
 *
 * Links become `text (url)`, images their alt text, lists and data tables (`<table class="data">`)
 * stay readable, headings keep their case, lines wrap near 78 columns without ever breaking a URL
 * or a Listmonk tag, and every Listmonk tag in the text is byte-identical to the HTML's (so a
 * tracked static link `https://…@TrackLink` is still tracked). Elements with class
 * `altbody-skip` (e.g. a "view in browser" bar) are left out.
 *
 * @example
 * const { text } = renderAltbody(html);
 */
export function renderAltbody(html: string): RenderedAltbody {
  const { tags } = scanTemplateTags(html, { mode: 'listmonk' });
  const vault = createTagVault();
  const protectedHtml = vault.protect(html, tags);
  const converted = toText(protectedHtml);
  const text = joinControlLines(vault.restore(converted));
  const present = vault.present(converted);
  return { text: `${text.trimEnd()}\n`, omitted: tags.filter((_, i) => !present.has(i)) };
}

/** A pipeline that only reads a value: `.Subscriber.Attribs.x`, `index .Subscriber.Attribs "x"`, `.`. */
const PLAIN_VALUE =
  /^(?:\.|(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|index\s+\.[A-Za-z_.]+\s+"[^"\\]+")$/;

/**
 * Listmonk renders the text part with html/template, which HTML-escapes every value it prints
 * (`J & J O'NEIL` reaches a text reader as `J &amp; J O&#39;NEIL`). Each action that only prints a
 * value becomes `{{ with VALUE }}{{ print . | Safe }}{{ end }}`: `Safe` marks the text as not to be
 * escaped, `print` turns numbers into text as Listmonk prints them, and `with` skips a missing
 * value (html/template prints nothing for it; passing it to `Safe` would fail the message).
 * Applied to the altbody a campaign is pushed with (the preview keeps the tags as written).
 */
export function unescapeAltbodyValues(text: string): string {
  const { tags } = scanTemplateTags(text, { mode: 'listmonk' });
  let out = '';
  let at = 0;
  for (const tag of tags) {
    const inner = tag.inner.trim();
    if (!PLAIN_VALUE.test(inner)) continue;
    const open = tag.text.startsWith('{{-') ? '{{- ' : '{{ ';
    const close = tag.text.endsWith('-}}') ? ' -}}' : ' }}';
    out += `${text.slice(at, tag.start)}${open}with ${inner} }}{{ print . | Safe }}{{ end${close}`;
    at = tag.end;
  }
  return out + text.slice(at);
}

const CONTROL = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'block']);

/**
 * A paragraph made only of control actions (`{{ with .Subscriber.Attribs.coupon }}`, `{{ end }}`)
 * is joined to the paragraph after it, so a false branch leaves no run of blank lines behind.
 */
function joinControlLines(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isControlOnly(line) && lines[i + 1] === '' && (lines[i + 2] ?? '') !== '') {
      lines[i + 2] = `${line}${lines[i + 2]}`;
      i++;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

function isControlOnly(line: string): boolean {
  const { tags } = scanTemplateTags(line, { mode: 'listmonk' });
  if (tags.length === 0) return false;
  let rest = line;
  for (const tag of [...tags].reverse()) rest = rest.slice(0, tag.start) + rest.slice(tag.end);
  return rest.trim() === '' && tags.every((t) => CONTROL.has(/^\s*(\w+)/.exec(t.inner.trim())?.[1] ?? ''));
}
