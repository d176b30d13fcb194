import { z } from 'zod';
import type { ClientCore } from '../client/client-core.js';
import { isAtLeast } from '../client/listmonk-version.js';
import { readAll } from '../client/read-pages.js';
import { type Subscriber, SubscriberSchema } from '../client/schemas.js';
import type { ImportApi, ImportResult } from './create-import-api.js';

/** The subscriber methods of the client (bulk writes go through the import API). */
export interface SubscribersApi {
  /** The subscriber with this address (case-insensitive), or undefined. */
  findSubscriberByEmail(email: string): Promise<Subscriber | undefined>;
  /** Subscribers by address, keyed by lower-cased address; absent ones are not in the map. */
  findSubscribersByEmail(emails: ReadonlyArray<string>): Promise<Map<string, Subscriber>>;
  /**
   * Blocklists addresses in bulk (one import in `blocklist` mode): existing subscribers are
   * blocklisted and unsubscribed from every list, unknown addresses are added as blocklisted, so
   * Listmonk never mails them.
   */
  blocklistEmails(emails: ReadonlyArray<string>): Promise<ImportResult>;
  /** Blocklists subscribers by id (`PUT /api/subscribers/blocklist`). */
  blocklistSubscriberIds(ids: ReadonlyArray<number>): Promise<void>;
  /**
   * Every subscriber on a list, with status, attributes and subscriptions, in one request
   * (`GET /api/subscribers?list_id=…&per_page=all`; pages are at most 50 otherwise).
   */
  listSubscribersOfList(listId: number): Promise<Subscriber[]>;
  /**
   * Every subscriber on any of the lists, once each, with all their subscriptions: one request on
   * v2.1+ (`list_id` repeated; Listmonk answers a subscriber once per list it is on), one per list
   * on v2.0 (which reads only the first `list_id`).
   */
  listSubscribersOfLists(listIds: ReadonlyArray<number>): Promise<Subscriber[]>;
  /**
   * Subscribes subscribers to lists in one request (`PUT /api/subscribers/lists`, action `add`);
   * an existing subscription gets `status` (v4+; v2/v3 keep it and add new ones `unconfirmed`).
   */
  addSubscriptions(
    subscriberIds: ReadonlyArray<number>,
    listIds: ReadonlyArray<number>,
    status?: 'unconfirmed' | 'confirmed',
  ): Promise<void>;
  /**
   * Takes subscribers off lists in one request (`PUT /api/subscribers/lists`, action `remove`): a
   * campaign that has not started yet then does not mail them (its audience is read at start).
   */
  removeSubscriptions(subscriberIds: ReadonlyArray<number>, listIds: ReadonlyArray<number>): Promise<void>;
}

const CHUNK = 50;

/** An SQL string literal for Listmonk's `query` (which is SQL): quotes doubled. */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The name Listmonk v3/v4 derive for an import row without one: the local part, lower-cased, dots
 * as spaces, each word title-cased as Go's strings.Title does (`jane.roe@x` → `Jane Roe`).
 */
function nameOfEmail(email: string): string {
  const local = email.trim().split('@')[0]!.toLowerCase();
  return local
    .replaceAll('.', ' ')
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) =>
      w.replace(/(^|[^\p{L}\p{N}_])(\p{L})/gu, (_, before: string, c: string) => before + c.toUpperCase()),
    )
    .join(' ');
}

/** Creates the subscriber methods. */
export function createSubscribersApi(core: ClientCore, imports: ImportApi): SubscribersApi {
  async function changeSubscriptions(
    subscriberIds: ReadonlyArray<number>,
    listIds: ReadonlyArray<number>,
    change: { action: 'add' | 'remove'; status?: string },
  ): Promise<void> {
    if (subscriberIds.length === 0 || listIds.length === 0) return;
    await core.server();
    await core.transport.send({
      method: 'PUT',
      path: '/api/subscribers/lists',
      json: { ids: subscriberIds, target_list_ids: listIds, ...change },
      schema: z.unknown(),
      idempotent: true,
    });
  }

  async function lookup(emails: string[]): Promise<Subscriber[]> {
    const query = `LOWER(subscribers.email) IN (${emails.map((e) => sqlString(e.toLowerCase())).join(', ')})`;
    return readAll(core, '/api/subscribers', { query }, SubscriberSchema);
  }

  async function subscribersOf(listIds: ReadonlyArray<number>): Promise<Subscriber[]> {
    await core.server();
    return readAll(core, '/api/subscribers', { list_id: listIds.map(String) }, SubscriberSchema);
  }

  const findSubscribersByEmail = async (emails: ReadonlyArray<string>): Promise<Map<string, Subscriber>> => {
    await core.server();
    const unique = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += CHUNK) chunks.push(unique.slice(i, i + CHUNK));
    const found = await Promise.all(chunks.map((chunk) => core.limit(() => lookup(chunk))));
    return new Map(found.flat().map((s) => [s.email.toLowerCase(), s]));
  };

  return {
    findSubscribersByEmail,
    async findSubscriberByEmail(email) {
      return (await findSubscribersByEmail([email])).get(email.trim().toLowerCase());
    },
    async blocklistEmails(emails) {
      // v2's importer skips a row without a name, blocklist mode too (v3+ derive one); a name
      // sent here never replaces a stored one (a blocklist upsert sets the status only).
      const { version } = await core.server();
      const named = !isAtLeast(version, 3);
      return imports.importSubscribers({
        rows: emails.map((email) => (named ? { email, name: nameOfEmail(email) } : { email })),
        listIds: [],
        mode: 'blocklist',
      });
    },
    listSubscribersOfList(listId) {
      return subscribersOf([listId]);
    },
    async listSubscribersOfLists(listIds) {
      const ids = [...new Set(listIds)];
      if (ids.length === 0) return [];
      const { features } = await core.server();
      const found = features.manyListIdsPerQuery
        ? await subscribersOf(ids)
        : (await Promise.all(ids.map((id) => core.limit(() => subscribersOf([id]))))).flat();
      return [...new Map(found.map((s) => [s.id, s])).values()];
    },
    async addSubscriptions(subscriberIds, listIds, status = 'confirmed') {
      await changeSubscriptions(subscriberIds, listIds, { action: 'add', status });
    },
    async removeSubscriptions(subscriberIds, listIds) {
      await changeSubscriptions(subscriberIds, listIds, { action: 'remove' });
    },
    async blocklistSubscriberIds(ids) {
      if (ids.length === 0) return;
      await core.server();
      await core.transport.send({
        method: 'PUT',
        path: '/api/subscribers/blocklist',
        json: { ids },
        schema: z.unknown(),
        idempotent: true,
      });
    },
  };
}
