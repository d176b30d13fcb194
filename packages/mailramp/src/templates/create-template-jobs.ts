import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { BuilderError as BuilderErrorClass, LintFinding, RenderedCampaign } from '@mailramp/builder';
import type { Session } from '../session.js';
import { resolveTemplatesDir } from './resolve-templates-dir.js';

/** Options every template job takes. */
export interface TemplatesOptions {
  /** The templates directory (default: templates.dir of the config). */
  templatesDir?: string | undefined;
}

/** Campaign templates: the lint CI runs, and a preview of a campaign. */
export interface TemplateJobs {
  /**
   * Lints template files or directories (default: the templates directory) for the Listmonk versions
   * the config names (none, or an instance without one: every version v2–v6).
   */
  lint(
    paths?: readonly string[],
    options?: TemplatesOptions,
  ): Promise<{ files: string[]; findings: LintFinding[] }>;
  /**
   * Renders a template (a name, or a path to its .html under the templates directory) with build-time
   * values (a JSON file's path or an object; default: the template's sample); lint findings come with it.
   */
  render(
    template: string,
    options?: TemplatesOptions & { data?: string | Record<string, unknown> | undefined },
  ): Promise<RenderedCampaign>;
}

/** The template jobs of a session. */
export function createTemplateJobs(session: Session): TemplateJobs {
  const listmonkVersions = async () => {
    const { parseListmonkVersion } = await import('@mailramp/listmonk');
    const versions = Object.values(session.config.listmonk.instances).map((i) =>
      i.version === undefined ? undefined : parseListmonkVersion(i.version),
    );
    // An instance without a (readable) version may run any of them: the lint's default, every v2–v6.
    const known = versions.filter((v) => v !== undefined);
    return known.length === 0 || known.length < versions.length ? {} : { listmonkVersions: known };
  };
  return {
    async lint(paths = [], options = {}) {
      const b = await import('@mailramp/builder');
      const templatesDir =
        options.templatesDir ??
        (await resolveTemplatesDir(session.cwd, session.config.templates.dir, b.STOCK_TEMPLATES_DIR));
      return b.lintTemplateFiles(paths.length > 0 ? [...paths] : [templatesDir], {
        templatesDir,
        cwd: session.cwd,
        ...(await listmonkVersions()),
      });
    },
    async render(template, options = {}) {
      const b = await import('@mailramp/builder');
      const dir =
        options.templatesDir === undefined
          ? await resolveTemplatesDir(session.cwd, session.config.templates.dir, b.STOCK_TEMPLATES_DIR)
          : resolve(session.cwd, options.templatesDir);
      const set = await b.loadTemplateSet(dir);
      const name = b.getTemplate(set, templateName(b.BuilderError, template, dir, session.cwd)).name;
      const data =
        options.data === undefined
          ? set.samples.get(name)
          : typeof options.data === 'string'
            ? await readData(b, resolve(session.cwd, options.data))
            : b.parseBuildData(JSON.stringify(options.data), 'data');
      if (data === undefined) {
        throw new b.BuilderError(
          'TEMPLATE_DATA_INVALID',
          `template ${name} has no ${name}.sample.json; pass build-time values with --data file.json`,
        );
      }
      return b.renderCampaign(set, name, data, { allowErrors: true, ...(await listmonkVersions()) });
    },
  };
}

/** A template name from a name or a path to a file under the templates directory. */
function templateName(
  BuilderError: typeof BuilderErrorClass,
  argument: string,
  dir: string,
  cwd: string,
): string {
  if (!argument.endsWith('.html')) return argument;
  const rel = relative(dir, resolve(cwd, argument));
  if (rel.startsWith('..')) {
    throw new BuilderError(
      'TEMPLATE_NOT_FOUND',
      `${argument} is not under the templates directory ${relative(cwd, dir) || dir}; pass --templates-dir, or a template name`,
    );
  }
  return rel
    .split(sep)
    .join('/')
    .replace(/\.html$/, '');
}

async function readData(b: typeof import('@mailramp/builder'), path: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new b.BuilderError(
      'TEMPLATE_UNREADABLE',
      `cannot read --data ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return b.parseBuildData(text, path);
}
