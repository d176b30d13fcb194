import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BuilderError } from '../errors.js';
import type { LintFinding } from './lint-rules.js';
import { parseTemplateFile, type TemplateFile } from './parse-template-file.js';
import type { BuildData } from './render-template.js';

/** Every template, partial and sample data file of a templates directory. */
export interface TemplateSet {
  dir: string;
  /** Campaign templates by name (`trucking/mcs150-biennial`). */
  templates: ReadonlyMap<string, TemplateFile>;
  /** Partials by name (`footer` for `partials/footer.html`). */
  partials: ReadonlyMap<string, TemplateFile>;
  /** Sample build data by template name (`<name>.sample.json`). */
  samples: ReadonlyMap<string, BuildData>;
  /**
   * Listmonk campaign templates mailramp keeps in Listmonk (`listmonk/<name>.html`, verbatim: Go
   * template source holding `{{ template "content" . }}` once), by name.
   */
  listmonkTemplates: ReadonlyMap<string, string>;
  /** Files that could not be read as templates (bad front matter), as lint findings. */
  problems: LintFinding[];
}

/** The directory under the templates directory that holds partials. */
export const PARTIALS_DIR = 'partials';
/** The directory under the templates directory that holds Listmonk campaign templates. */
export const LISTMONK_TEMPLATES_DIR = 'listmonk';

/**
 * Reads a templates directory: `<vertical>/<name>.html` templates with `<name>.sample.json` beside
 * them, and `partials/<name>.html`.
 *
 * @example
 * const set = await loadTemplateSet('templates');
 */
export async function loadTemplateSet(dir: string): Promise<TemplateSet> {
  const files = await listTemplateFiles(dir);
  const templates = new Map<string, TemplateFile>();
  const partials = new Map<string, TemplateFile>();
  const samples = new Map<string, BuildData>();
  const problems: LintFinding[] = [];
  const listmonkTemplates = new Map<string, string>();
  for (const path of files) {
    const rel = relative(dir, path).split(sep).join('/');
    if (rel.startsWith(`${LISTMONK_TEMPLATES_DIR}/`)) {
      listmonkTemplates.set(
        rel.slice(LISTMONK_TEMPLATES_DIR.length + 1).replace(/\.html$/, ''),
        await readText(path),
      );
      continue;
    }
    const partial = rel.startsWith(`${PARTIALS_DIR}/`);
    const name = (partial ? rel.slice(PARTIALS_DIR.length + 1) : rel).replace(/\.html$/, '');
    let file: TemplateFile;
    try {
      file = parseTemplateFile({ name, path, source: await readText(path) });
    } catch (error) {
      if (!(error instanceof BuilderError) || error.code !== 'TEMPLATE_SYNTAX') throw error;
      const at = error.location ?? { line: 1, column: 1 };
      problems.push({
        file: path,
        ...at,
        rule: 'front-matter',
        severity: 'error',
        message: error.message.replace(/^\S+?:\d+:\s*/, ''),
      });
      continue;
    }
    (partial ? partials : templates).set(name, file);
    if (!partial) {
      const sample = await readSampleData(path);
      if (sample !== undefined) samples.set(name, sample);
    }
  }
  return { dir, templates, partials, samples, problems, listmonkTemplates };
}

/** Every `.html` file under `dir`, sorted. */
export async function listTemplateFiles(dir: string): Promise<string[]> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw new BuilderError(
      error.code === 'ENOENT' ? 'TEMPLATE_NOT_FOUND' : 'TEMPLATE_UNREADABLE',
      error.code === 'ENOENT'
        ? `${dir} does not exist; pass an existing template file or directory`
        : `cannot read ${dir}: ${error.message}`,
      { cause: error },
    );
  });
  if (!info.isDirectory()) return [dir];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The sample data of a template (`x.html` → `x.sample.json`), or undefined when there is none. */
export async function readSampleData(templatePath: string): Promise<BuildData | undefined> {
  const path = templatePath.replace(/\.html$/, '.sample.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BuilderError('TEMPLATE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseBuildData(text, path);
}

/** Parses build data JSON (a sample file, or `--data`); keys starting with `$` are comments. */
export function parseBuildData(text: string, path: string): BuildData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BuilderError(
      'TEMPLATE_DATA_INVALID',
      `${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BuilderError('TEMPLATE_DATA_INVALID', `${path} must hold one JSON object of build-time values`);
  }
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('$')));
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new BuilderError('TEMPLATE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
