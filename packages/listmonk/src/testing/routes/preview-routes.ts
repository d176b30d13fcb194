import { TemplateError } from '../go-template.js';
import { MSG } from '../messages.js';
import { renderMessage } from '../render-message.js';
import {
  bad,
  idParam,
  type StandInContext,
  type StandInRequest,
  type StandInRoute,
} from '../stand-in-http.js';

async function previewParams(req: StandInRequest): Promise<Record<string, string>> {
  if (req.method === 'GET' || req.body.length === 0) return {};
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    return Object.fromEntries(Object.entries(req.json()).map(([k, v]) => [k, String(v)]));
  }
  const form = await req.form();
  return Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
}

async function preview(req: StandInRequest, ctx: StandInContext) {
  const campaign = ctx.state.campaigns.get(idParam(req));
  if (campaign === undefined) bad(MSG.notFound('Campaign'));
  const params = await previewParams(req);
  // Stand-in extension: `?subscriber_id=N` renders for that subscriber instead of the dummy one.
  const subscriberId = Number(req.query.get('subscriber_id') ?? '0');
  const subscriber = subscriberId > 0 ? ctx.state.subscribers.get(subscriberId) : undefined;
  if (subscriberId > 0 && subscriber === undefined) bad(MSG.notFound('Subscriber'));
  let templateBody: string | null | undefined;
  // GET reads template_id from the query string (echo's FormValue), POST from the form.
  const fromQuery = req.query.get('template_id');
  if (params.template_id === undefined && fromQuery !== null) params.template_id = fromQuery;
  if (params.template_id !== undefined && Number(params.template_id) > 0) {
    const template = ctx.state.templates.get(Number(params.template_id));
    if (template === undefined) bad(MSG.notFound('Template'));
    templateBody = template.body;
  }
  try {
    // A POST previews the posted body and content type: none posted is an empty body.
    const post = req.method === 'POST';
    const html = renderMessage(ctx, campaign, subscriber, {
      body: post ? (params.body ?? '') : undefined,
      templateBody,
    });
    const plain = (post ? (params.content_type ?? '') : campaign.contentType) === 'plain';
    return {
      status: 200,
      text: html,
      contentType: plain ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
    };
  } catch (error) {
    if (error instanceof TemplateError) {
      bad(
        error.message.includes('executing')
          ? MSG.renderMessage(error.message)
          : MSG.compileTemplate(error.message),
      );
    }
    throw error;
  }
}

/** Campaign preview: renders with the TrackLink rewrite and registers the links, as Listmonk does. */
export const PREVIEW_ROUTES: StandInRoute[] = [
  { method: 'GET', pattern: '/api/campaigns/:id/preview', perm: 'campaigns:get_all', handle: preview },
  { method: 'POST', pattern: '/api/campaigns/:id/preview', perm: 'campaigns:get_all', handle: preview },
  // Listmonk routes /text to the same handler as the preview (cmd/handlers.go): the posted text is
  // rendered like a body, around the campaign's template.
  { method: 'POST', pattern: '/api/campaigns/:id/text', perm: 'campaigns:get', handle: preview },
];
