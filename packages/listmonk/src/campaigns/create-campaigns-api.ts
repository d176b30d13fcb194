import { z } from 'zod';
import type { ClientCore } from '../client/client-core.js';
import { pageReader, readAll, readAllPages } from '../client/read-pages.js';
import { type Campaign, CampaignSchema, type RunningStats, RunningStatsSchema } from '../client/schemas.js';
import { ListmonkError } from '../errors.js';
import { assertSendAtAhead } from './assert-send-at-ahead.js';
import { planStatusChange, type RequestableStatus } from './plan-status-change.js';

/** What a campaign is created with. Listmonk always creates a draft. */
export interface CampaignInput {
  name: string;
  subject: string;
  listIds: number[];
  /** `Name <a@b.c>` or a bare address; absent: Listmonk's default from address. */
  fromEmail?: string;
  templateId?: number;
  /** Default `html`. */
  contentType?: 'html' | 'richtext' | 'markdown' | 'plain' | 'visual';
  body: string;
  altbody?: string;
  /** When Listmonk starts the campaign once it is scheduled; must be ahead by the safety margin. */
  sendAt?: Date | null;
  tags?: string[];
  /** Extra message headers, Listmonk's shape: `[{"X-Name": "value"}]`. */
  headers?: Array<Record<string, string>>;
  messenger?: string;
  type?: 'regular' | 'optin';
}

/** A change to a campaign: only the given fields change; the rest is sent back as stored. */
export type CampaignPatch = Partial<CampaignInput>;

/** The campaign methods of the client. */
export interface CampaignsApi {
  /** Creates a draft campaign. Refuses locally (SEND_AT_PAST) a send_at inside the safety margin. */
  createCampaign(input: CampaignInput): Promise<Campaign>;
  /**
   * Updates a campaign without losing fields: reads it, applies `patch`, and sends everything back
   * (lists always, since Listmonk requires them on every update; media, or it drops attachments).
   */
  updateCampaign(id: number, patch: CampaignPatch): Promise<Campaign>;
  /** The campaign, or NOT_FOUND. */
  getCampaign(id: number): Promise<Campaign>;
  /**
   * Deletes a campaign (Listmonk deletes whatever its status; callers decide what may go). A
   * campaign already gone is not an error: a retried delete whose first answer was lost succeeds.
   */
  deleteCampaign(id: number): Promise<void>;
  /** The campaign, or undefined. */
  findCampaign(id: number): Promise<Campaign | undefined>;
  /**
   * Campaigns, optionally only those with all given tags / one of the given statuses / matching
   * Listmonk's search `query` (full text or ILIKE on name and subject: a superset, never exact).
   * `all`: in one request (`per_page=all`), one consistent read; otherwise pages of 50.
   */
  listCampaigns(filter?: {
    tags?: string[];
    status?: string[];
    query?: string;
    all?: boolean;
  }): Promise<Campaign[]>;
  /**
   * Changes the status along Listmonk's allowed transitions and returns the campaign as re-read
   * afterwards (v5+ stores `scheduled` when `running` is asked of a campaign with a send_at).
   * Before `scheduled` the send_at is checked against the clock with the safety margin: Listmonk
   * does not re-check it and would start a past-dated campaign at once.
   */
  changeCampaignStatus(id: number, status: RequestableStatus): Promise<Campaign>;
  /**
   * Renders the campaign as Listmonk would (`POST /api/campaigns/:id/preview`), optionally with
   * another body or template; rendering registers every tracked link, as a send does.
   */
  previewCampaign(
    id: number,
    override?: { body?: string; contentType?: string; templateId?: number },
  ): Promise<string>;
  /**
   * Renders a text part as Listmonk renders a campaign's altbody (`POST /api/campaigns/:id/text`:
   * html/template, the campaign's template around it).
   */
  previewCampaignText(id: number, text: string): Promise<string>;
  /** `GET /api/campaigns/running/stats` for the given campaigns (all running ones when none). */
  getRunningStats(ids?: number[]): Promise<RunningStats[]>;
}

