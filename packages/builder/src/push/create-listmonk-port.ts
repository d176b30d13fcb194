import type { Campaign, ListmonkClient } from '@mailramp/listmonk';
import type { ListmonkCampaignState, ListmonkPort } from './listmonk-port.js';

function stateOf(c: Campaign): ListmonkCampaignState {
  return { id: c.id, status: c.status, sendAt: c.send_at ? new Date(c.send_at) : null };
}

/**
 * The push's Listmonk operations over @mailramp/listmonk's client. Lists and campaigns are found by
 * exact name (Listmonk's names are not unique and its search is fuzzy), so a re-run finds what an
 * interrupted run made.
 */
export function createListmonkPort(client: ListmonkClient): ListmonkPort {
  return {
    async findListByName(name) {
      const list = await client.findList(name);
      return list === undefined ? undefined : { id: list.id };
    },
    async createList(name, tags) {
      const { list } = await client.findOrCreateList({ name, type: 'private', optin: 'single', tags });
      return { id: list.id };
    },
    async importSubscribers(listId, subscribers) {
      await client.importSubscribers({
        listIds: [listId],
        rows: subscribers.map((s) => ({ email: s.email, name: s.name, attributes: s.attribs })),
        overwrite: true,
        subscriptionStatus: 'confirmed',
      });
    },
    async findCampaignByName(name) {
      const found = (await client.listCampaigns({ query: name })).filter((c) => c.name === name);
      // Several with one name: prefer the one that got furthest (a re-run never makes a second).
      const rank = { finished: 0, running: 1, scheduled: 2, paused: 3, draft: 4, cancelled: 5 } as const;
      found.sort((a, b) => rank[a.status] - rank[b.status] || a.id - b.id);
      const first = found[0];
      return first === undefined ? undefined : stateOf(first);
    },
    async createCampaign(c) {
      return stateOf(
        await client.createCampaign({
          name: c.name,
          subject: c.subject,
          listIds: c.listIds,
          ...(c.fromEmail !== undefined ? { fromEmail: c.fromEmail } : {}),
          contentType: 'html',
          body: c.body,
          altbody: c.altbody,
          sendAt: c.sendAt,
          tags: c.tags,
        }),
      );
    },
    async updateCampaignSendAt(id, listIds, sendAt) {
      await client.updateCampaign(id, { listIds, sendAt });
    },
    async scheduleCampaign(id) {
      return stateOf(await client.changeCampaignStatus(id, 'scheduled'));
    },
  };
}
