import type { createListmonkStandIn } from '@mailramp/listmonk/testing';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';

interface DevListmonkOptions {
  port: string;
  host: string;
  username: string;
  token: string;
  listmonkVersion: string;
  json?: boolean;
}

/** `mailramp dev …`: local stand-ins so anyone can try a live build without real servers. */
export function registerDevCommands(program: Command, ctx: CliContext): void {
  const dev = program.command('dev').description('local stand-ins for trying mailramp without real servers');

  dev
    .command('listmonk')
    .description(
      'run the in-memory Listmonk stand-in (the one the tests use) until Ctrl-C; state is lost on exit',
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', '9000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--username <user>', 'API user (v4+) or admin user (v2/v3)', 'mailramp')
    .option('--token <token>', 'API token (v4+) or admin password (v2/v3)', 'mailramp-token')
    .option('--listmonk-version <v>', 'Listmonk version to behave as: 2, 3, 4, 5, 6 or e.g. 2.4.0', '5')
    .option('--json', 'print {url, version, username} as JSON on stdout once listening')
    .addHelpText(
      'after',
      '\nPoint mailramp at it with LISTMONK_URL=http://127.0.0.1:9000 LISTMONK_USERNAME=mailramp LISTMONK_TOKEN=mailramp-token',
    )
    .action(
      ctx.action(async (opts: DevListmonkOptions) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535) {
          throw new CliError(EXIT.USAGE, `--port must be a port number (0–65535), got ${opts.port}`);
        }
        const version = /^\d+$/.test(opts.listmonkVersion)
          ? Number(opts.listmonkVersion)
          : opts.listmonkVersion;
        if (
          typeof version === 'number' ? version < 2 || version > 6 : !/^v?[2-6]\.\d+(\.\d+)?$/.test(version)
        ) {
          throw new CliError(
            EXIT.USAGE,
            `--listmonk-version must be 2 to 6 (or e.g. 2.4.0), got ${opts.listmonkVersion}`,
          );
        }
        // Loaded when the command runs: every `mailramp --help` registers it, and the stand-in (an
        // HTTP server, Listmonk's routes, a CSV reader) would load with it.
        const { createListmonkStandIn } = await import('@mailramp/listmonk/testing');
        let standIn: Awaited<ReturnType<typeof createListmonkStandIn>>;
        try {
          standIn = await createListmonkStandIn({
            port,
            host: opts.host,
            version,
            username: opts.username,
            token: opts.token,
          });
        } catch (error) {
          throw new CliError(
            EXIT.UNAVAILABLE,
            `cannot listen on ${opts.host}:${port}: ${(error as Error).message}; pick another --port (0 = any free one)`,
            { cause: error },
          );
        }
        if (opts.json)
          printJson(ctx.io, { url: standIn.url, version: standIn.version.raw, username: standIn.username });
        say(
          ctx.io,
          `Listmonk stand-in ${standIn.version.raw} listening at ${standIn.url} (user ${standIn.username}); Ctrl-C stops it`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await standIn.close();
        say(ctx.io, `stopped after ${standIn.requests.length} request(s)`);
        return EXIT.OK;
      }),
    );
}
