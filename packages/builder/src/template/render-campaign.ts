import type { ListmonkVersion } from '@mailramp/listmonk';
import { BuilderError } from '../errors.js';
import { hasLintErrors, type LintFinding } from './lint-rules.js';
import { lintRenderedCampaign, lintTemplateSource } from './lint-template.js';
import { listUsedPartials } from './list-used-partials.js';
import type { TemplateSet } from './load-template-set.js';
import type { TemplateFile } from './parse-template-file.js';
import { renderAltbody } from './render-altbody.js';
import { type BuildData, renderTemplate } from './render-template.js';

/** A campaign's content, ready for Listmonk: subject, HTML body, text/plain altbody. */
export interface RenderedCampaign {
  /** The template name it came from. */
  name: string;
  /** From the template's front matter; undefined when it has none (the build then names one). */
  subject?: string;
  html: string;
  altbody: string;
  /** Warnings (and, with `allowErrors`, errors) the lint found in the template and the result. */
  findings: LintFinding[];
}

/** Options for {@link renderCampaign}. */
export interface RenderCampaignOptions {
  /** Return the result even when the lint finds errors (previews: `mailramp render`). Default false. */
  allowErrors?: boolean;
  /** The Listmonk versions the campaign is written for (default: every version v2–v6). */
  listmonkVersions?: readonly ListmonkVersion[];
  /** Subscriber attributes every recipient has (default: the template's vertical's). */
  guaranteedAttributes?: ReadonlySet<string>;
}

/**
 * Renders a template by name with the campaign's build-time data and lints the template, the
 * partials it uses and the result. Refuses (`TEMPLATE_LINT_FAILED`, findings in `details`) when the
 * lint finds an error, so a campaign with lint errors is never pushed.
 *
 * @example
 * const set = await loadTemplateSet(config.templates.dir);
 * const campaign = renderCampaign(set, 'trucking/mcs150-biennial', { due_month: 'July 2027', … });
 * // campaign.subject, campaign.html, campaign.altbody → POST /api/campaigns
 */
export function renderCampaign(
  set: TemplateSet,
  name: string,
  data: BuildData,
  options: RenderCampaignOptions = {},
): RenderedCampaign {
  const file = getTemplate(set, name);
  const rendered = renderTemplate(file, data, { partials: set.partials });
  const altbody = renderAltbody(rendered.html);
  const lintOptions = {
    partials: set.partials,
    ...(options.listmonkVersions === undefined ? {} : { listmonkVersions: options.listmonkVersions }),
    ...(options.guaranteedAttributes === undefined
      ? {}
      : { guaranteedAttributes: options.guaranteedAttributes }),
  };
  const findings = [
    ...lintTemplateSource(file, lintOptions),
    // A partial reads the attributes of the campaign it is in.
    ...listUsedPartials(file, set.partials).flatMap((p) =>
      lintTemplateSource({ ...p, name: `${file.name.split('/')[0]}/${p.name}` }, lintOptions),
    ),
  ];
  findings.push(...lintRenderedCampaign({ file: file.path, html: rendered.html, altbody }, findings));
  if (hasLintErrors(findings) && !options.allowErrors) {
    const errors = findings.filter((f) => f.severity === 'error');
    throw new BuilderError(
      'TEMPLATE_LINT_FAILED',
      `template ${name} has ${errors.length} lint error${errors.length === 1 ? '' : 's'}; the campaign is not built:\n${errors
        .map((f) => `  ${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`)
        .join('\n')}\nrun \`mailramp lint ${file.path}\` after fixing`,
      { details: findings },
    );
  }
  const campaign: RenderedCampaign = { name, html: rendered.html, altbody: altbody.text, findings };
  if (rendered.subject !== undefined) campaign.subject = rendered.subject;
  return campaign;
}

/** The template of that name, or TEMPLATE_NOT_FOUND naming the ones there are. */
export function getTemplate(set: TemplateSet, name: string): TemplateFile {
  const file = set.templates.get(name.replace(/\.html$/, ''));
  if (file !== undefined) return file;
  const broken = set.problems.find((p) => p.file.endsWith(`${name}.html`));
  if (broken !== undefined) {
    throw new BuilderError('TEMPLATE_SYNTAX', `${broken.file}:${broken.line}: ${broken.message}`, {
      location: { file: broken.file, line: broken.line, column: broken.column },
    });
  }
  throw new BuilderError(
    'TEMPLATE_NOT_FOUND',
    `no template "${name}" in ${set.dir}; there are: ${[...set.templates.keys()].join(', ') || 'none'}`,
  );
}
