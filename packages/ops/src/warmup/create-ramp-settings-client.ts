import type { ListmonkClient } from '@mailramp/listmonk';
import type { RampSettingsClient } from './apply-ramp-cap.js';

/** The part of the `@mailramp/listmonk` client rampcap uses. */
export type RampListmonkClient = Pick<
  ListmonkClient,
  'getSettings' | 'updateSettings' | 'refreshServerInfo' | 'reloadListmonk'
>;

/**
 * The ramp cap's Listmonk port over the `@mailramp/listmonk` client: its safe settings update (GET,
 * change only the given keys, masked secrets sent back as "keep", PUT — or one key at a time on
 * v6 — then wait for the restart), a fresh `GET /api/config` for needs_restart (a long-lived
 * client's cached answer may predate another save), and `POST /api/admin/reload`.
 *
 * @example
 * const client = createListmonkClient({ url, username, token });
 * await applyRampCap('trucking', createRampSettingsClient(client), 250, { apply: true, reload: false });
 */
export function createRampSettingsClient(client: RampListmonkClient): RampSettingsClient {
  return {
    getSettings: () => client.getSettings(),
    async updateSettings(changes) {
      const { needsRestart } = await client.updateSettings(changes);
      return { needsRestart };
    },
    async needsRestart() {
      return (await client.refreshServerInfo()).needsRestart;
    },
    reload: () => client.reloadListmonk(),
  };
}
