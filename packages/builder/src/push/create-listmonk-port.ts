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
