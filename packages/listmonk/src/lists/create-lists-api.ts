import type { ClientCore } from '../client/client-core.js';
import { readAll } from '../client/read-pages.js';
import { type List, ListSchema } from '../client/schemas.js';
import { ListmonkError } from '../errors.js';

/** What a list is created with when find-or-create does not find it. */
export interface ListInput {
  name: string;
  type?: 'public' | 'private' | 'temporary';
  optin?: 'single' | 'double';
  tags?: string[];
  description?: string;
}

/** The list methods of the client. */
export interface ListsApi {
  /** Lists, optionally only those whose name contains `query` or that carry `tag`. */
  listLists(filter?: { query?: string; tag?: string }): Promise<List[]>;
  /** The list named exactly `name` (the lowest id when Listmonk holds several), or undefined. */
  findList(name: string): Promise<List | undefined>;
  /**
   * The list named exactly `name`, created when absent. Listmonk list names are not unique, so the
   * oldest (lowest id) exact match wins; calls for one name are serialised inside this client.
   */
  findOrCreateList(input: ListInput): Promise<{ list: List; created: boolean }>;
  /**
   * Creates a list without looking for one of that name first (`POST /api/lists`): for a caller
   * that has just looked (Listmonk's names are not unique: a second create makes a second list).
   */
  createList(input: ListInput): Promise<List>;
}

/** Creates the list methods. */
export function createListsApi(core: ClientCore): ListsApi {
  const inFlight = new Map<string, Promise<{ list: List; created: boolean }>>();

  async function listLists(filter: { query?: string; tag?: string } = {}): Promise<List[]> {
    await core.server();
    return readAll(core, '/api/lists', { query: filter.query, tag: filter.tag }, ListSchema);
  }

  async function findList(name: string): Promise<List | undefined> {
    const candidates = await listLists({ query: name });
    return candidates.filter((l) => l.name === name).sort((a, b) => a.id - b.id)[0];
  }

  function checkName(name: string): void {
    const bytes = Buffer.byteLength(name);
    if (bytes < 1 || bytes > 2000) {
      throw new ListmonkError('REJECTED', `a Listmonk list name is 1 to 2000 bytes; got ${bytes}`);
    }
  }

  async function createList(input: ListInput): Promise<List> {
    checkName(input.name);
    await core.server();
    return core.transport.send({
      method: 'POST',
      path: '/api/lists',
      json: {
        name: input.name,
        type: input.type ?? 'private',
        optin: input.optin ?? 'single',
        tags: input.tags ?? [],
        description: input.description ?? '',
      },
      schema: ListSchema,
    });
  }

  async function create(input: ListInput): Promise<{ list: List; created: boolean }> {
    const found = await findList(input.name);
    if (found !== undefined) return { list: found, created: false };
    return { list: await createList(input), created: true };
  }

  return {
    listLists,
    findList,
    createList,
    findOrCreateList(input) {
      try {
        checkName(input.name);
      } catch (error) {
        return Promise.reject(error);
      }
      const previous = inFlight.get(input.name) ?? Promise.resolve(undefined);
      const next = previous.catch(() => undefined).then(() => create(input));
      inFlight.set(input.name, next);
      void next
        .finally(() => {
          if (inFlight.get(input.name) === next) inFlight.delete(input.name);
        })
        .catch(() => {});
      return next;
    },
  };
}
