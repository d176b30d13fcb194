import type { BackfillPlan } from '@mailramp/builder';
import { BuilderError } from '@mailramp/builder/errors';
import type { Command } from 'commander';
import type { BackfillFilterInput } from 'mailramp';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable, printJson, say } from '../output.js';

interface FilterOptions {
  vertical?: string;
  sentFrom?: string;
  sentTo?: string;
  verify?: string;
  excludeOperators?: string;
  includeOperators?: string;
  segment?: string;
  limit?: string;
  json?: boolean;
}

const FILTER_HELP = `
The window is half-open on listmonk_sent_at: sent-from <= listmonk_sent_at < sent-to. Dates are UTC
midnight (2026-06-01); date-times need an offset (2026-06-18T00:31Z). Rows with no operator yet are
never excluded by --exclude-operators. --segment matches the segment of the recipient's last
scheduled send in send_ledger.

Example (the Jun 22 re-send of the unsigned-DKIM window, Google held out):
  mailramp backfill plan --name resend_dkim_20260622 --vertical trucking \\
    --sent-from 2026-06-01 --sent-to 2026-06-18T00:31Z \\
    --verify smtp_valid,send_confirmed --exclude-operators google`;

function withFilter(cmd: Command): Command {
  return cmd
    .requiredOption('--vertical <vertical>', 'trucking | healthcare')
    .requiredOption(
      '--sent-from <time>',
      'first listmonk_sent_at included (ISO date or date-time with offset)',
    )
    .requiredOption('--sent-to <time>', 'first listmonk_sent_at excluded')
    .option('--verify <results>', 'only these email_verify_result values (comma list)')
    .option('--exclude-operators <operators>', 'leave these operators alone (comma list, e.g. google)')
    .option('--include-operators <operators>', 'only these operators (comma list)')
    .option('--segment <segment>', 'only recipients whose last scheduled send was for this segment')
    .option('--limit <n>', 'at most n rows, lowest keys first')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', FILTER_HELP);
}

function filterOf(opts: FilterOptions): BackfillFilterInput {
  return {
    vertical: opts.vertical ?? '',
    sentFrom: opts.sentFrom ?? '',
    sentTo: opts.sentTo ?? '',
    verify: opts.verify,
    excludeOperators: opts.excludeOperators,
    includeOperators: opts.includeOperators,
    segment: opts.segment,
    limit: opts.limit,
  };
}

function sayPlan(io: CliIo, plan: BackfillPlan): void {
  say(
    io,
    `${plan.total.toLocaleString('en-US')} rows would be reset (${plan.ledgerRows} ledger rows marked 'reset')`,
  );
  if (plan.total > 0) {
    say(io, formatTable([['operator', 'rows'], ...plan.byOperator.map((o) => [o.operator, o.count])]));
    say(io, formatTable([['verification', 'rows'], ...plan.byVerify.map((v) => [v.verify, v.count])]));
    say(io, 'samples:');
    say(
      io,
      formatTable([
        ['key', 'domain', 'operator', 'verification', 'listmonk_sent_at', 'segment'],
        ...plan.samples.map((s) => [
          s.key,
          s.emailDomain ?? '',
          s.operator ?? '',
          s.verify ?? '',
          s.listmonkSentAt.toISOString(),
          s.segment ?? '',
        ]),
      ]),
    );
  }
  for (const warning of plan.warnings) say(io, `warning: ${warning}`);
}

