import type { ListmonkClient, ListmonkClientOptions } from '@mailramp/listmonk';
import { MailrampError } from 'mailramp/errors';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';

/**
 * A Listmonk client for the configured instance `name` (or the only one configured), from the SDK's
 * one client factory. Retries are reported on stderr; credentials never are.
 *
 * @example
 * const listmonk = await listmonkClientFor(ctx, opts.instance);
 */
export async function listmonkClientFor(
  ctx: CliContext,
  name?: string,
  extra: Partial<ListmonkClientOptions> = {},
): Promise<ListmonkClient> {
  const mailramp = await ctx.mailramp();
  try {
    return await mailramp.listmonk(name, extra);
  } catch (error) {
    // A usage error of this command line (which instance to talk to), as the CLI reports its own.
    if (error instanceof MailrampError) throw new CliError(EXIT.USAGE, error.message, { cause: error });
    throw error;
  }
}
