import { type BouncesApi, createBouncesApi } from '../bounces/create-bounces-api.js';
import { type CampaignsApi, createCampaignsApi } from '../campaigns/create-campaigns-api.js';
import { createListsApi, type ListsApi } from '../lists/create-lists-api.js';
import { createSettingsApi, type SettingsApi } from '../settings/create-settings-api.js';
import { createImportApi, type ImportApi } from '../subscribers/create-import-api.js';
import { createSubscribersApi, type SubscribersApi } from '../subscribers/create-subscribers-api.js';
import { createTemplatesApi, type TemplatesApi } from '../templates/create-templates-api.js';
import { createClientCore, type ListmonkClientOptions, type ServerInfo } from './client-core.js';

/** The typed Listmonk client: every call mailramp makes to Listmonk. */
export interface ListmonkClient
  extends ListsApi,
    ImportApi,
    SubscribersApi,
    CampaignsApi,
    TemplatesApi,
    SettingsApi,
    BouncesApi {
  /** Version, features and restart state, from `GET /api/config` (detected once, then cached). */
  getServerInfo(): Promise<ServerInfo>;
  /**
   * Reads `GET /api/config` again and replaces the cached info: for a long-lived client that needs
   * the current `needsRestart` (another save may have happened since the first detection).
   */
  refreshServerInfo(): Promise<ServerInfo>;
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
  const imports = createImportApi(core);
  return {
    origin: core.transport.origin,
    getServerInfo: () => core.server(),
    refreshServerInfo: () => core.refreshServer(),
    ...createListsApi(core),
    ...imports,
    ...createSubscribersApi(core, imports),
    ...createCampaignsApi(core),
    ...createTemplatesApi(core),
    ...createSettingsApi(core),
    ...createBouncesApi(core),
  };
}
