import type { ListmonkVersion } from '@mailramp/listmonk';
import { DEFAULT_LISTMONK_TEMPLATE } from '../build/resolve-build-rules.js';
import { BuilderError } from '../errors.js';
import { lintTemplateSource } from '../template/lint-template.js';
import type { TemplateSet } from '../template/load-template-set.js';
import { unescapeAltbodyValues } from '../template/render-altbody.js';
import { renderCampaign } from '../template/render-campaign.js';
import type { CampaignRenderer, CampaignToRender, RenderedCampaign } from './listmonk-port.js';

/** The body of the Listmonk template mailramp keeps when templates/listmonk/mailramp.html is absent. */
const CONTENT_ONLY = '{{ template "content" . }}\n';

/** The Listmonk campaign template of that name: its name in Listmonk and its source. */
function listmonkTemplateOf(set: TemplateSet, name: string): { name: string; body: string } {
  const body =
    set.listmonkTemplates.get(name) ?? (name === DEFAULT_LISTMONK_TEMPLATE ? CONTENT_ONLY : undefined);
  if (body === undefined) {
    throw new BuilderError(
      'BUILD_CONFIG',
      `listmonkTemplate "${name}" is not in ${set.dir}/listmonk/ (there are: ${[...set.listmonkTemplates.keys()].join(', ') || 'none'}); add listmonk/${name}.html or fix the vertical's listmonkTemplate`,
    );
  }
  return { name: `mailramp-${name}`, body };
}

/**
 * Renders the build's campaigns from a loaded template set with the same render, altbody and lint
 * as `mailramp render` / `mailramp lint`; lint errors come back as `lintErrors` so the build can
 * refuse every failing campaign at once, before Listmonk is touched.
 *
 * @example
 * const renderer = createTemplateRenderer(await loadTemplateSet('templates'));
 */
export function createTemplateRenderer(
  set: TemplateSet,
  options: {
    /** The Listmonk versions the campaigns go to (config or detected); default every version v2–v6. */
    listmonkVersions?: readonly ListmonkVersion[];
  } = {},
): CampaignRenderer {
  const versions =
    options.listmonkVersions === undefined ? {} : { listmonkVersions: options.listmonkVersions };
  return {
    async renderCampaign(campaign: CampaignToRender): Promise<RenderedCampaign> {
      const name = campaign.template.includes('/')
        ? campaign.template
        : `${campaign.vertical}/${campaign.template}`;
      const attributes =
        campaign.attributes === undefined ? {} : { guaranteedAttributes: new Set(campaign.attributes) };
      let rendered: ReturnType<typeof renderCampaign>;
      try {
        rendered = renderCampaign(set, name, campaign.data, {
          allowErrors: true,
          ...versions,
          ...attributes,
        });
      } catch (error) {
        const missing = (error as BuilderError).details as { missingValue?: string } | undefined;
        if (!(error instanceof BuilderError) || missing?.missingValue === undefined) throw error;
        const key = missing.missingValue.split('.')[0];
        throw new BuilderError(
          'BUILD_CONFIG',
          `campaign of segment ${campaign.segment} (template ${name}) needs the build-time value ${key}, which this configuration does not provide: set build.verticals.${campaign.vertical}.templateData.${key} (every campaign of the vertical) or build.verticals.${campaign.vertical}.segments.${campaign.segment}.data.${key}\n  ${error.message}`,
          { cause: error, ...(error.location === undefined ? {} : { location: error.location }) },
        );
      }
      const subject = campaign.subject ?? rendered.subject?.trim();
      if (subject === undefined || subject === '') {
        throw new BuilderError(
          'BUILD_CONFIG',
          `template ${name} has no subject and segment ${campaign.segment} names none; add "subject:" to its front matter or to the segment`,
        );
      }
      // A segment's own subject is a Listmonk (text/template) subject too: lint it like the file's.
      const subjectFindings =
        campaign.subject === undefined
          ? []
          : lintTemplateSource(
              {
                name,
                path: `build.verticals.${campaign.vertical}.segments.${campaign.segment}.subject`,
                source: campaign.subject,
                subject: { text: campaign.subject, offset: 0 },
                body: { text: '', offset: 0 },
              },
              { ...versions, ...attributes },
            );
      return {
        subject,
        body: rendered.html,
        altbody: unescapeAltbodyValues(rendered.altbody),
        baseTemplate:
          campaign.listmonkTemplate === undefined
            ? undefined
            : listmonkTemplateOf(set, campaign.listmonkTemplate),
        lintErrors: [...rendered.findings, ...subjectFindings]
          .filter((f) => f.severity === 'error')
          .map((f) => `${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`),
      };
    },
  };
}
