import { BuilderError } from '../errors.js';

/** U+E000–U+E1FF: the private-use range the vault's placeholders are made of. */
const RESERVED = /[\uE000-\uE1FF]/;
const START = '\uE000';
const FILL = '\uE001';
const END = '\uE002';
const DIGIT_BASE = 0xe100;
const DIGITS = 3;
const PLACEHOLDER = /\uE000([\uE100-\uE1FF]{3})\uE001*\uE002/g;

/**
 * Keeps Listmonk tags out of reach while another tool (Handlebars, html-to-text) works on the text,
 * and puts them back byte for byte.
 *
 * A placeholder has exactly the length of the tag it stands for (so offsets, and html-to-text's
 * line widths, stay true) and contains no whitespace (so wrapping never splits it).
 */
export interface TagVault {
  /** Replaces each span `[start, end)` of `text` with a placeholder; spans must not overlap. */
  protect(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string;
  /** Puts every placeholder in `text` back to its original tag. */
  restore(text: string): string;
  /** Indices (into {@link TagVault.tags}) of the placeholders still present in `text`. */
  present(text: string): Set<number>;
  /** The original tags, by placeholder index. */
  readonly tags: readonly string[];
}

/**
 * Creates an empty vault. One vault may protect several texts (a template and its partials): the
 * placeholders are numbered across all of them.
 */
export function createTagVault(): TagVault {
  const tags: string[] = [];
  return {
    tags,
    protect(text, spans) {
      if (RESERVED.test(text)) {
        throw new BuilderError(
          'TEMPLATE_SYNTAX',
          'the template contains characters U+E000–U+E1FF, which mailramp reserves to protect Listmonk tags; remove them',
        );
      }
      let out = '';
      let at = 0;
      for (const span of [...spans].sort((a, b) => a.start - b.start)) {
        const original = text.slice(span.start, span.end);
        out += text.slice(at, span.start) + placeholder(tags.length, original.length);
        tags.push(original);
        at = span.end;
      }
      return out + text.slice(at);
    },
    present(text) {
      return new Set([...text.matchAll(PLACEHOLDER)].map((m) => decode(m[1] ?? '')));
    },
    restore(text) {
      const restored = text.replace(PLACEHOLDER, (_, digits: string) => {
        const tag = tags[decode(digits)];
        if (tag === undefined) throw new Error(`tag vault: no tag for placeholder ${decode(digits)}`);
        return tag;
      });
      if (RESERVED.test(restored))
        throw new Error('tag vault: a placeholder was cut apart and cannot be restored');
      return restored;
    },
  };
}

function placeholder(index: number, length: number): string {
  if (index >= 256 ** DIGITS) throw new Error('tag vault: too many tags in one template');
  let digits = '';
  for (let k = DIGITS - 1; k >= 0; k--) {
    digits += String.fromCharCode(0xe100 + (Math.floor(index / 256 ** k) % 256));
  }
  const fill = Math.max(0, length - DIGITS - 2);
  return START + digits + FILL.repeat(fill) + END;
}

function decode(digits: string): number {
  let n = 0;
  for (const ch of digits) n = n * 256 + (ch.charCodeAt(0) - DIGIT_BASE);
  return n;
}
