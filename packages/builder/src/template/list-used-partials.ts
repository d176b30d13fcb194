import type { TemplateFile } from './parse-template-file.js';

/** The partials a template includes (`{{> name }}`), and theirs, each once, in order of first use. */
export function listUsedPartials(
  file: TemplateFile,
  partials: ReadonlyMap<string, TemplateFile> | undefined,
  seen = new Set<string>(),
): TemplateFile[] {
  const found: TemplateFile[] = [];
  for (const m of file.body.text.matchAll(/\{\{~?#?>\s*([\w/-]+)/g)) {
    const partial = partials?.get(m[1] ?? '');
    if (partial === undefined || seen.has(partial.name)) continue;
    seen.add(partial.name);
    found.push(partial, ...listUsedPartials(partial, partials, seen));
  }
  return found;
}
