import { type CampaignsApi, createCampaignsApi } from '../campaigns/create-campaigns-api.js';
import { createListsApi, type ListsApi } from '../lists/create-lists-api.js';
import { createImportApi, type ImportApi } from '../subscribers/create-import-api.js';
import { createClientCore, type ListmonkClientOptions, type ServerInfo } from './client-core.js';

/** The typed Listmonk client: every call mailramp makes to Listmonk. */
export interface ListmonkClient extends ListsApi, ImportApi, CampaignsApi {
  /** Version, features and restart state, from `GET /api/config` (detected once, then cached). */
  getServerInfo(): Promise<ServerInfo>;
  /** The base URL without credentials, for messages. */
  readonly origin: string;
}

/**
 * Creates a Listmonk client. Nothing is sent until the first call, which detects the server
 * version through `GET /api/config`.
 *
 * @example
 * const listmonk = createListmonkClient({ url: 'https://lists.example.com', username: 'mailramp', token });
 * const { list } = await listmonk.findOrCreateList({ name: 'trucking 2026-06-22', tags: ['mailramp'] });
 * await listmonk.importSubscribers({ rows, listIds: [list.id] });
 */
export function createListmonkClient(options: ListmonkClientOptions): ListmonkClient {
  const core = createClientCore(options);
  return {
    origin: core.transport.origin,
    getServerInfo: () => core.server(),
    ...createListsApi(core),
    ...createImportApi(core),
    ...createCampaignsApi(core),
  };
}
