import { listRampSettingChanges, planRampSettings, type RampSettings } from './plan-ramp-cap.js';

/**
 * The Listmonk calls rampcap needs. The `@mailramp/listmonk` client provides them; its settings
 * update is the safe one (GET, change the keys, blank masked secrets, PUT), so every other setting
 * stays as it was.
 */
export interface RampSettingsClient {
  /** `GET /api/settings`: flat dotted keys. */
  getSettings(): Promise<Record<string, unknown>>;
  /** Changes only these keys, keeping every other setting and secret. */
  updateSettings(changes: Record<string, unknown>): Promise<{ needsRestart: boolean }>;
  /** Whether saved settings wait for a restart (`GET /api/config` → needs_restart). */
  needsRestart(): Promise<boolean>;
  /** `POST /api/admin/reload`: apply saved settings now (a running campaign is interrupted). */
  reload(): Promise<void>;
}

/** What rampcap found and did on one Listmonk instance. */
export interface RampCapApplied {
  instance: string;
  wanted: RampSettings;
  changes: { key: string; from: unknown; to: unknown }[];
  /** True when settings were written. */
  written: boolean;
  /** True when saved settings are not live yet (a campaign was running) and were not reloaded. */
  needsRestart: boolean;
  /** True when rampcap asked Listmonk to reload. */
  reloaded: boolean;
}

/**
 * Brings one Listmonk instance's sliding window to `cap`: reads the settings, writes only the ramp
 * keys that differ (nothing when none do), and reloads only when asked while Listmonk reports
 * needs_restart (a running campaign would otherwise be cut off by the restart).
 */
export async function applyRampCap(
  instance: string,
  client: RampSettingsClient,
  cap: number,
  options: { apply: boolean; reload: boolean },
): Promise<RampCapApplied> {
  const settings = await client.getSettings();
  const concurrency = Number(settings['app.concurrency'] ?? 10);
  const wanted = planRampSettings(cap, concurrency);
  const changes = listRampSettingChanges(settings, wanted);
  const result: RampCapApplied = {
    instance,
    wanted,
    changes,
    written: false,
    needsRestart: false,
    reloaded: false,
  };
  if (!options.apply) {
    result.needsRestart = await client.needsRestart();
    return result;
  }
  if (changes.length > 0) {
    const saved = await client.updateSettings(Object.fromEntries(changes.map((c) => [c.key, c.to])));
    result.written = true;
    result.needsRestart = saved.needsRestart;
  } else {
    // A previous run may have saved the cap while a campaign ran: it is stored but not live.
    result.needsRestart = await client.needsRestart();
  }
  if (result.needsRestart && options.reload) {
    await client.reload();
    result.reloaded = true;
    result.needsRestart = false;
  }
  return result;
}
