import { BuilderError } from '../errors.js';
import { locate } from './locate.js';

/** A part of a template file and where it starts in the file. */
export interface TemplateSection {
  text: string;
  /** Offset of the section's first character in the file. */
  offset: number;
}

/** A template (or partial) file split into its front matter and body. */
export interface TemplateFile {
  /** Template name: path under the templates directory without `.html` (`trucking/mcs150-biennial`). */
  name: string;
  /** Path used in messages and findings. */
  path: string;
  /** The whole file. */
  source: string;
  /** The campaign subject from the front matter (may hold both tag languages). */
  subject?: TemplateSection;
  description?: string;
  body: TemplateSection;
}

const FRONT_MATTER_KEYS = new Set(['subject', 'description']);

/**
 * Splits a template file into front matter and body. The front matter is optional: a first line
 * `---`, then `key: value` lines (`subject`, `description`), then `---`.
 *
 * @example
 * parseTemplateFile({ name: 'x', path: 'x.html', source: '---\nsubject: Hi {{ @month }}\n---\n<p>…</p>' });
 */
export function parseTemplateFile(input: { name: string; path: string; source: string }): TemplateFile {
  const { source, path, name } = input;
  const opening = /^---\r?\n/.exec(source);
  if (opening === null) return { name, path, source, body: { text: source, offset: 0 } };
  const closing = /^---\r?\n?/m;
  let subject: TemplateSection | undefined;
  let description: string | undefined;
  let at = opening[0].length;
  while (at < source.length) {
    const lineEnd = source.indexOf('\n', at);
    const stop = lineEnd === -1 ? source.length : lineEnd;
    const line = source.slice(at, stop).replace(/\r$/, '');
    if (closing.test(line)) {
      const bodyStart = Math.min(source.length, stop + 1);
      const file: TemplateFile = {
        name,
        path,
        source,
        body: { text: source.slice(bodyStart), offset: bodyStart },
      };
      if (subject !== undefined) file.subject = subject;
      if (description !== undefined) file.description = description;
      return file;
    }
    const match = /^([A-Za-z_][\w-]*):[ \t]*(.*)$/.exec(line);
    const key = match?.[1];
    if (match === null || key === undefined || !FRONT_MATTER_KEYS.has(key)) {
      throw new BuilderError(
        'TEMPLATE_SYNTAX',
        `${path}:${locate(source, at).line}: front matter line ${JSON.stringify(line)} is not one of subject: …, description: … (end the front matter with ---)`,
        { location: { file: path, ...locate(source, at) } },
      );
    }
    const value = match[2] ?? '';
    if (key === 'subject') subject = { text: value, offset: at + line.length - value.length };
    else description = value;
    at = stop + 1;
  }
  throw new BuilderError(
    'TEMPLATE_SYNTAX',
    `${path}: the front matter opened on line 1 is never closed with ---`,
    {
      location: { file: path, line: 1, column: 1 },
    },
  );
}
