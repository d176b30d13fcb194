import type { LinksRepairPlan } from '@mailramp/builder';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatTable, printJson, say } from '../output.js';

const LINKS_HELP = `
Finds links.url values whose query starts with '&' and has no '?' (the @TrackLink incident of Jun 22:
https://site/order/boc3-filing&utm_source=… → 404) and rewrites the first '&' to '?'.

--database-url here is Listmonk's own database (or env LISTMONK_DATABASE_URL), never mailramp's.
Dry run by default (exit 1 when something needs repair). --apply backs the rows up into
mailramp_links_repair_<name> in that database, rewrites and verifies in one transaction.
A row whose repaired URL is already registered by another row (links.url is UNIQUE) is left alone and
reported: merging rows would rewrite Listmonk's click history. --revert NAME restores from the backup
(a row changed since is left alone and reported). --apply and --revert exit 0 once they did all they
could; what they left alone is printed.

Examples:
  mailramp listmonk links-repair --database-url postgres://listmonk@db/listmonk
  mailramp listmonk links-repair --database-url postgres://listmonk@db/listmonk --apply --name tracklink_20260622
  mailramp listmonk links-repair --database-url postgres://listmonk@db/listmonk --revert tracklink_20260622`;

interface LinksRepairOptions {
  apply?: boolean;
  revert?: string;
  name?: string;
  json?: boolean;
}

/** `mailramp listmonk …`: direct repairs in a Listmonk instance's own database. */
export function registerListmonkCommands(program: Command, ctx: CliContext): void {
  const listmonk = program.command('listmonk').description("repairs in a Listmonk instance's own database");

  listmonk
    .command('links-repair')
    .description("repair registered tracking links of the @TrackLink incident's shape (dry run by default)")
    .option('--apply', 'back up, rewrite and verify the malformed rows in one transaction')
    .option('--name <name>', 'name of the repair with --apply (a-z, 0-9, _; default links_<date>_<time>)')
    .option('--revert <name>', 'restore the URLs a repair rewrote, from its backup table')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', LINKS_HELP)
    .action(
      ctx.action(async (opts: LinksRepairOptions) => {
        if (opts.apply && opts.revert !== undefined) {
          throw new CliError(EXIT.USAGE, 'give --apply or --revert NAME, not both');
        }
        if (opts.name !== undefined && !opts.apply)
          throw new CliError(EXIT.USAGE, '--name goes with --apply');
        // Listmonk's database: --database-url, else the SDK reads LISTMONK_DATABASE_URL.
        const url = ctx.globals().databaseUrl;
        const links = (await ctx.mailramp()).links;
        if (opts.revert !== undefined) {
          const result = await links.revert(url, { name: opts.revert });
          if (opts.json) printJson(ctx.io, result);
          say(
            ctx.io,
            `links repair ${result.name}: restored ${result.restored} rows (${result.alreadyRestored} already had their old URL)`,
          );
          for (const s of result.skipped)
            say(ctx.io, `left alone: link ${s.id} (${s.reason.replaceAll('_', ' ')})`);
          // It restored everything it could: a row changed since is newer than the backup, not a finding.
          return EXIT.OK;
        }
        if (opts.apply) {
          const result = await links.apply(url, { name: opts.name });
          const { name } = result;
          if (opts.json) printJson(ctx.io, result);
          sayLinksPlan(ctx.io, result);
          say(
            ctx.io,
            result.backupTable === undefined
              ? 'nothing to repair; no backup table created'
              : `repaired ${result.repairs.length} links and verified them; old URLs in ${result.backupTable}; undo with --revert ${name}`,
          );
          if (result.collisions.length > 0) {
            say(
              ctx.io,
              `${result.collisions.length} link(s) left alone on purpose (merging rows would rewrite Listmonk's click history); nothing more to do`,
            );
          }
          // It repaired everything it could: what it left alone is reported, not a finding.
          return EXIT.OK;
        }
        const plan = await links.plan(url);
        const repairs = plan.existingRepairs;
        if (opts.json) printJson(ctx.io, plan);
        sayLinksPlan(ctx.io, plan);
        if (repairs.length > 0) {
          say(ctx.io, 'earlier repairs (revert with --revert NAME):');
          say(
            ctx.io,
            formatTable([
              ['name', 'rows', 'repaired at'],
              ...repairs.map((r) => [r.name, r.rows, r.repairedAt?.toISOString() ?? '']),
            ]),
          );
        }
        if (plan.repairs.length === 0) return EXIT.OK;
        say(ctx.io, 'dry run: nothing changed; add --apply --name NAME to repair');
        return EXIT.FINDINGS;
      }),
    );
}

function sayLinksPlan(io: CliIo, plan: LinksRepairPlan): void {
  say(io, `${plan.repairs.length} malformed links to repair`);
  if (plan.repairs.length > 0) {
    say(
      io,
      formatTable([['id', 'url', 'becomes'], ...plan.repairs.map((r) => [r.id, r.url, r.repairedUrl])]),
    );
  }
  for (const c of plan.collisions) {
    say(
      io,
      `left alone: link ${c.id} would become ${c.repairedUrl}, already registered as link ${c.existingId}`,
    );
  }
  if (plan.unrepairable.length > 0) {
    say(
      io,
      `${plan.unrepairable.length} links have '&' and no '?' but not the incident's shape (left alone): ids ${plan.unrepairable.map((u) => u.id).join(', ')}`,
    );
  }
}
