import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ClientCore } from '../client/client-core.js';
import { type Settings, SettingsSchema } from '../client/schemas.js';
import { ListmonkError } from '../errors.js';
import { blankMaskedSecrets } from './blank-masked-secrets.js';

/** How a settings update ended. */
export interface SettingsUpdate {
  /** Keys whose value changed (unchanged keys are not written: every save restarts Listmonk). */
  changed: string[];
  /** True when the new values are live (Listmonk restarted and answered again). */
  applied: boolean;
  /**
   * True when a campaign was running: Listmonk stored the values but applies them only after
   * `reloadListmonk()` (which restarts it) or its own next restart.
   */
  needsRestart: boolean;
}

/** The settings methods of the client. */
export interface SettingsApi {
  /** `GET /api/settings`: flat dotted keys; secrets come back masked as `•`. */
  getSettings(): Promise<Settings>;
  /**
   * Changes the given keys and nothing else: reads every setting, applies the changes, blanks
   * every masked secret (empty means "keep") and writes all of it back — or, on v6, writes each
   * changed key alone. Unknown keys are refused before anything is sent (v6 would ignore them
   * silently). Then waits for the restart a save triggers, unless a campaign is running.
   */
  updateSettings(changes: Record<string, unknown>): Promise<SettingsUpdate>;
  /** `POST /api/admin/reload` (applies stored settings; restarts Listmonk), then waits for it. */
  reloadListmonk(): Promise<void>;
  /** Waits until Listmonk has gone down for its restart and answers again. */
  waitForRestart(): Promise<void>;
}

const SaveReply = z.union([z.boolean(), z.looseObject({ needs_restart: z.boolean() })]);

/** Creates the settings methods. */
export function createSettingsApi(core: ClientCore): SettingsApi {
  const getSettings = (): Promise<Settings> =>
    core.transport.send({ method: 'GET', path: '/api/settings', schema: SettingsSchema });

  async function waitForRestart(): Promise<void> {
    const maxPolls = Math.max(1, Math.ceil(core.restartTimeoutMs / core.pollIntervalMs));
    const gracePolls = Math.max(1, Math.ceil(Math.min(3_000, core.restartTimeoutMs) / core.pollIntervalMs));
    let sawDown = false;
    for (let n = 1; ; n += 1) {
      let up = true;
      try {
        await core.transport.send({ method: 'GET', path: '/api/config', schema: z.unknown(), noRetry: true });
      } catch (error) {
        if (!(error instanceof ListmonkError && error.code === 'UNAVAILABLE')) throw error;
        up = false;
      }
      if (!up) sawDown = true;
      else if (sawDown || n >= gracePolls) {
        // Back up, or it never went down while we watched (a restart quicker than our polling).
        await core.refreshServer();
        return;
      }
      if (n >= maxPolls) {
        throw new ListmonkError(
          'UNAVAILABLE',
          `Listmonk did not answer again within ${Math.round(core.restartTimeoutMs / 1000)}s of restarting after a settings save; check that it is running (its logs say why it did not start)`,
          { call: 'GET /api/config' },
        );
      }
      core.emit({ type: 'restart-waiting', elapsedMs: n * core.pollIntervalMs });
      await core.sleep(core.pollIntervalMs);
    }
  }

  async function afterSave(reply: z.infer<typeof SaveReply>): Promise<boolean> {
    if (typeof reply === 'object' && reply.needs_restart) return true;
    await waitForRestart();
    return false;
  }

  return {
    getSettings,
    waitForRestart,

    async reloadListmonk() {
      await core.transport.send({ method: 'POST', path: '/api/admin/reload', schema: z.unknown() });
      await waitForRestart();
    },

    async updateSettings(changes) {
      const { features } = await core.server();
      const current = await getSettings();
      const unknown = Object.keys(changes).filter((key) => !(key in current));
      if (unknown.length > 0) {
        throw new ListmonkError(
          'REJECTED',
          `unknown Listmonk setting${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; check the key names against GET /api/settings (nothing was changed)`,
        );
      }
      const changed = Object.keys(changes).filter((key) => !isDeepStrictEqual(current[key], changes[key]));
      if (changed.length === 0) return { changed, applied: true, needsRestart: false };
      let needsRestart = false;
      // The v6 per-key path stores a value as sent: "" there blanks the secret instead of keeping
      // it. A change carrying a masked secret (e.g. an SMTP block read from GET) goes through the
      // full PUT, where "" means "keep".
      const carriesSecret = changed.some(
        (key) => !isDeepStrictEqual(blankMaskedSecrets(changes[key]), changes[key]),
      );
      if (features.perKeySettings && !carriesSecret) {
        for (const key of changed) {
          const reply = await core.transport.send({
            method: 'PUT',
            path: `/api/settings/${encodeURIComponent(key)}`,
            rawJson: JSON.stringify(changes[key]),
            schema: SaveReply,
          });
          needsRestart = (await afterSave(reply)) || needsRestart;
        }
      } else {
        const body = blankMaskedSecrets({ ...current, ...changes });
        const reply = await core.transport.send({
          method: 'PUT',
          path: '/api/settings',
          json: body,
          schema: SaveReply,
        });
        needsRestart = await afterSave(reply);
      }
      return { changed, applied: !needsRestart, needsRestart };
    },
  };
}
