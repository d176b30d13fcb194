import { randomUUID } from 'node:crypto';
import { isAtLeast } from '../../client/listmonk-version.js';
import { rewriteTrackLinks } from '../../templates/rewrite-track-links.js';
import { audienceOf } from '../campaign-life.js';
import { parseTemplate, TemplateError } from '../go-template.js';
import { MSG } from '../messages.js';
import { campaignMatches } from '../search-match.js';
import {
  bad,
  byteLength,
  idParam,
  ok,
  paginate,
  type StandInContext,
  type StandInRoute,
  ts,
} from '../stand-in-http.js';
import type { StoredCampaign } from '../stand-in-state.js';

const CONTENT_TYPES = new Set(['richtext', 'html', 'markdown', 'plain', 'visual']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A campaign as Listmonk answers it. */
export function campaignOut(
  c: StoredCampaign,
  ctx: StandInContext,
  status = c.status,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    uuid: c.uuid,
    name: c.name,
    subject: c.subject,
    from_email: c.fromEmail,
    body: c.body,
    altbody: c.altbody,
    send_at: ts(c.sendAt),
    status,
    content_type: c.contentType,
    type: c.type,
    tags: c.tags,
    headers: c.headers,
    template_id: c.templateId,
    messenger: c.messenger,
    lists: c.listIds.map((id) => ({ id, name: ctx.state.lists.get(id)?.name ?? '' })),
    to_send: c.toSend,
    sent: c.sent,
    views: c.views,
    clicks: c.clicks,
    bounces: c.bounces,
    started_at: ts(c.startedAt),
    created_at: ts(c.createdAt),
    updated_at: ts(c.updatedAt),
    media: c.media.map((id) => ({ id, filename: `media-${id}` })),
    archive: c.archive,
    archive_template_id: c.archiveTemplateId,
    archive_meta: c.archiveMeta,
    archive_slug: c.archiveSlug,
  };
  if (ctx.version.major >= 6) out.attribs = c.attribs;
  return out;
}

/** Go's time.Parse of RFC 3339 inside JSON binding: a missing offset is a 400 with Go's error. */
function parseSendAt(value: unknown): Date | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string')
    bad('json: cannot unmarshal into Go struct field campReq.send_at of type null.Time');
  if (!RFC3339.test(value)) {
    const missingOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value);
    bad(
      `parsing time "\\"${value}\\"" as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse ${missingOffset ? '"\\""' : `"${value}"`} as "${missingOffset ? 'Z07:00' : '2006'}"`,
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) bad(`parsing time "${value}": month out of range`);
  return date;
}

function isFromEmail(value: string): boolean {
  const named = /^(.*)<([^<>\s]+@[^<>\s]+)>$/.exec(value.trim());
  const address = named ? named[2]! : value.trim();
  return /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/.test(address);
}

/**
 * Listmonk's validateCampaignFields, in its order: from_email, name, subject, send_at, lists,
 * messenger, body compilation. Each fails with a 400 and its message.
 */
function validate(c: StoredCampaign, ctx: StandInContext): void {
  if (c.fromEmail === '') c.fromEmail = String(ctx.state.appliedSettings['app.from_email'] ?? '');
  else if (!isFromEmail(c.fromEmail)) bad(MSG.invalidFromEmail);
  if (byteLength(c.name) < 1 || byteLength(c.name) > 2000) bad(MSG.invalidLength('name'));
  if (byteLength(c.subject) < 1 || byteLength(c.subject) > 5000) bad(MSG.invalidLength('subject'));
  if (c.sendAt !== null && c.sendAt.getTime() < ctx.now().getTime()) bad(MSG.sendAtPast);
  if (c.listIds.length === 0) bad(MSG.invalidListIds);
  const messengers = new Set([
    'email',
    ...((ctx.state.appliedSettings.messengers as Array<{ name: string; enabled: boolean }>) ?? [])
      .filter((m) => m.enabled)
      .map((m) => m.name),
  ]);
  if (!messengers.has(c.messenger)) bad(MSG.unknownMessenger(c.messenger));
  // CompileTemplate: the subject (text/template), the body, the altbody (html/template; both only
  // when they contain `{{`) and, v6.2+, templated header values. Parse only: execution errors
  // (a nil argument, a wrong argument count) surface when a message is rendered.
  const compile = (what: string, source: string): void => {
    try {
      parseTemplate(rewriteTrackLinks(source, ctx.version));
    } catch (error) {
      if (error instanceof TemplateError) bad(MSG.compileBody(`${what}${error.message}`));
      throw error;
    }
  };
  if (c.subject.includes('{{')) compile('error compiling subject: ', c.subject);
  compile('', c.body);
  if (c.altbody?.includes('{{')) compile('error compiling alt plaintext message: ', c.altbody);
  if (isAtLeast(ctx.version, 6, 2)) {
    for (const set of c.headers) {
      for (const [name, value] of Object.entries(set)) {
        if (typeof value === 'string' && value.includes('{{'))
          compile(`error compiling header "${name}": `, value);
      }
    }
  }
}

