import { DEFAULT_HOLD_FAMILIES, renderHoldMap } from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';

interface HoldMapOptions {
  family?: string[];
  write?: string | true;
  json?: boolean;
}

/** `mailramp ops hold-map`: the Postfix transport lines that park a blocked family's domains on hold:. */
export function registerOpsHoldMapCommands(program: Command, ctx: CliContext): void {
  opsCommand(program)
    .command('hold-map')
    .description(
      `the Postfix transport(5) lines that park the Yahoo family's domains on hold: (the runbook's backstop behind the build's exclusion; other families only when named with --family), from mailbox.families. Prints them for postmap. --write puts them in a table of mailramp's own — each stream's first postfix.lookupTables entry, which transport_maps looks up first — and runs postmap, only when the block changed; a table that routes anything else (the host-wide transport table carries transactional routes) is refused and left untouched. Exit codes: 0 written or already current · 1 written, but Postfix does not look the table up first yet (run \`ops warmup --apply\`) · 2 unknown family · 4 refused: the table routes other mail, or no stream looks it up first.`,
    )
    .option(
      '--family <id...>',
      `families to hold (default: ${DEFAULT_HOLD_FAMILIES.join(', ')}, as the runbook does)`,
    )
    .option(
      '--write [table]',
      "update the table's source file and postmap it (default: each warm-up stream's first postfix.lookupTables entry, e.g. hash:/etc/postfix/mailramp-hold)",
    )
    .option('--json', 'print the entries (domain, family) and what was written as JSON')
    .action(
      ctx.action(async (opts: HoldMapOptions) => {
        const held = await (await ctx.mailramp()).warmup.holdMap({
          families: opts.family,
          write: opts.write,
        });
        const { families: ids, entries } = held;
        if (held.tables === undefined) {
          if (opts.json) printJson(ctx.io, { families: ids, entries });
          else ctx.io.stdout(renderHoldMap(entries));
          say(
            ctx.io,
            `${entries.length} domains of ${ids.join(', ')} on hold:; install with --write (a table of mailramp's own that transport_maps looks up first)`,
          );
          return EXIT.OK;
        }
        const results = held.tables;
        for (const { table, changed, streams, lookedUpFirst } of results) {
          say(
            ctx.io,
            changed
              ? `wrote ${entries.length} hold: entries (${ids.join(', ')}) to ${table} and ran postmap`
              : `${table} already holds these ${entries.length} domains: nothing to do`,
          );
          if (!lookedUpFirst) {
            say(
              ctx.io,
              `  but Postfix does not look ${table} up first for ${streams.join(', ')} yet: run \`mailramp ops warmup --apply\` so transport_maps starts with it`,
            );
          }
        }
        if (opts.json) printJson(ctx.io, { families: ids, entries, tables: results });
        return results.every((r) => r.lookedUpFirst) ? EXIT.OK : EXIT.FINDINGS;
      }),
    );
}
