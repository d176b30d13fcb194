import { createDomainFamilies } from '@mailramp/mailbox';
import { applyHoldMap, planHoldMap, renderHoldMap } from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';

interface HoldMapOptions {
  family?: string[];
  write?: string | true;
  json?: boolean;
}

/** `mailramp ops hold-map`: the Postfix transport lines that park blocked-family domains on hold:. */
export function registerOpsHoldMapCommands(program: Command, ctx: CliContext): void {
  opsCommand(program)
    .command('hold-map')
    .description(
      "the Postfix transport(5) lines that park every blocked-family domain on hold: (the backstop behind the build's exclusion), from mailbox.families. Prints them for postmap; --write updates mailramp's block in the transport table's file (other lines kept) and runs postmap, only when the block changed. Exit 1 when another line of the file routes a held domain.",
    )
    .option('--family <id...>', 'only these families (default: every enabled family)')
    .option(
      '--write [table]',
      "update this table's source file and postmap it (default: the first postfix.lookupTables entry of the warm-up streams, e.g. hash:/etc/postfix/transport)",
    )
    .option('--json', 'print the entries (domain, family) and what was written as JSON')
    .action(
      ctx.action(async (opts: HoldMapOptions) => {
        const config = await ctx.config();
        const families = createDomainFamilies(config.mailbox.families);
        const unknown = (opts.family ?? []).filter((id) => families.families[id] === undefined);
        if (unknown.length > 0) {
          throw new CliError(
            EXIT.USAGE,
            `unknown or disabled famil${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}; enabled: ${Object.keys(families.families).join(', ')}`,
          );
        }
        const entries = planHoldMap(families, opts.family);
        if (opts.write === undefined) {
          if (opts.json) printJson(ctx.io, { entries });
          else ctx.io.stdout(renderHoldMap(entries));
          say(ctx.io, `${entries.length} domains on hold:; install with --write, or save and run postmap`);
          return EXIT.OK;
        }
        const table = opts.write === true ? defaultTable(config.warmup.streams) : opts.write;
        const applied = await applyHoldMap(table, entries, ctx.io.runner);
        if (opts.json) printJson(ctx.io, { entries, ...applied });
        say(
          ctx.io,
          applied.changed
            ? `wrote ${entries.length} hold: entries to ${table} and ran postmap`
            : `${table} already holds these ${entries.length} domains: nothing to do`,
        );
        for (const c of applied.conflicts) {
          say(
            ctx.io,
            `warning: line ${c.line} routes ${c.domain} too ("${c.text}"); remove it so hold: is the only route`,
          );
        }
        return applied.conflicts.length > 0 ? EXIT.FINDINGS : EXIT.OK;
      }),
    );
}

function defaultTable(streams: Record<string, { postfix: { lookupTables: string[] } }>): string {
  const tables = new Set(
    Object.values(streams)
      .map((s) => s.postfix.lookupTables[0])
      .filter((t) => t !== undefined),
  );
  if (tables.size === 0) return 'hash:/etc/postfix/transport';
  if (tables.size > 1) {
    throw new CliError(
      EXIT.USAGE,
      `the streams use different first lookup tables (${[...tables].join(', ')}); name one: --write TABLE`,
    );
  }
  return [...tables][0]!;
}