/** Applies a create/update body onto a campaign (update merges onto the stored one). */
function applyBody(
  c: StoredCampaign,
  body: Record<string, unknown>,
  ctx: StandInContext,
  creating: boolean,
): void {
  const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
  c.name = str(body.name, creating ? '' : c.name);
  c.subject = str(body.subject, creating ? '' : c.subject);
  c.fromEmail = str(body.from_email, creating ? '' : c.fromEmail);
  c.body = str(body.body, creating ? '' : c.body);
  if ('altbody' in body) c.altbody = typeof body.altbody === 'string' ? body.altbody : null;
  let contentType = str(body.content_type, creating ? 'richtext' : c.contentType);
  if (!CONTENT_TYPES.has(contentType)) {
    // v5+ coerce an unknown content type to richtext silently.
    if (ctx.version.major >= 5) contentType = 'richtext';
    else bad(MSG.invalidContentType);
  }
  c.contentType = contentType;
  c.type = body.type === 'optin' ? 'optin' : creating || body.type !== undefined ? 'regular' : c.type;
  c.messenger = str(body.messenger, creating ? 'email' : c.messenger) || 'email';
  if (Array.isArray(body.tags)) c.tags = body.tags.filter((t): t is string => typeof t === 'string');
  if (Array.isArray(body.headers)) c.headers = body.headers as Array<Record<string, string>>;
  if ('template_id' in body) c.templateId = typeof body.template_id === 'number' ? body.template_id : null;
  // lists must be sent every time: an update without them has none.
  c.listIds = Array.isArray(body.lists) ? body.lists.filter((x): x is number => Number.isInteger(x)) : [];
  // Omitting media deletes the attachments.
  c.media = Array.isArray(body.media) ? body.media.filter((x): x is number => Number.isInteger(x)) : [];
  if (typeof body.archive === 'boolean') c.archive = body.archive;
  if ('archive_slug' in body)
    c.archiveSlug = typeof body.archive_slug === 'string' ? body.archive_slug : null;
  if (ctx.version.major >= 6 && typeof body.attribs === 'object' && body.attribs !== null) {
    c.attribs = body.attribs as Record<string, unknown>;
  }
  const sendAt = parseSendAt(body.send_at);
  if (sendAt !== undefined) c.sendAt = sendAt;
}

/**
 * What the update query does to the status (LISTMONK.md, Campaigns): v5+ turn a scheduled
 * campaign whose send_at is now null back into a draft; v2–v4 store send_at as sent and make the
 * campaign a draft unless the update says `send_later: true`.
 */
function statusAfterUpdate(c: StoredCampaign, body: Record<string, unknown>, ctx: StandInContext) {
  if (ctx.version.major >= 5) return c.status === 'scheduled' && c.sendAt === null ? 'draft' : c.status;
  return body.send_later === true ? c.status : 'draft';
}

/** The lists the campaign is stored with: ids that do not exist are dropped silently. */
function existingLists(c: StoredCampaign, ctx: StandInContext): number[] {
  return c.listIds.filter((id) => ctx.state.lists.has(id));
}

function getCampaign(ctx: StandInContext, id: number): StoredCampaign {
  const c = ctx.state.campaigns.get(id);
  if (c === undefined) bad(MSG.notFound('Campaign'));
  return c;
}

/** Status change rules (Listmonk's handleUpdateCampaignStatus). */
function changeStatus(c: StoredCampaign, to: unknown, ctx: StandInContext): StoredCampaign['status'] {
  const v5 = ctx.version.major >= 5;
  switch (to) {
    case 'draft':
      if (c.status !== 'scheduled') bad(MSG.onlyScheduledToDraft);
      return 'draft';
    case 'scheduled':
      // Listmonk checks both and its second message overwrites the first: a campaign that is in the
      // wrong status and has no send_at is answered "needs a date" (core/campaigns.go).
      if (c.sendAt === null) bad(MSG.needsDate);
      if (v5 ? c.status !== 'draft' && c.status !== 'paused' : c.status !== 'draft') {
        bad(v5 ? MSG.onlyDraftOrPausedScheduled : MSG.onlyDraftScheduled);
      }
      // Listmonk does not re-check send_at here: a past send_at is scheduled and starts at once.
      return 'scheduled';
    case 'running':
      if (c.status !== 'draft' && c.status !== 'paused') bad(MSG.onlyPausedOrDraftStart);
      return v5 && c.sendAt !== null ? 'scheduled' : 'running';
    case 'paused':
      if (c.status !== 'running') bad(MSG.onlyActivePause);
      return 'paused';
    case 'cancelled':
      if (c.status !== 'running' && c.status !== 'paused') bad(MSG.onlyActiveCancel);
      return 'cancelled';
    default:
      bad(MSG.invalidStatus);
  }
}

