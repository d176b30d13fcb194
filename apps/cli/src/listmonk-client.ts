import { createListmonkClient, type ListmonkClient, type ListmonkClientOptions } from '@mailramp/listmonk';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { say } from './output.js';

/**
 * A Listmonk client for the configured instance `name` (or the only one configured). Retries are
 * reported on stderr; credentials never are.
 *
 * @example
 * const listmonk = await listmonkClientFor(ctx, opts.instance);
 */
export async function listmonkClientFor(
  ctx: CliContext,
  name?: string,
  extra: Partial<ListmonkClientOptions> = {},
): Promise<ListmonkClient> {
  const { instances } = (await ctx.config()).listmonk;
  const names = Object.keys(instances);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new CliError(
      EXIT.USAGE,
      names.length === 0
        ? 'no Listmonk server configured: set LISTMONK_URL (and LISTMONK_USERNAME / LISTMONK_TOKEN) or listmonk.instances in mailramp.config.json'
        : `several Listmonk servers are configured (${names.join(', ')}); say which one with --instance`,
    );
  }
  const instance = instances[chosen];
  if (instance === undefined) {
    throw new CliError(
      EXIT.USAGE,
      `no Listmonk server called "${chosen}" in the config; configured: ${names.join(', ') || 'none'}`,
    );
  }
  return createListmonkClient({
    url: instance.url,
    username: instance.username,
    token: instance.token,
    auth: instance.auth,
    timeoutMs: instance.timeoutMs,
    concurrency: instance.concurrency,
    sendAtMarginMs: instance.sendAtMarginMs,
    now: ctx.io.now,
    onEvent: (event) => {
      if (event.type === 'retry') {
        say(
          ctx.io,
          `listmonk ${chosen}: ${event.call} failed (${event.reason}); retry ${event.attempt} in ${event.delayMs} ms`,
        );
      }
    },
    ...ctx.io.listmonk,
    ...extra,
  });
}
