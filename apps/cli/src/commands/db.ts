import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, formatTable, printJson, say } from '../output.js';

/** `mailramp db …`: migrations and database status. */
export function registerDbCommands(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('database migrations and status');

  db.command('migrate')
    .description('apply pending migrations (each once, in order, in its own transaction)')
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(async (opts: { json?: boolean }) => {
        const { database } = await ctx.mailramp();
        say(ctx.io, `database: ${await database.describe()}`);
        const result = await database.migrate({
          onEvent: (e) => {
            if (e.type === 'migration-applied') say(ctx.io, `applied ${e.name}`);
          },
        });
        if (opts.json) printJson(ctx.io, result);
        say(
          ctx.io,
          result.applied.length === 0
            ? `up to date (${result.alreadyApplied} migrations applied)`
            : `applied ${result.applied.length} migration(s); ${result.alreadyApplied} were already applied`,
        );
        return EXIT.OK;
      }),
    );

  db.command('status')
    .description('list migrations as applied, pending, edited or missing; exit 1 when pending, 4 when edited')
    .option('--json', 'print the status as JSON on stdout')
    .action(
      ctx.action(async (opts: { json?: boolean }) => {
        const { database } = await ctx.mailramp();
        const where = await database.describe();
        const states = await database.migrationStatus();
        if (opts.json) {
          printJson(ctx.io, { database: where, migrations: states });
        } else {
          say(ctx.io, `database: ${where}`);
          say(
            ctx.io,
            formatTable([
              ['migration', 'state', 'applied at'],
              ...states.map((s) => [s.name, s.state, s.appliedAt?.toISOString() ?? '']),
            ]),
          );
        }
        if (states.some((s) => s.state === 'edited' || s.state === 'missing')) {
          say(
            ctx.io,
            'an applied migration was edited or is missing: restore it; run `mailramp db status` after',
          );
          return EXIT.REFUSED;
        }
        const pending = states.filter((s) => s.state === 'pending').length;
        if (pending > 0) {
          say(ctx.io, `${pending} pending: run \`mailramp db migrate\``);
          return EXIT.FINDINGS;
        }
        say(ctx.io, 'up to date');
        return EXIT.OK;
      }),
    );

  db.command('seed-demo')
    .description(
      'fill an empty database with a generated demo audience (domain/operator mix with the Yahoo family and dead ISPs, verification results, states, MCS-150 dates); refuses next to real rows',
    )
    .option('--carriers <n>', 'demo carriers', count, 5000)
    .option('--providers <n>', 'demo healthcare providers', count, 1000)
    .option('--seed <n>', 'random seed: the same seed gives the same audience', count, 7)
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(async (opts: { carriers: number; providers: number; seed: number; json?: boolean }) => {
        const { database } = await ctx.mailramp();
        say(ctx.io, `database: ${await database.describe()}`);
        const progress = createProgress(ctx.io, 'seeding demo audience');
        const result = await database.seedDemo(
          { carriers: opts.carriers, providers: opts.providers, seed: opts.seed },
          {
            onEvent: (e) => {
              if (e.type === 'seed-progress') progress.update(e.done, e.total);
            },
          },
        );
        progress.done();
        if (opts.json) printJson(ctx.io, result);
        say(
          ctx.io,
          result.carriers + result.providers === 0
            ? 'demo audience already present (nothing added)'
            : `added ${result.carriers} carriers, ${result.providers} providers, ${result.suppressions} suppressions`,
        );
        return EXIT.OK;
      }),
    );
}

function count(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 5_000_000)
    throw new InvalidArgumentError('expected a whole number up to 5,000,000');
  return Number(value);
}