const FROZEN = new Set(['running', 'cancelled', 'finished']);

/** Creates the campaign methods. */
export function createCampaignsApi(core: ClientCore): CampaignsApi {
  function checkFields(input: CampaignPatch): void {
    const problems: string[] = [];
    const bytes = (s: string): number => Buffer.byteLength(s);
    if (input.name !== undefined && (bytes(input.name) < 1 || bytes(input.name) > 2000)) {
      problems.push('name must be 1 to 2000 bytes');
    }
    if (input.subject !== undefined && (bytes(input.subject) < 1 || bytes(input.subject) > 5000)) {
      problems.push('subject must be 1 to 5000 bytes');
    }
    if (input.listIds !== undefined && input.listIds.length === 0)
      problems.push('at least one list id is needed');
    if (problems.length > 0) {
      throw new ListmonkError('REJECTED', `the campaign is invalid: ${problems.join('; ')}`);
    }
  }

  function sendAtField(sendAt: Date | null | undefined, legacySendLater: boolean): Record<string, unknown> {
    if (sendAt === undefined) return {};
    const value = sendAt === null ? null : sendAt.toISOString();
    // v2–v4 ignore send_at unless send_later is true.
    return legacySendLater ? { send_at: value, send_later: value !== null } : { send_at: value };
  }

  async function getCampaign(id: number): Promise<Campaign> {
    return core.transport.send({
      method: 'GET',
      path: `/api/campaigns/${id}`,
      schema: CampaignSchema,
      notFoundOn400: true,
    });
  }

  return {
    getCampaign,

    async deleteCampaign(id) {
      try {
        await core.transport.send({
          method: 'DELETE',
          path: `/api/campaigns/${id}`,
          schema: z.unknown(),
          notFoundOn400: true,
          idempotent: true,
        });
      } catch (error) {
        if (!(error instanceof ListmonkError && error.code === 'NOT_FOUND')) throw error;
      }
    },

    async findCampaign(id) {
      try {
        return await getCampaign(id);
      } catch (error) {
        if (error instanceof ListmonkError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    },

    async createCampaign(input) {
      checkFields(input);
      const { features } = await core.server();
      if (input.sendAt)
        assertSendAtAhead(input.sendAt, core.now(), core.sendAtMarginMs, `campaign "${input.name}"`);
      return core.transport.send({
        method: 'POST',
        path: '/api/campaigns',
        json: {
          name: input.name,
          subject: input.subject,
          lists: input.listIds,
          from_email: input.fromEmail,
          type: input.type ?? 'regular',
          content_type: input.contentType ?? 'html',
          body: input.body,
          altbody: input.altbody,
          messenger: input.messenger ?? 'email',
          template_id: input.templateId,
          tags: input.tags ?? [],
          headers: input.headers ?? [],
          ...sendAtField(input.sendAt, !features.runningWithSendAtSchedules),
        },
        schema: CampaignSchema,
      });
    },

    async updateCampaign(id, patch) {
      checkFields(patch);
      const { features } = await core.server();
      const current = await getCampaign(id);
      if (FROZEN.has(current.status)) {
        throw new ListmonkError(
          'REJECTED',
          `campaign ${id} is ${current.status}; Listmonk cannot update a running or a finished campaign`,
        );
      }
      const sendAt =
        patch.sendAt !== undefined ? patch.sendAt : current.send_at ? new Date(current.send_at) : null;
      if (sendAt) {
        assertSendAtAhead(
          sendAt,
          core.now(),
          patch.sendAt !== undefined ? core.sendAtMarginMs : 0,
          `campaign ${id}`,
        );
      }
      const listIds =
        patch.listIds ?? (current.lists ?? []).map((l) => l.id).filter((v): v is number => v !== null);
      const body: Record<string, unknown> = {
        name: patch.name ?? current.name,
        subject: patch.subject ?? current.subject,
        lists: listIds,
        from_email: patch.fromEmail ?? current.from_email,
        type: patch.type ?? current.type,
        content_type: patch.contentType ?? current.content_type,
        messenger: patch.messenger ?? current.messenger,
        body: patch.body ?? current.body,
        altbody: patch.altbody ?? current.altbody ?? null,
        template_id: patch.templateId ?? current.template_id,
        tags: patch.tags ?? current.tags ?? [],
        headers: patch.headers ?? current.headers ?? [],
        media: (current.media ?? []).map((m) => m.id),
        ...sendAtField(sendAt, !features.runningWithSendAtSchedules),
      };
      // Fields mailramp does not edit are sent back as read, so an update never drops them.
      for (const key of ['archive', 'archive_template_id', 'archive_meta', 'archive_slug', 'attribs']) {
        if (key in current) body[key] = (current as Record<string, unknown>)[key];
      }
      return core.transport.send({
        method: 'PUT',
        path: `/api/campaigns/${id}`,
        json: body,
        schema: CampaignSchema,
        notFoundOn400: false,
      });
    },

    async listCampaigns(filter = {}) {
      await core.server();
      // Listmonk reads `tag=` (repeatable); `tags=` would be ignored and every campaign returned.
      const query = { tag: filter.tags, status: filter.status, query: filter.query };
      if (filter.all === true) {
        // One read: pages read one after another can skip a campaign deleted in between.
        return readAll(core, '/api/campaigns', query, CampaignSchema);
      }
      return readAllPages(core, pageReader(core, '/api/campaigns', query, CampaignSchema));
    },

    async changeCampaignStatus(id, status) {
      const { features } = await core.server();
      const current = await getCampaign(id);
      const refusal = planStatusChange(current.status, status, features);
      if (refusal !== undefined) {
        throw new ListmonkError('REJECTED', `cannot change campaign ${id} to ${status}: ${refusal}`);
      }
      if (status === 'scheduled') {
        if (!current.send_at) {
          throw new ListmonkError('REJECTED', `campaign ${id} has no send_at; set one before scheduling it`);
        }
        // Checked right before the call: Listmonk does not check send_at when it schedules.
        assertSendAtAhead(new Date(current.send_at), core.now(), core.sendAtMarginMs, `campaign ${id}`);
      }
      await core.transport.send({
        method: 'PUT',
        path: `/api/campaigns/${id}/status`,
        json: { status },
        schema: z.unknown(),
      });
      return getCampaign(id);
    },

    async previewCampaign(id, override = {}) {
      await core.server();
      const template = override.templateId === undefined ? {} : { template_id: override.templateId };
      // A POST previews exactly the posted body and content type (none: an empty body, as HTML);
      // the stored campaign is what GET renders.
      if (override.body === undefined) {
        return core.transport.send({
          method: 'GET',
          path: `/api/campaigns/${id}/preview`,
          query: template,
          text: true,
          schema: z.string(),
        });
      }
      const form = new URLSearchParams();
      form.set('body', override.body);
      form.set('content_type', override.contentType ?? (await getCampaign(id)).content_type);
      if (override.templateId !== undefined) form.set('template_id', String(override.templateId));
      return core.transport.send({
        method: 'POST',
        path: `/api/campaigns/${id}/preview`,
        form,
        text: true,
        schema: z.string(),
        idempotent: true,
      });
    },

    async previewCampaignText(id, text) {
      await core.server();
      const form = new URLSearchParams({ body: text, content_type: 'plain' });
      return core.transport.send({
        method: 'POST',
        path: `/api/campaigns/${id}/text`,
        form,
        text: true,
        schema: z.string(),
        idempotent: true,
      });
    },

    async getRunningStats(ids = []) {
      await core.server();
      return core.transport.send({
        method: 'GET',
        path: '/api/campaigns/running/stats',
        query: { campaign_id: ids },
        schema: z
          .array(RunningStatsSchema)
          .nullable()
          .transform((r) => r ?? []),
      });
    },
  };
}
