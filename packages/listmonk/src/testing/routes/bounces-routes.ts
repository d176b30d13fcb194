import { MSG } from '../messages.js';
import { bad, ok, paginate, type StandInContext, type StandInRoute, ts } from '../stand-in-http.js';
import type { StoredBounce } from '../stand-in-state.js';
import { findByEmail } from '../subscriber-rules.js';

const ORDER_BY = new Set(['email', 'campaign_name', 'source', 'created_at']);

function bounceOut(b: StoredBounce, ctx: StandInContext): Record<string, unknown> {
  const s = ctx.state.subscribers.get(b.subscriberId);
  const c = b.campaignId === null ? undefined : ctx.state.campaigns.get(b.campaignId);
  return {
    id: b.id,
    type: b.type,
    source: b.source,
    meta: b.meta,
    created_at: ts(b.createdAt),
    email: s?.email ?? '',
    subscriber_uuid: s?.uuid ?? '',
    subscriber_id: b.subscriberId,
    campaign: c === undefined ? null : { id: c.id, name: c.name },
  };
}

/** Bounces: list (paged, filtered, ordered) and the bounce webhook that records them. */
export const BOUNCES_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/bounces',
    perm: 'bounces:get',
    handle: (req, ctx) => {
      const campaignId = req.query.get('campaign_id');
      const source = req.query.get('source');
      const orderBy = req.query.get('order_by') ?? 'created_at';
      if (!ORDER_BY.has(orderBy)) bad(MSG.invalidParams('order_by'));
      const desc = (req.query.get('order') ?? 'desc').toLowerCase() !== 'asc';
      const items = [...ctx.state.bounces.values()]
        .filter((b) => campaignId === null || b.campaignId === Number(campaignId))
        .filter((b) => source === null || source === '' || b.source === source)
        .map((b) => bounceOut(b, ctx))
        .sort((a, b) => {
          const key = orderBy === 'campaign_name' ? 'campaign' : orderBy;
          const av =
            key === 'campaign' ? ((a.campaign as { name: string } | null)?.name ?? '') : String(a[key]);
          const bv =
            key === 'campaign' ? ((b.campaign as { name: string } | null)?.name ?? '') : String(b[key]);
          const cmp = av < bv ? -1 : av > bv ? 1 : (a.id as number) - (b.id as number);
          return desc ? -cmp : cmp;
        });
      return ok({ ...paginate(items, req.query), query: '' });
    },
  },
  {
    method: 'POST',
    pattern: '/webhooks/bounce',
    perm: 'webhooks:post_bounce',
    handle: (req, ctx) => {
      const body = req.json();
      const email = typeof body.email === 'string' ? body.email : '';
      const subscriber = findByEmail(email, ctx);
      if (subscriber === undefined) bad(MSG.notFound('Subscriber'));
      const type =
        body.type === 'soft' || body.type === 'complaint'
          ? body.type
          : body.type === 'hard'
            ? 'hard'
            : bad('Invalid bounce type.');
      const campaign = [...ctx.state.campaigns.values()].find((c) => c.uuid === body.campaign_uuid);
      const bounce: StoredBounce = {
        id: ctx.state.nextId.bounce++,
        subscriberId: subscriber.id,
        campaignId: campaign?.id ?? null,
        type,
        source: typeof body.source === 'string' ? body.source : 'api',
        meta:
          typeof body.meta === 'object' && body.meta !== null ? (body.meta as Record<string, unknown>) : {},
        createdAt: ctx.now(),
      };
      ctx.state.bounces.set(bounce.id, bounce);
      if (campaign) campaign.bounces += 1;
      return ok(true);
    },
  },
];
