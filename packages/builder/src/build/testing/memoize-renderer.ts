import type { CampaignRenderer, RenderedCampaign } from '../../push/listmonk-port.js';

/**
 * `renderer`, remembering what it rendered: a file of build tests renders the same segments for the
 * same date in every build (a render of the shipped templates costs about 15 ms of Handlebars and
 * lint each). The render is a function of the campaign it is given, so the builds see exactly the
 * content a fresh renderer would give them; each gets its own copy. A failed render is not kept.
 */
export function memoizeRenderer(renderer: CampaignRenderer): CampaignRenderer {
  const done = new Map<string, Promise<RenderedCampaign>>();
  return {
    async renderCampaign(campaign) {
      const key = JSON.stringify(campaign);
      let rendered = done.get(key);
      if (rendered === undefined) {
        rendered = renderer.renderCampaign(campaign);
        done.set(key, rendered);
        rendered.catch(() => done.delete(key));
      }
      return structuredClone(await rendered);
    },
  };
}