/** Campaign routes. */
export const CAMPAIGNS_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/campaigns',
    perm: 'campaigns:get_all',
    handle: (req, ctx) => {
      // `tag=` (repeatable); `tags=` is not a parameter Listmonk reads.
      const tags = req.query.getAll('tag');
      const statuses = req.query.getAll('status');
      const query = (req.query.get('query') ?? '').trim();
      const items = [...ctx.state.campaigns.values()]
        .filter((c) => tags.every((t) => c.tags.includes(t)))
        .filter((c) => statuses.length === 0 || statuses.includes(c.status))
        .filter((c) => campaignMatches(c, query, ctx.version))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
        .map((c) => campaignOut(c, ctx));
      // Nothing found: Listmonk answers an empty PageResults (no query, page or per_page).
      if (items.length === 0)
        return ok({ results: [], search: '', query: '', total: 0, per_page: 0, page: 0 });
      return ok({ ...paginate(items, req.query), query });
    },
  },
  {
    method: 'GET',
    pattern: '/api/campaigns/running/stats',
    perm: 'campaigns:get_all',
    handle: (req, ctx) => {
      const ids = req.query.getAll('campaign_id').map(Number);
      const stats = [...ctx.state.campaigns.values()]
        .filter((c) => (ids.length === 0 ? c.status === 'running' : ids.includes(c.id)))
        .map((c) => ({
          id: c.id,
          status: c.status,
          to_send: c.toSend,
          sent: c.sent,
          started_at: ts(c.startedAt),
          updated_at: ts(c.updatedAt),
          rate: 0,
          net_rate: 0,
        }));
      return ok(stats);
    },
  },
  {
    method: 'GET',
    pattern: '/api/campaigns/:id',
    perm: 'campaigns:get_all',
    handle: (req, ctx) => ok(campaignOut(getCampaign(ctx, idParam(req)), ctx)),
  },
  {
    method: 'POST',
    pattern: '/api/campaigns',
    perm: 'campaigns:manage_all',
    handle: (req, ctx) => {
      const body = req.json();
      const now = ctx.now();
      const c: StoredCampaign = {
        id: 0,
        uuid: randomUUID(),
        name: '',
        subject: '',
        fromEmail: '',
        body: '',
        altbody: null,
        sendAt: null,
        status: 'draft',
        contentType: 'richtext',
        type: 'regular',
        tags: [],
        headers: [],
        templateId: null,
        messenger: 'email',
        listIds: [],
        media: [],
        archive: false,
        archiveTemplateId: null,
        archiveMeta: {},
        archiveSlug: null,
        attribs: {},
        toSend: 0,
        sent: 0,
        views: 0,
        clicks: 0,
        bounces: 0,
        startedAt: null,
        queuedAt: null,
        sendClock: null,
        lastSubscriberId: 0,
        createdAt: now,
        updatedAt: now,
      };
      applyBody(c, body, ctx, true);
      validate(c, ctx);
      c.listIds = existingLists(c, ctx);
      // to_send: counted at creation up to v5, 0 from v6 (counted when the campaign starts).
      c.toSend = ctx.version.major >= 6 ? 0 : audienceOf(c, ctx).length;
      if (c.templateId === null)
        c.templateId = [...ctx.state.templates.values()].find((t) => t.isDefault)?.id ?? null;
      c.id = ctx.state.nextId.campaign++;
      ctx.state.campaigns.set(c.id, c);
      return ok(campaignOut(c, ctx));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/campaigns/:id',
    perm: 'campaigns:manage_all',
    handle: (req, ctx) => {
      const stored = getCampaign(ctx, idParam(req));
      if (stored.status === 'running' || stored.status === 'cancelled' || stored.status === 'finished') {
        bad(MSG.cantUpdate);
      }
      const draft: StoredCampaign = structuredClone(stored);
      const body = req.json();
      applyBody(draft, body, ctx, false);
      validate(draft, ctx);
      draft.listIds = existingLists(draft, ctx);
      draft.status = statusAfterUpdate(draft, body, ctx);
      draft.updatedAt = ctx.now();
      ctx.state.campaigns.set(draft.id, draft);
      return ok(campaignOut(draft, ctx));
    },
  },
  {
    method: 'PUT',
    pattern: '/api/campaigns/:id/status',
    perm: 'campaigns:send',
    handle: (req, ctx) => {
      const c = getCampaign(ctx, idParam(req));
      const asked = req.json().status;
      const next = changeStatus(c, asked, ctx);
      // Picked up by the manager's next scan; a resumed one sends from then, not for its pause.
      if (next === 'scheduled') c.queuedAt = ctx.now().getTime();
      if (next === 'running') {
        c.queuedAt = ctx.now().getTime();
        c.sendClock = null;
      }
      c.status = next;
      c.updatedAt = ctx.now();
      // v5+: the reply echoes the status asked for even when `scheduled` was stored.
      return ok(campaignOut(c, ctx, asked === 'running' ? 'running' : next));
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/campaigns/:id',
    perm: 'campaigns:manage_all',
    handle: (req, ctx) => {
      const c = getCampaign(ctx, idParam(req));
      ctx.state.campaigns.delete(c.id);
      return ok(true);
    },
  },
];
