import { isAtLeast } from '../client/listmonk-version.js';
import { renderCampaignMessage } from './render-message.js';
import { slidingWindowOf } from './routes/settings-routes.js';
import type { StandInContext } from './stand-in-http.js';
import type { StoredCampaign, StoredSubscriber } from './stand-in-state.js';

/**
 * The subscribers a campaign sends to, by id, as Listmonk's `next-campaigns` counts them: not
 * blocklisted, on one of its lists with a subscription that counts (double opt-in lists: confirmed;
 * others: not unsubscribed; an opt-in campaign: unconfirmed on double opt-in lists).
 */
export function audienceOf(c: StoredCampaign, ctx: StandInContext): StoredSubscriber[] {
  const out: StoredSubscriber[] = [];
  for (const s of ctx.state.subscribers.values()) {
    if (s.status === 'blocklisted') continue;
    const counts = c.listIds.some((id) => {
      const list = ctx.state.lists.get(id);
      const status = s.lists.get(id);
      if (list === undefined || status === undefined) return false;
      if (c.type === 'optin') return status === 'unconfirmed' && list.optin === 'double';
      return list.optin === 'double' ? status === 'confirmed' : status !== 'unsubscribed';
    });
    if (counts) out.push(s);
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Messages per second the stand-in sends: `app.concurrency` × `app.message_rate` (10 × 10). */
function sendRate(ctx: StandInContext): number {
  const num = (key: string, fallback: number) => {
    const v = Number(ctx.state.appliedSettings[key]);
    return Number.isFinite(v) && v >= 1 ? v : fallback;
  };
  return num('app.concurrency', 10) * num('app.message_rate', 10);
}

/**
 * Listmonk's campaign manager, run against the stand-in's clock before each request. The manager
 * scans for work every few seconds (`scanIntervalMs`, 5 s): a campaign is picked up one scan
 * interval after it became due (send_at passed) or was set running. A scheduled campaign with an
 * audience then starts (`to_send` counted, `started_at` set, `running`); one without goes straight
 * to `finished` on v5.0.1+ and stays `scheduled` before. A running campaign sends at the configured
 * rate (`sent` grows; each message is rendered and recorded; one that fails to render is skipped
 * and not counted; the sliding window holds messages back) and is `finished` once every subscriber
 * was processed. Paused campaigns wait.
 */
export function advanceCampaigns(ctx: StandInContext): void {
  const now = ctx.now();
  const scan = ctx.scanIntervalMs;
  for (const c of ctx.state.campaigns.values()) {
    // Due once both send_at has passed and it was scheduled (a past send_at starts at once).
    const dueAt = c.sendAt === null ? undefined : Math.max(c.sendAt.getTime(), c.queuedAt ?? 0);
    if (c.status === 'scheduled' && dueAt !== undefined && dueAt + scan <= now.getTime()) {
      const audience = audienceOf(c, ctx);
      if (audience.length === 0) {
        if (isAtLeast(ctx.version, 5, 0, 1)) {
          c.status = 'finished';
          c.updatedAt = now;
        }
        continue;
      }
      c.status = 'running';
      c.queuedAt = dueAt;
    }
    if (c.status !== 'running') continue;
    if (c.sendClock === null) {
      // Set running (or due) but not yet picked up by a scan.
      const pickup = (c.queuedAt ?? now.getTime()) + scan;
      if (pickup > now.getTime()) continue;
      c.sendClock = pickup;
      c.startedAt ??= new Date(pickup);
      c.toSend = audienceOf(c, ctx).length;
      c.updatedAt = now;
    }
    const rate = sendRate(ctx);
    const due = Math.floor(((now.getTime() - c.sendClock) / 1000) * rate);
    const audience = audienceOf(c, ctx).filter((s) => s.id > c.lastSubscriberId);
    if (audience.length === 0) {
      c.status = 'finished';
      c.updatedAt = now;
      continue;
    }
    if (due <= 0) continue;
    c.sendClock += (due / rate) * 1000;
    const window = slidingWindowOf(ctx.state.appliedSettings);
    let processed = 0;
    for (const s of audience.slice(0, due)) {
      if (window !== undefined) {
        const w = ctx.state.window ?? { start: now.getTime(), count: 0 };
        if (now.getTime() - w.start >= window.ms) Object.assign(w, { start: now.getTime(), count: 0 });
        ctx.state.window = w;
        // The window is full: the manager sleeps until it ends.
        if (w.count >= window.rate) break;
        w.count += 1;
      }
      processed += 1;
      c.lastSubscriberId = s.id;
      const message = renderCampaignMessage(ctx, c, s);
      if (message === undefined) continue;
      ctx.state.messages.push(message);
      c.sent += 1;
    }
    c.updatedAt = now;
    if (audience.length <= processed) c.status = 'finished';
  }
}
