import type { Campaign, ListmonkClient, Subscriber } from '@mailramp/listmonk';
import type { ListmonkCampaignState, ListmonkPort } from './listmonk-port.js';
import type { ListmonkMember } from './verify-campaign-audience.js';

function memberOf(s: Subscriber, listId: number): ListmonkMember {
  return {
    id: s.id,
    email: s.email.toLowerCase(),
    status: s.status,
    attribs: s.attribs ?? {},
    subscription: s.lists?.find((l) => l.id === listId)?.subscription_status,
  };
}

function stateOf(c: Campaign): ListmonkCampaignState {
  return {
    id: c.id,
    status: c.status,
    sendAt: c.send_at ? new Date(c.send_at) : null,
    listIds: (c.lists ?? []).map((l) => l.id).filter((id): id is number => id !== null && id > 0),
    content: { subject: c.subject, body: c.body, altbody: c.altbody ?? '' },
  };
}

/** Checks that a search can find every name: Listmonk matches `query` as a substring at best. */
function assertQueryIn(query: string, names: readonly string[]): void {
  const outside = names.find((n) => !n.includes(query));
  if (query.trim() === '' || outside !== undefined) {
    throw new Error(`a search for ${JSON.stringify(query)} cannot find ${JSON.stringify(outside ?? '')}`);
  }
}

/** Items grouped by exact name, only the names asked for, each group by id. */
function byName<T extends { id: number; name: string }>(items: T[], names: readonly string[]) {
  const wanted = new Set(names);
  const out = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => a.id - b.id)) {
    if (wanted.has(item.name)) out.set(item.name, [...(out.get(item.name) ?? []), item]);
  }
  return out;
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
    async findListsByNames(query, names) {
      assertQueryIn(query, names);
      const found = byName(await client.listLists({ query }), names);
      return new Map([...found].map(([name, lists]) => [name, { id: lists[0]!.id }]));
    },
    async addList(name, tags) {
      return { id: (await client.createList({ name, type: 'private', optin: 'single', tags })).id };
    },
    async createList(name, tags) {
      const { list } = await client.findOrCreateList({ name, type: 'private', optin: 'single', tags });
      return { id: list.id };
    },
    async importSubscribers(listId, subscribers) {
      const result = await client.importSubscribers({
        listIds: [listId],
        rows: subscribers.map((s) => ({ email: s.email, name: s.name, attributes: s.attribs })),
        overwrite: true,
        subscriptionStatus: 'confirmed',
      });
      return { submitted: result.submitted, imported: result.imported };
    },
    async listMembers(listId) {
      return (await client.listSubscribersOfList(listId)).map((s) => memberOf(s, listId));
    },
    async listMembersOfLists(listIds) {
      const subscribers = await client.listSubscribersOfLists(listIds);
      return new Map(
        listIds.map((listId) => [
          listId,
          subscribers.filter((s) => s.lists?.some((l) => l.id === listId)).map((s) => memberOf(s, listId)),
        ]),
      );
    },
    async subscribeToList(subscriberIds, listId) {
      await client.addSubscriptions(subscriberIds, [listId], 'confirmed');
    },
    async removeFromLists(subscriberIds, listIds) {
      await client.removeSubscriptions(subscriberIds, listIds);
    },
    async readDomainBlocklist() {
      try {
        const value = (await client.getSettings())['privacy.domain_blocklist'];
        return Array.isArray(value) ? value.filter((d): d is string => typeof d === 'string') : [];
      } catch {
        return undefined;
      }
    },
    async ensureCampaignTemplate(name, body) {
      const found = await client.findTemplate(name);
      if (found === undefined)
        return { id: (await client.createTemplate({ name, type: 'campaign', body })).id };
      if (found.body !== body) await client.updateTemplate(found.id, { body });
      return { id: found.id };
    },
    async previewCampaign(id, body) {
      return client.previewCampaign(id, { body, contentType: 'html' });
    },
    async previewCampaignText(id, text) {
      return client.previewCampaignText(id, text);
    },
    async listCampaignsByName(name) {
      // Listmonk's `query` is a fuzzy search (tsquery or ILIKE): only exact names are ours.
      const found = (await client.listCampaigns({ query: name })).filter((c) => c.name === name);
      return found.sort((a, b) => a.id - b.id).map(stateOf);
    },
    async listCampaignsByNames(query, names) {
      assertQueryIn(query, names);
      const found = byName(await client.listCampaigns({ query, all: true }), names);
      return new Map([...found].map(([name, campaigns]) => [name, campaigns.map(stateOf)]));
    },
    async deleteCampaign(id) {
      await client.deleteCampaign(id);
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
          ...(c.templateId !== undefined ? { templateId: c.templateId } : {}),
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
