import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { ListmonkVersion } from '@mailramp/listmonk';
import { BuilderError } from '../errors.js';
import type { LintFinding } from './lint-rules.js';
import { lintTemplate } from './lint-template.js';
import {
  LISTMONK_TEMPLATES_DIR,
  listTemplateFiles,
  loadTemplateSet,
  PARTIALS_DIR,
  readSampleData,
  type TemplateSet,
} from './load-template-set.js';
import { parseTemplateFile, type TemplateFile } from './parse-template-file.js';

/** Options for {@link lintTemplateFiles}. */
export interface LintTemplateFilesOptions {
  /** The templates directory: partials come from its `partials/`. */
  templatesDir: string;
  /** Paths in findings are relative to this directory. */
  cwd: string;
  /** The Listmonk versions the templates are written for (default: every version v2–v6). */
  listmonkVersions?: readonly ListmonkVersion[];
}

/** What {@link lintTemplateFiles} checked and found. */
export interface LintTemplateFilesResult {
  files: string[];
  findings: LintFinding[];
}

/**
 * Lints template files and directories (all `.html` under a directory). Files under the templates
 * directory's `partials/` are linted as partials; other files as campaign templates, rendered with
 * their `<name>.sample.json` when there is one. A path that does not exist is an error
 * (`TEMPLATE_NOT_FOUND`), not an empty result.
 *
 * @example
 * const { findings } = await lintTemplateFiles(['templates'], { templatesDir: 'templates', cwd: process.cwd() });
 */
export async function lintTemplateFiles(
  paths: readonly string[],
  options: LintTemplateFilesOptions,
): Promise<LintTemplateFilesResult> {
  const dir = resolve(options.cwd, options.templatesDir);
  const set = await loadOptionalSet(dir);
  // Listmonk campaign templates (listmonk/) are Go source for Listmonk, not campaign bodies.
  const isListmonkTemplate = (path: string): boolean => {
    const inDir = relative(dir, path);
    return !inDir.startsWith('..') && inDir.split(sep)[0] === LISTMONK_TEMPLATES_DIR;
  };
  const files = [
    ...new Set((await Promise.all(paths.map((p) => listTemplateFiles(resolve(options.cwd, p))))).flat()),
  ].filter((path) => !isListmonkTemplate(path));
  const findings: LintFinding[] = [];
  const show = (path: string) => relative(options.cwd, path) || path;
  for (const path of files) {
    const inDir = relative(dir, path);
    const partial = !inDir.startsWith('..') && inDir.split(sep)[0] === PARTIALS_DIR;
    const name = (inDir.startsWith('..') ? path : inDir).replace(/\.html$/, '');
    const known = set?.templates.get(name) ?? set?.partials.get(name.slice(PARTIALS_DIR.length + 1));
    let file: TemplateFile | undefined = known;
    if (file === undefined) {
      const problem = set?.problems.find((p) => p.file === path);
      if (problem !== undefined) {
        findings.push({ ...problem, file: show(path) });
        continue;
      }
      try {
        file = parseTemplateFile({ name, path, source: await readFile(path, 'utf8') });
      } catch (error) {
        if (!(error instanceof BuilderError) || error.code !== 'TEMPLATE_SYNTAX') throw error;
        const at = error.location ?? { line: 1, column: 1 };
        findings.push({
          file: show(path),
          line: at.line,
          column: at.column,
          rule: 'front-matter',
          severity: 'error',
          message: error.message,
        });
        continue;
      }
    }
    const data = partial ? undefined : (set?.samples.get(name) ?? (await readSampleData(path)));
    const found = lintTemplate(file, {
      partials: set?.partials ?? new Map(),
      kind: partial ? 'partial' : 'template',
      ...(options.listmonkVersions === undefined ? {} : { listmonkVersions: options.listmonkVersions }),
      ...(data === undefined ? {} : { data }),
    });
    if (!partial && data === undefined) {
      found.push({
        file: path,
        line: 1,
        column: 1,
        rule: 'missing-sample-data',
        severity: 'warning',
        message: `no ${show(path.replace(/\.html$/, '.sample.json'))}: add sample build data so the lint (and \`mailramp render\`) can render this template`,
      });
    }
    for (const f of found) findings.push({ ...f, file: show(f.file) });
  }
  return { files: files.map(show), findings };
}

async function loadOptionalSet(dir: string): Promise<TemplateSet | undefined> {
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return exists ? loadTemplateSet(dir) : undefined;
}
