import { normalizeEmail } from '@mailramp/mailbox';
import { BuilderError } from '../errors.js';
import type { ListmonkPort } from '../push/listmonk-port.js';
import { pickCampaign } from '../push/settle-campaign-by-name.js';

/** A row in a backfill's window whose campaign Listmonk has not sent yet. */
export interface PendingRow {
  email: string;
  campaignName: string;
  listmonkInstance: string;
  sendAt: Date;
}

/** What a backfill took off one pending campaign's list. */
export interface TakenOff {
  instance: string;
  campaign: string;
  campaignId: number;
  sendAt: Date;
  recipients: number;
}

// Taking recipients off a campaign that starts in a moment races Listmonk's manager (it reads the
// audience when it starts): such a campaign is refused instead.
const MARGIN_MS = 5 * 60_000;

/**
 * Takes a backfill's pending recipients off their campaigns' lists in Listmonk, so the campaigns
 * (scheduled, send_at ahead) do not mail them and the next build may: each campaign must still be
 * scheduled at least 5 minutes ahead, before and after; the lists are read back and every
 * recipient must be gone. Anything else throws BACKFILL_CONFLICT naming the campaign (the caller
 * rolls its reset back: a recipient taken off but still stamped is at worst not mailed, never
 * mailed twice).
 */
export async function takeOffPendingCampaigns(
  backfill: string,
  rows: readonly PendingRow[],
  listmonkOf: (instance: string) => ListmonkPort | Promise<ListmonkPort>,
  now: () => Date,
): Promise<TakenOff[]> {
  const groups = new Map<string, PendingRow[]>();
  for (const r of rows) {
    const k = `${r.listmonkInstance}\n${r.campaignName}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const done: TakenOff[] = [];
  for (const group of groups.values()) {
    const { listmonkInstance: instance, campaignName: name } = group[0]!;
    const refuse = (why: string, cause?: unknown): BuilderError =>
      new BuilderError(
        'BACKFILL_CONFLICT',
        `backfill ${backfill}: cannot take ${group.length} recipients off campaign ${name} (Listmonk instance ${instance}): ${why}. Nothing was reset${done.length > 0 ? ` (recipients already taken off ${done.map((d) => d.campaign).join(', ')} stay stamped: not mailed by those campaigns)` : ''}; wait until the campaign has sent, or end the window (--sent-to) before it was stamped`,
        cause === undefined ? undefined : { cause },
      );
    try {
      const listmonk = await listmonkOf(instance);
      const scheduled = async () => {
        const campaign = pickCampaign(await listmonk.listCampaignsByName(name));
        if (campaign === undefined) throw refuse('Listmonk has no campaign of that name');
        const ahead = (campaign.sendAt?.getTime() ?? 0) - now().getTime();
        if (campaign.status !== 'scheduled' || ahead < MARGIN_MS) {
          throw refuse(
            `it is ${campaign.status}${campaign.status === 'scheduled' ? ` with send_at ${campaign.sendAt?.toISOString()}, less than 5 minutes ahead` : ''}`,
          );
        }
        return campaign;
      };
      const campaign = await scheduled();
      const listIds = campaign.listIds ?? [];
      if (listIds.length === 0) throw refuse('Listmonk did not say which lists it sends to');
      const emails = new Set(group.map((r) => normalizeEmail(r.email)));
      const onLists = async () => {
        const ids = new Set<number>();
        for (const members of (await listmonk.listMembersOfLists(listIds)).values()) {
          for (const m of members) if (emails.has(m.email)) ids.add(m.id);
        }
        return [...ids];
      };
      await listmonk.removeFromLists(await onLists(), listIds);
      const left = await onLists();
      if (left.length > 0) throw refuse(`${left.length} are still on its list after the removal`);
      await scheduled();
      done.push({
        instance,
        campaign: name,
        campaignId: campaign.id,
        sendAt: campaign.sendAt!,
        recipients: group.length,
      });
    } catch (error) {
      if (error instanceof BuilderError) throw error;
      throw refuse(`Listmonk failed: ${(error as Error).message}`, error);
    }
  }
  return done;
}
