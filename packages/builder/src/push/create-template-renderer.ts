import { BuilderError } from '../errors.js';
import type { TemplateSet } from '../template/load-template-set.js';
import { renderCampaign } from '../template/render-campaign.js';
import type { CampaignRenderer, CampaignToRender, RenderedCampaign } from './listmonk-port.js';

/**
 * Renders the build's campaigns from a loaded template set with the same render, altbody and lint
 * as `mailramp render` / `mailramp lint`; lint errors come back as `lintErrors` so the build can
 * refuse every failing campaign at once, before Listmonk is touched.
 *
 * @example
 * const renderer = createTemplateRenderer(await loadTemplateSet('templates'));
 */
export function createTemplateRenderer(set: TemplateSet): CampaignRenderer {
  return {
    async renderCampaign(campaign: CampaignToRender): Promise<RenderedCampaign> {
      const name = campaign.template.includes('/')
        ? campaign.template
        : `${campaign.vertical}/${campaign.template}`;
      const rendered = renderCampaign(set, name, campaign.data, { allowErrors: true });
      const subject = campaign.subject ?? rendered.subject?.trim();
      if (subject === undefined || subject === '') {
        throw new BuilderError(
          'BUILD_CONFIG',
          `template ${name} has no subject and segment ${campaign.segment} names none; add "subject:" to its front matter or to the segment`,
        );
      }
      return {
        subject,
        body: rendered.html,
        altbody: rendered.altbody,
        lintErrors: rendered.findings
          .filter((f) => f.severity === 'error')
          .map((f) => `${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`),
      };
    },
  };
}
