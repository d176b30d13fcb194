import type { CsvEncoding } from '@mailramp/builder';
import { SUPPRESSION_REASONS, type SuppressionReason } from '@mailramp/db';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { MailrampError } from 'mailramp';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode, exitCodeOfListmonk } from '../exit-codes.js';
import { createMailLogProgress, formatTable, printJson, say } from '../output.js';
import { parseEncoding } from './audience-files.js';

const reasonOption = (fallback?: SuppressionReason) => {
  const option = new Option('--reason <reason>', 'why it is never mailed').choices(SUPPRESSION_REASONS);
  return fallback === undefined ? option : option.default(fallback);
};

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

/** `mailramp suppress …`: addresses and domains that are never mailed. */
export function registerSuppressCommands(program: Command, ctx: CliContext): void {
  const suppress = program
    .command('suppress')
    .description(
      'suppressed addresses and domains: add, import, list, remove, sync from bounces and the mail log',
    );

  suppress
    .command('add <targets...>')
    .description('suppress addresses or whole domains (an argument without @ is a domain)')
    .addOption(reasonOption('manual'))
    .option('--source <source>', 'who or what asked for it', 'cli')
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(
        async (targets: string[], opts: { reason: SuppressionReason; source: string; json?: boolean }) => {
          const result = await (await ctx.mailramp()).suppress.add(targets, {
            reason: opts.reason,
            source: opts.source,
          });
          if (opts.json) printJson(ctx.io, result);
          say(
            ctx.io,
            `suppressed ${result.added.length}; ${result.alreadySuppressed} already were (${opts.reason})`,
          );
          return EXIT.OK;
        },
      ),
    );

  suppress
    .command('import <file>')
    .description(
      'suppress every address (column email) or domain (column domain) of a CSV file; a reason column is optional',
    )
    .addOption(reasonOption('manual'))
    .option('--source <source>', 'where the list came from (default: the file name)')
    .option(
      '--encoding <name>',
      'character encoding: utf-8 (default, checked strictly), latin1 or windows-1252',
      parseEncoding,
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(
        async (
          file: string,
          opts: { reason: SuppressionReason; source?: string; encoding?: CsvEncoding; json?: boolean },
        ) => {
          const mailramp = await ctx.mailramp();
          const result = await mailramp.suppress
            .import(file, { reason: opts.reason, source: opts.source, encoding: opts.encoding })
            .catch((error: unknown) => {
              // All or nothing: the bad lines are shown, and nothing was stored.
              if (error instanceof MailrampError)
                for (const problem of error.problems.slice(0, 20)) say(ctx.io, `  ${problem}`);
              throw error;
            });
          if (opts.json) printJson(ctx.io, result);
          say(
            ctx.io,
            `read ${result.read}; suppressed ${result.added}; ${result.read - result.added} already were`,
          );
          return EXIT.OK;
        },
      ),
    );

  suppress
    .command('list')
    .description('list suppressed addresses and domains, newest first')
    .addOption(reasonOption())
    .option('--limit <n>', 'at most this many (default 1000)', parseLimit)
    .option('--json', 'print as JSON on stdout')
    .action(
      ctx.action(async (opts: { reason?: SuppressionReason; limit?: number; json?: boolean }) => {
        const rows = await (await ctx.mailramp()).suppress.list({
          ...(opts.reason === undefined ? {} : { reason: opts.reason }),
          ...(opts.limit === undefined ? {} : { limit: opts.limit }),
        });
        if (opts.json) printJson(ctx.io, rows);
        else
          ctx.io.stdout(
            `${formatTable([
              ['kind', 'value', 'reason', 'source', 'since'],
              ...rows.map((r) => [r.kind, r.value, r.reason, r.source, r.createdAt.toISOString()]),
            ])}\n`,
          );
        return EXIT.OK;
      }),
    );

  suppress
    .command('remove <target>')
    .description(
      'lift a suppression of an address or domain (one reason, or all); exit 1 when there was none',
    )
    .addOption(reasonOption())
    .action(
      ctx.action(async (target: string, opts: { reason?: SuppressionReason }) => {
        const removed = await (await ctx.mailramp()).suppress.remove(target, opts.reason);
        say(
          ctx.io,
          removed === 0
            ? `${target} was not suppressed${opts.reason ? ` for ${opts.reason}` : ''}`
            : `removed ${removed} suppression(s) of ${target}`,
        );
        return removed === 0 ? EXIT.FINDINGS : EXIT.OK;
      }),
    );

  suppress
    .command('sync')
    .description(
      'record hard failures from the mail log and hard bounces and complaints from every configured Listmonk (from where the last sync stopped), and suppress addresses with enough recipient failures (5.7.x and block-list replies never count); report dead Microsoft 365 tenants. Idempotent. When a Listmonk cannot be read, the rest is still stored, that instance is read from the same point next time, and the exit code is 3.',
    )
    .option('--log <files...>', 'mail log files (default: config suppress.mailLog, with rotated siblings)')
    .option('--instance <names...>', 'read only these Listmonk instances (default: every configured one)')
    .option('--no-listmonk', 'read the mail log only')
    .option('--apply', 'also suppress the dead-tenant domains found')
    .option('--dry-run', 'compute everything, store nothing')
    .option('--json', 'print the result as JSON on stdout')
    .action(
      ctx.action(
        async (opts: {
          log?: string[];
          instance?: string[];
          listmonk: boolean;
          apply?: boolean;
          dryRun?: boolean;
          json?: boolean;
        }) => {
          const mailramp = await ctx.mailramp();
          const rules = mailramp.config.suppress;
          const progress = createMailLogProgress(ctx.io);
          const result = await mailramp.suppress
            .sync(
              {
                log: opts.log,
                instances: opts.listmonk ? opts.instance : [],
                applyDeadTenants: opts.apply === true,
                dryRun: opts.dryRun === true,
              },
              { onEvent: progress.onEvent },
            )
            .finally(progress.done);
          if (opts.json) printJson(ctx.io, result);
          say(
            ctx.io,
            `${result.dryRun ? 'dry run (nothing stored): ' : ''}read ${result.attemptsRead} deliveries, ${result.bouncesRead} Listmonk bounces; recorded ${result.failuresRecorded} new hard failures (${result.policyFailures} blame the sender and never count); suppressed ${result.suppressed.length} addresses, ${result.complaints.length} complaints`,
          );
          let exit: ExitCode = EXIT.OK;
          for (const o of result.listmonk) {
            if (o.error === undefined) {
              say(
                ctx.io,
                `listmonk ${o.instance}: ${o.bouncesRead} bounces${o.since === null ? '' : ` since ${o.since.toISOString()}`}`,
              );
              continue;
            }
            say(
              ctx.io,
              `listmonk ${o.instance}: could not read its bounces (${o.error.message}). Nothing of it is lost: it is read from ${o.since === null ? 'the start' : o.since.toISOString()} again next time; the mail log${result.listmonk.length > 1 ? ' and the other instances' : ''} ${result.dryRun ? 'would have been' : 'were'} stored. Check that it is up and listmonk.instances.${o.instance} in the config, then re-run.`,
            );
            exit = Math.max(exit, exitCodeOfListmonk(o.error.code)) as ExitCode;
          }
          const already = new Set(result.deadTenantsAlreadySuppressed);
          const pending = result.deadTenants.filter((d) => !already.has(d.domain.toLowerCase()));
          for (const d of result.deadTenants) {
            say(
              ctx.io,
              `dead tenant: ${d.domain} — ${d.attempts} attempts over ${d.days} days, all ${rules.deadTenant.dsn}${already.has(d.domain.toLowerCase()) ? ' (already suppressed)' : ''}`,
            );
          }
          if (pending.length > 0 && !opts.apply) {
            say(
              ctx.io,
              `re-run with --apply to suppress ${pending.length === 1 ? 'this domain' : `these ${pending.length} domains`}: ${pending.map((d) => d.domain).join(', ')}`,
            );
          }
          if (opts.apply)
            say(ctx.io, `suppressed ${result.deadTenantsSuppressed.length} dead-tenant domains`);
          if (exit !== EXIT.OK) return exit;
          return pending.length > 0 && !opts.apply ? EXIT.FINDINGS : EXIT.OK;
        },
      ),
    );
}