/** `mailramp backfill …`: reversible resets of listmonk_sent_at with a backup table. */
export function registerBackfillCommands(program: Command, ctx: CliContext): void {
  const backfill = program
    .command('backfill')
    .description(
      're-send backfills: reset listmonk_sent_at for chosen rows, with a backup table and an exact revert',
    );

  withFilter(
    backfill
      .command('plan')
      .description(
        'count and sample what a backfill would reset, by operator and verification result; writes nothing',
      )
      .option('--name <name>', 'the name you intend to apply it under (checked, not stored)'),
  ).action(
    ctx.action(async (opts: FilterOptions & { name?: string }) => {
      const plan = await (await ctx.mailramp()).backfill.plan(filterOf(opts), { name: opts.name });
      if (opts.json) printJson(ctx.io, plan);
      sayPlan(ctx.io, plan);
      if (opts.name !== undefined && plan.total > 0) {
        say(ctx.io, `apply with the same flags: mailramp backfill apply --name ${opts.name} …`);
      }
      return EXIT.OK;
    }),
  );

  withFilter(
    backfill
      .command('apply')
      .description(
        'in one transaction: back up, register and reset the selected rows and mark their ledger rows; refuses an existing name',
      )
      .requiredOption('--name <name>', 'backfill name: a-z, 0-9, _ (e.g. resend_dkim_20260622)')
      .option('--who <name>', 'who runs it, for the registry (default: $SUDO_USER / $USER)')
      .option(
        '--include-pending',
        "also reset recipients whose campaign Listmonk has not sent yet (scheduled, send_at ahead), taking them off that campaign's list in Listmonk first; refused (exit 4, nothing changed) when that cannot be done. Without it such a window is refused",
      )
      .option('--dry-run', 'show what would be reset (same as `backfill plan`) and change nothing'),
  ).action(
    ctx.action(
      async (
        opts: FilterOptions & { name: string; who?: string; dryRun?: boolean; includePending?: boolean },
      ) => {
        const { name } = opts;
        const backfills = (await ctx.mailramp()).backfill;
        if (opts.dryRun) {
          const plan = await backfills.plan(filterOf(opts), { name });
          if (opts.json) printJson(ctx.io, plan);
          sayPlan(ctx.io, plan);
          // The real run would refuse the window's rows in campaigns not sent yet: say so, as it would.
          if (plan.pending.rows > 0 && opts.includePending !== true) {
            say(
              ctx.io,
              `dry run: nothing changed; apply would refuse backfill ${name} (exit 4): see the warning above`,
            );
            return EXIT.REFUSED;
          }
          say(ctx.io, `dry run: nothing changed; run again without --dry-run to apply backfill ${name}`);
          return EXIT.OK;
        }
        const applied = await backfills.apply({
          name,
          filter: filterOf(opts),
          createdBy: opts.who,
          includePending: opts.includePending === true,
        });
        if (opts.json) printJson(ctx.io, applied);
        say(
          ctx.io,
          `backfill ${applied.name}: reset ${applied.rows.toLocaleString('en-US')} rows and ${applied.ledgerRows} ledger rows; old values in ${applied.backupTable}`,
        );
        for (const t of applied.takenOff) {
          say(
            ctx.io,
            `  took ${t.recipients} recipients off pending campaign ${t.campaign} (id ${t.campaignId}, send_at ${t.sendAt.toISOString()}, Listmonk ${t.instance})`,
          );
        }
        say(
          ctx.io,
          `the next builds pick them up under the normal caps; undo with: mailramp backfill revert --name ${name}`,
        );
        return EXIT.OK;
      },
    ),
  );

  backfill
    .command('revert')
    .description(
      'restore the old values in one transaction; rows re-sent since are reported and left alone unless --force (exit 1 when any were left)',
    )
    .requiredOption('--name <name>', 'the backfill to revert')
    .option('--force', 'also restore rows re-sent since (overwrites their new listmonk_sent_at)')
    .option('--who <name>', 'who runs it, for the registry (default: $SUDO_USER / $USER)')
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(async (opts: { name: string; force?: boolean; who?: string; json?: boolean }) => {
        const result = await (await ctx.mailramp()).backfill
          .revert({ name: opts.name, revertedBy: opts.who, force: opts.force === true })
          .catch((error: unknown) => {
            // A second revert has nothing left to do: said, and exit 0 like any idempotent re-run.
            if (error instanceof BuilderError && error.code === 'BACKFILL_ALREADY_REVERTED') return error;
            throw error;
          });
        if (result instanceof BuilderError) {
          say(ctx.io, result.message);
          return EXIT.OK;
        }
        if (opts.json) printJson(ctx.io, result);
        say(ctx.io, `backfill ${result.name}: restored ${result.restored} rows; state ${result.state}`);
        if (result.forced.length > 0) {
          say(ctx.io, `--force restored ${result.forced.length} rows re-sent since the apply`);
        }
        if (result.takenOff.length > 0) {
          say(
            ctx.io,
            `${result.takenOff.length} rows were taken off a campaign before it sent (--include-pending): never mailed, so left unstamped for the next build: ${preview(result.takenOff)}`,
          );
        }
        if (result.missing.length > 0) {
          say(
            ctx.io,
            `${result.missing.length} rows no longer exist in the audience table: ${preview(result.missing)}`,
          );
        }
        if (result.resent.length > 0) {
          say(
            ctx.io,
            `${result.resent.length} rows were re-sent or queued again since the apply and were left alone: ${preview(result.resent)}`,
          );
          say(ctx.io, `to restore them anyway: mailramp backfill revert --name ${result.name} --force`);
          return EXIT.FINDINGS;
        }
        return EXIT.OK;
      }),
    );

  backfill
    .command('list')
    .description('every backfill with its counts and state, newest first')
    .option('--json', 'print the list as JSON on stdout')
    .action(
      ctx.action(async (opts: { json?: boolean }) => {
        const all = await (await ctx.mailramp()).backfill.list();
        if (opts.json) {
          printJson(ctx.io, all);
          return EXIT.OK;
        }
        if (all.length === 0) {
          say(ctx.io, 'no backfills yet');
          return EXIT.OK;
        }
        say(
          ctx.io,
          formatTable([
            ['name', 'vertical', 'state', 'rows', 'ledger', 'restored', 'by', 'created'],
            ...all.map((b) => [
              b.name,
              b.vertical,
              b.state,
              b.rows,
              b.ledgerRows,
              b.restored,
              b.createdBy,
              b.createdAt.toISOString(),
            ]),
          ]),
        );
        return EXIT.OK;
      }),
    );

  backfill
    .command('show')
    .description('one backfill: filter, who and when, counts, state, and where its rows are now')
    .argument('<name>', 'the backfill name')
    .option('--json', 'print it as JSON on stdout')
    .action(
      ctx.action(async (name: string, opts: { json?: boolean }) => {
        const b = await (await ctx.mailramp()).backfill.show(name);
        if (opts.json) {
          printJson(ctx.io, b);
          return EXIT.OK;
        }
        say(ctx.io, `backfill ${b.name} (${b.vertical}), ${b.state}`);
        say(ctx.io, `created ${b.createdAt.toISOString()} by ${b.createdBy}; backup table ${b.backupTable}`);
        if (b.revertedAt !== null)
          say(ctx.io, `last revert ${b.revertedAt.toISOString()} by ${b.revertedBy}`);
        say(ctx.io, `filter ${JSON.stringify(b.filter)}`);
        say(
          ctx.io,
          formatTable([
            ['rows', 'ledger', 'waiting for a build', 're-sent since', 'restored', 'missing'],
            [b.rows, b.ledgerRows, b.now.waiting, b.now.resent, b.now.restored, b.now.missing],
          ]),
        );
        return EXIT.OK;
      }),
    );
}

function preview(keys: string[]): string {
  return keys.length <= 20 ? keys.join(', ') : `${keys.slice(0, 20).join(', ')} … (--json lists all)`;
}
