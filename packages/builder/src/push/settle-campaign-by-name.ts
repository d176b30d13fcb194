import type { ListmonkCampaignState, ListmonkPort } from './listmonk-port.js';

// The one that got furthest first: a scheduled or sent campaign is the one recipients get.
const RANK = { finished: 0, running: 1, scheduled: 2, paused: 3, draft: 4, cancelled: 5 } as const;

/**
 * Which of several campaigns with one name stands for it: the one that got furthest, then
 * `prefer` (the campaign this run just made), then the oldest. Pure.
 */
export function pickCampaign(
  found: readonly ListmonkCampaignState[],
  prefer?: number,
): ListmonkCampaignState | undefined {
  return [...found].sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] || Number(b.id === prefer) - Number(a.id === prefer) || a.id - b.id,
  )[0];
}

/**
 * The campaign a build's own name stands for in Listmonk, after deleting every other draft of that
 * name. A create whose answer was lost (a timeout, a dropped connection) can land after the build
 * looked and made another: the drafts beside the kept campaign are such duplicates, never sent, and
 * would be a second mail to the same list if anyone scheduled them. Scheduled or sent duplicates are
 * never touched. Returns undefined when Listmonk has no campaign of that name.
 */
export async function settleCampaignByName(
  listmonk: ListmonkPort,
  name: string,
  prefer?: number,
): Promise<ListmonkCampaignState | undefined> {
  return settleCampaigns(listmonk, await listmonk.listCampaignsByName(name), prefer);
}

/**
 * {@link settleCampaignByName} over campaigns of one name already read from Listmonk (one search
 * for a whole build): keeps {@link pickCampaign}'s choice and deletes every other draft.
 */
export async function settleCampaigns(
  listmonk: ListmonkPort,
  found: readonly ListmonkCampaignState[],
  prefer?: number,
): Promise<ListmonkCampaignState | undefined> {
  const kept = pickCampaign(found, prefer);
  for (const c of found) {
    if (c !== kept && c.status === 'draft') await listmonk.deleteCampaign(c.id);
  }
  return kept;
}
