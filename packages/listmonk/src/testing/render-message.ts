import { isAtLeast } from '../client/listmonk-version.js';
import { rewriteTrackLinks } from '../templates/rewrite-track-links.js';
import { parseTemplate, renderNodes } from './go-template.js';
import { HtmlContext, SafeHtml } from './html-escape.js';
import type { StandInContext } from './stand-in-http.js';
import type { SentMessage, StoredCampaign, StoredSubscriber } from './stand-in-state.js';

/** Listmonk's preview subscriber (used when no subscriber is given). */
export const DUMMY_SUBSCRIBER = {
  id: 0,
  uuid: '00000000-0000-0000-0000-000000000000',
  email: 'demo@listmonk.app',
  name: 'Demo Subscriber',
  status: 'enabled' as const,
  attribs: { city: 'Bengaluru' } as Record<string, unknown>,
};

/**
 * Renders a campaign for one subscriber as Listmonk does: the TrackLink rewrite, the campaign
 * template wrapped around the body, and every tracked URL registered in the links table (which is
 * what a send, a test or a preview does). Throws TemplateError on a compile or execution error.
 */
export function renderMessage(
  ctx: StandInContext,
  campaign: StoredCampaign,
  subscriber: MessageSubscriber = DUMMY_SUBSCRIBER,
  override: { body?: string; templateBody?: string | null } = {},
): string {
  const { data, funcs } = messageEnv(ctx, campaign, subscriber);
  const body = parseTemplate(rewriteTrackLinks(override.body ?? campaign.body, ctx.version));
  const templateSource =
    override.templateBody !== undefined
      ? override.templateBody
      : campaign.templateId === null
        ? null
        : (ctx.state.templates.get(campaign.templateId)?.body ?? null);
  const html = new HtmlContext();
  if (templateSource === null) return renderNodes(body, { data, funcs, html });
  const wrapper = parseTemplate(rewriteTrackLinks(templateSource, ctx.version));
  return renderNodes(wrapper, { data, funcs, html, templates: { content: body } });
}

type MessageSubscriber = Pick<StoredSubscriber, 'uuid' | 'email' | 'name' | 'status' | 'attribs'>;

/** True when Listmonk treats the text as a template (it contains `{{`). */
const hasTemplate = (s: string): boolean => s.includes('{{');

/** The subject for a subscriber: text/template (no escaping; a missing key prints `<no value>`). */
export function renderSubject(
  ctx: StandInContext,
  campaign: StoredCampaign,
  subscriber: MessageSubscriber,
): string {
  if (!hasTemplate(campaign.subject)) return campaign.subject;
  const { data, funcs } = messageEnv(ctx, campaign, subscriber);
  return renderNodes(parseTemplate(rewriteTrackLinks(campaign.subject, ctx.version)), { data, funcs });
}

/**
 * The text part for a subscriber: html/template when the altbody contains `{{` (so values are
 * HTML-escaped, `J & J` reads `J &amp; J`), else verbatim (no `@TrackLink` rewrite); null without one.
 */
export function renderAltbody(
  ctx: StandInContext,
  campaign: StoredCampaign,
  subscriber: MessageSubscriber,
): string | null {
  const altbody = campaign.altbody;
  if (altbody === null || altbody === '') return null;
  if (!hasTemplate(altbody)) return altbody;
  const { data, funcs } = messageEnv(ctx, campaign, subscriber);
  const nodes = parseTemplate(rewriteTrackLinks(altbody, ctx.version));
  return renderNodes(nodes, { data, funcs, html: new HtmlContext() });
}

function messageEnv(ctx: StandInContext, campaign: StoredCampaign, subscriber: MessageSubscriber) {
  const root = ctx.rootUrl();
  const parts = subscriber.name.trim().split(/\s+/);
  const data = {
    Subscriber: {
      UUID: subscriber.uuid,
      Email: subscriber.email,
      Name: subscriber.name,
      FirstName: parts[0] ?? '',
      LastName: parts.length > 1 ? parts[parts.length - 1] : '',
      Status: subscriber.status,
      Attribs: subscriber.attribs,
    },
    Campaign: {
      UUID: campaign.uuid,
      Name: campaign.name,
      Subject: campaign.subject,
      FromEmail: campaign.fromEmail,
      Attribs: campaign.attribs,
    },
  };
  const sub = subscriber.uuid;
  const camp = campaign.uuid;
  const funcs: Record<string, (...args: unknown[]) => unknown> = {
    TrackLink: (...args) => {
      if (args.length !== 2) throw new Error(`wrong number of args for TrackLink: want 2 got ${args.length}`);
      // v2.2+: `&amp;` (what an HTML editor writes) is decoded before the link is registered.
      const url = String(args[0]);
      const uuid = ctx.registerLink(isAtLeast(ctx.version, 2, 2) ? url.replaceAll('&amp;', '&') : url);
      return `${root}/link/${uuid}/${camp}/${sub}`;
    },
    // template.HTML: a whole tag, unescaped in text, `#ZgotmplZ` inside an attribute.
    TrackView: () => new SafeHtml(`<img src="${root}/campaign/${camp}/${sub}/px.png" alt="" />`),
    UnsubscribeURL: () => `${root}/subscription/${camp}/${sub}`,
    ManageURL: () => `${root}/subscription/form/${camp}/${sub}`,
    OptinURL: () => `${root}/subscription/optin/${sub}`,
    MessageURL: () => `${root}/campaign/${camp}/${sub}`,
    ArchiveURL: () => `${root}/archive`,
    RootURL: () => root,
    Date: () => ctx.now().toISOString(),
    'L.T': (key) => String(key),
  };
  return { data, funcs };
}

/**
 * The message the campaign manager sends to one subscriber: subject, HTML and altbody rendered for
 * them. A render error skips the message (recorded in `skippedMessages`), as Listmonk logs it and
 * goes on; undefined then.
 */
export function renderCampaignMessage(
  ctx: StandInContext,
  campaign: StoredCampaign,
  subscriber: StoredSubscriber,
): SentMessage | undefined {
  try {
    return {
      campaignId: campaign.id,
      subscriberId: subscriber.id,
      to: subscriber.email,
      subject: renderSubject(ctx, campaign, subscriber),
      html: renderMessage(ctx, campaign, subscriber),
      text: campaign.contentType === 'plain' ? null : renderAltbody(ctx, campaign, subscriber),
    };
  } catch (error) {
    ctx.state.skippedMessages.push({
      campaignId: campaign.id,
      subscriberId: subscriber.id,
      error: (error as Error).message,
    });
    return undefined;
  }
}
