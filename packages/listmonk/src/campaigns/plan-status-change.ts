import type { ListmonkFeatures } from '../client/listmonk-version.js';

/** A campaign status in Listmonk. */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'finished';

/** The statuses a client may ask for with `PUT /api/campaigns/:id/status`. */
export type RequestableStatus = Exclude<CampaignStatus, 'finished'>;

/**
 * Whether Listmonk allows `from` → `to`, per its status table (scheduling from paused only v5+).
 * Returns undefined when allowed, else why not (in English, for our own messages).
 */
export function planStatusChange(
  from: CampaignStatus,
  to: RequestableStatus,
  features: Pick<ListmonkFeatures, 'scheduleFromPaused'>,
): string | undefined {
  const allowed: Record<RequestableStatus, readonly CampaignStatus[]> = {
    draft: ['scheduled'],
    scheduled: features.scheduleFromPaused ? ['draft', 'paused'] : ['draft'],
    running: ['draft', 'paused'],
    paused: ['running'],
    cancelled: ['running', 'paused'],
  };
  if (allowed[to].includes(from)) return undefined;
  const froms = allowed[to].join(' or ');
  const extra =
    to === 'scheduled' && from === 'paused'
      ? ' (this Listmonk version cannot schedule a paused campaign; resume it or upgrade to v5+)'
      : '';
  return `a ${from} campaign cannot become ${to}; only ${froms} campaigns can${extra}`;
}
