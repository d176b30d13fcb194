import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { INSTALLED_BINARY } from '../installed-binary.js';
import { say } from '../output.js';

const DESCRIPTION = `run mailramp as a service: every job of service.jobs on its schedule (UTC cron: warm-up pool 07:17, ramp cap 07:20, each vertical's build, watchdog every 5 min, mail-log report every 15 min, suppression sync, MX classification), one service_runs row per slot (ok, failed, skipped, missed while down, abandoned by a crash), and the HTTP API and dashboard on service.listen (default 127.0.0.1:9025).
On PostgreSQL any number of processes share the schedule (graphile-worker: each slot runs once); on the embedded database one process does (a second on the same data directory is refused).
SIGTERM or SIGINT: stop taking slots, let a running job end (at most --grace seconds; a build cut off resumes through its ledger), exit 0. Logs are JSON lines on stdout.
--print-unit prints the systemd unit instead.
Exit codes: 0 stopped by a signal (or unit printed) · 2 bad config, schedule or --listen · 3 database unavailable · 4 the data directory is in use by another mailramp process.`;

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3600)
    throw new CliError(EXIT.USAGE, `--grace ${value} is not a number of seconds (0-3600)`);
  return n;
}

/** `mailramp serve`: the scheduler, the run records and the HTTP server in one long-running process. */
export function registerServeCommands(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(DESCRIPTION)
    .option('--listen <host:port>', 'where the HTTP API listens (default service.listen, 127.0.0.1:9025)')
    .option('--grace <seconds>', 'how long a stop waits for a running job', seconds, 60)
    .option('--print-unit', 'print the systemd unit that runs `mailramp serve` (Restart=on-failure) and exit')
    .option(
      '--user <name>',
      'with --print-unit: the service user (root: the warm-up and the watchdog change Postfix and the interfaces)',
      'root',
    )
    .option('--binary <path>', 'with --print-unit: the mailramp binary the unit runs', INSTALLED_BINARY)
    .action(
      ctx.action(
        async (opts: {
          listen?: string;
          grace: number;
          printUnit?: boolean;
          user: string;
          binary: string;
        }) => {
          if (opts.printUnit) {
            // Only what printing needs: the running service's HTTP server, scheduler and logger
            // load below, for a service that starts.
            const { renderSessionServeUnit } = await import('@mailramp/service');
            const { name, unit } = renderSessionServeUnit(await ctx.mailramp(), {
              binary: opts.binary,
              user: opts.user,
              listen: opts.listen,
              cwd: ctx.io.cwd,
            });
            ctx.io.stdout(unit);
            say(
              ctx.io,
              `install: save it as /etc/systemd/system/${name}, then systemctl daemon-reload && systemctl enable --now ${name}`,
            );
            return EXIT.OK;
          }
          const { createServiceLogger, startService } = await import('@mailramp/service');
          const mailramp = await ctx.mailramp();
          const logger = createServiceLogger((line) => ctx.io.stdout(line));
          // Listening from before the start: a signal while it starts stops it once started. The
          // listeners go when the command returns or throws (a refused data directory), so an
          // in-process runCli leaves the process's signals as it found them.
          let onSignal: (signal: NodeJS.Signals) => void = () => {};
          const stopSignal = new Promise<NodeJS.Signals>((resolveSignal) => {
            onSignal = resolveSignal;
          });
          process.once('SIGTERM', onSignal);
          process.once('SIGINT', onSignal);
          try {
            const running = await startService({ mailramp, logger, listen: opts.listen });
            say(
              ctx.io,
              `mailramp serve: ${running.engine}, worker ${running.worker}${running.url === undefined ? '' : `, listening on ${running.url}`}; SIGTERM stops`,
            );
            const signal = await stopSignal;
            logger.info({ signal }, 'stop asked');
            await running.stop(opts.grace * 1000);
            return EXIT.OK;
          } finally {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
          }
        },
      ),
    );
}
