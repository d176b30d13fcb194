import { type Config, listmonkAuthHint } from '@mailramp/config';
import type { ListmonkClient, ListmonkClientOptions } from '@mailramp/listmonk';
import { MailrampError } from '../errors.js';

/** A Listmonk retry as the SDK reports it: which instance, which call, when the next try is. */
export interface ListmonkRetryEvent {
  type: 'listmonk-retry';
  instance: string;
  call: string;
  reason: string;
  attempt: number;
  delayMs: number;
}

/** Builds Listmonk clients from the config's instances: the one place a client is made. */
export type ListmonkFactory = (
  name?: string,
  extra?: Partial<ListmonkClientOptions>,
) => Promise<ListmonkClient>;

/**
 * The factory every job uses: a client for the configured instance `name` (or the only one), with
 * the instance's url, credentials, `auth`, timeout, concurrency and `sendAtMarginMs`.
 *
 * @example
 * const listmonk = await createListmonkFactory(config, { now: () => new Date() })('trucking');
 */
export function createListmonkFactory(
  config: Config,
  options: {
    now: () => Date;
    onEvent?: (event: ListmonkRetryEvent) => void;
    overrides?: Partial<ListmonkClientOptions>;
  },
): ListmonkFactory {
  return async (name, extra = {}) => {
    const { instances } = config.listmonk;
    const names = Object.keys(instances);
    const chosen = name ?? (names.length === 1 ? names[0] : undefined);
    if (chosen === undefined) {
      throw new MailrampError(
        'LISTMONK_NOT_CONFIGURED',
        names.length === 0
          ? 'no Listmonk server configured: set LISTMONK_URL (and LISTMONK_USERNAME / LISTMONK_TOKEN) or listmonk.instances in mailramp.config.json'
          : `several Listmonk servers are configured (${names.join(', ')}): name the one to use, e.g. mailramp.listmonk('${names[0]}')`,
      );
    }
    const instance = instances[chosen];
    if (instance === undefined) {
      throw new MailrampError(
        'LISTMONK_NOT_CONFIGURED',
        `no Listmonk server called "${chosen}" in the config (configured: ${names.join(', ') || 'none'}); add listmonk.instances.${chosen}`,
      );
    }
    // Loaded on first use: a report or a backfill starts without the HTTP client.
    const { createListmonkClient } = await import('@mailramp/listmonk');
    return createListmonkClient({
      url: instance.url,
      username: instance.username,
      token: instance.token,
      auth: instance.auth,
      authHint: listmonkAuthHint(config, chosen),
      timeoutMs: instance.timeoutMs,
      concurrency: instance.concurrency,
      sendAtMarginMs: instance.sendAtMarginMs,
      now: options.now,
      onEvent: (event) => {
        if (event.type === 'retry') {
          options.onEvent?.({
            type: 'listmonk-retry',
            instance: chosen,
            call: event.call,
            reason: event.reason,
            attempt: event.attempt,
            delayMs: event.delayMs,
          });
        }
      },
      ...options.overrides,
      ...extra,
    });
  };
}
