import { createHoldsRepository, type RampHold, toUtcDate } from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { formatTable, printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';
import { dateOption, selectStreams } from './warmup-streams.js';

interface HoldOptions {
  stream: string;
  rate: string;
  until: string;
  reason?: string;
  json?: boolean;
}

/** `mailramp ops rampcap …`: the Listmonk sliding window per warm-up day, and holds. */
export function registerOpsRampcapCommands(program: Command, ctx: CliContext): void {
  const rampcap = opsCommand(program)
    .command('rampcap')
    .description('the hourly ramp cap (Listmonk sliding window) per warm-up day, and holds that freeze it');

  rampcap
    .command('hold')
    .description(
      "freeze a stream's hourly cap at RATE through DATE after a bad day (the runbook held 200/h for a week); the daily rampcap run respects it. Setting the same hold again changes nothing.",
    )
    .requiredOption('--stream <name>', 'the warm-up stream')
    .requiredOption(
      '--rate <per-hour>',
      'messages per hour while held (never raises the cap above the table)',
    )
    .requiredOption('--until <YYYY-MM-DD>', 'last day held (inclusive, UTC)')
    .option('--reason <text>', 'why (kept with the hold)')
    .option('--json', 'print the hold as JSON')
    .action(
      ctx.action(async (opts: HoldOptions) => {
        const config = await ctx.config();
        const [stream] = selectStreams(config, opts.stream);
        const rate = Number(opts.rate);
        if (!Number.isInteger(rate) || rate <= 0) {
          throw new CliError(
            EXIT.USAGE,
            `--rate must be a whole number of messages per hour, got ${JSON.stringify(opts.rate)}`,
          );
        }
        if (rate > stream!.dailyCeiling) {
          throw new CliError(
            EXIT.USAGE,
            `--rate ${rate}/h is above the stream's daily ceiling ${stream!.dailyCeiling}`,
          );
        }
        const until = toUtcDate(opts.until);
        const today = dateOption(undefined, ctx.io.now);
        if (until < today) {
          throw new CliError(
            EXIT.USAGE,
            `--until ${until} is already past (today is ${today}); a hold needs a future end date`,
          );
        }
        const holds = createHoldsRepository(await ctx.db());
        const { hold, change } = await holds.setHold(
          { stream: stream!.name, rate, until, reason: opts.reason },
          ctx.io.now(),
        );
        if (opts.json) printJson(ctx.io, { change, hold: holdJson(hold) });
        say(
          ctx.io,
          change === 'unchanged'
            ? `${hold.stream} is already held at ${hold.rate}/h through ${hold.until}: nothing to do`
            : `${change === 'created' ? 'held' : 'changed hold:'} ${hold.stream} at ${hold.rate}/h through ${hold.until}; run \`mailramp ops rampcap --apply\` to push it to Listmonk now`,
        );
        return EXIT.OK;
      }),
    );

  rampcap
    .command('release')
    .description("end a stream's hold now; the next rampcap run follows the warm-up table again")
    .requiredOption('--stream <name>', 'the warm-up stream')
    .option('--json', 'print the released hold as JSON')
    .action(
      ctx.action(async (opts: { stream: string; json?: boolean }) => {
        const [stream] = selectStreams(await ctx.config(), opts.stream);
        const released = await createHoldsRepository(await ctx.db()).releaseHold(stream!.name, ctx.io.now());
        if (opts.json) printJson(ctx.io, { released: released === undefined ? null : holdJson(released) });
        say(
          ctx.io,
          released === undefined
            ? `${stream!.name} has no hold: nothing to do`
            : `released ${stream!.name}'s hold at ${released.rate}/h (was through ${released.until}); run \`mailramp ops rampcap --apply\` to push the table's cap`,
        );
        return EXIT.OK;
      }),
    );

  rampcap
    .command('holds')
    .description('list holds (unreleased by default)')
    .option('--all', 'include released holds')
    .option('--json', 'print JSON')
    .action(
      ctx.action(async (opts: { all?: boolean; json?: boolean }) => {
        const holds = await createHoldsRepository(await ctx.db()).listHolds({
          includeReleased: opts.all === true,
        });
        if (opts.json) {
          printJson(ctx.io, { holds: holds.map(holdJson) });
          return EXIT.OK;
        }
        if (holds.length === 0) {
          say(ctx.io, 'no holds');
          return EXIT.OK;
        }
        ctx.io.stdout(
          `${formatTable([
            ['stream', 'rate/h', 'until', 'released', 'reason'],
            ...holds.map((h) => [
              h.stream,
              h.rate,
              h.until,
              h.releasedAt?.toISOString() ?? '-',
              h.reason ?? '',
            ]),
          ])}\n`,
        );
        return EXIT.OK;
      }),
    );
}

function holdJson(hold: RampHold) {
  return {
    stream: hold.stream,
    rate: hold.rate,
    until: hold.until,
    reason: hold.reason,
    createdAt: hold.createdAt.toISOString(),
    releasedAt: hold.releasedAt?.toISOString() ?? null,
  };
}
