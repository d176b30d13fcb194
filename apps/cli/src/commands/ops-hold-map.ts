import { createDomainFamilies } from '@mailramp/mailbox';
import {
  applyHoldMap,
  DEFAULT_HOLD_FAMILIES,
  type HoldMapApplied,
  notOwnTable,
  parseTransportMaps,
  planHoldMap,
  planHoldMapFile,
  planReadTransportMapsCommand,
  renderHoldMap,
  type WarmupStream,
} from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';
import { selectStreams } from './warmup-streams.js';

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
        const config = await ctx.config();
        const families = createDomainFamilies(config.mailbox.families);
        const ids = opts.family ?? DEFAULT_HOLD_FAMILIES;
        const unknown = ids.filter((id) => families.families[id] === undefined);
        if (unknown.length > 0) {
          throw new CliError(
            EXIT.USAGE,
            `unknown or disabled famil${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}; enabled: ${Object.keys(families.families).join(', ')}${opts.family === undefined ? '; name the families to hold with --family' : ''}`,
          );
        }
        const entries = planHoldMap(families, ids);
        if (opts.write === undefined) {
          if (opts.json) printJson(ctx.io, { families: ids, entries });
          else ctx.io.stdout(renderHoldMap(entries));
          say(
            ctx.io,
            `${entries.length} domains of ${ids.join(', ')} on hold:; install with --write (a table of mailramp's own that transport_maps looks up first)`,
          );
          return EXIT.OK;
        }
        const targets = listTargets(selectStreams(config, undefined), opts.write);
        // Check every table before writing any: a refused one leaves all of them untouched.
        for (const { table } of targets) {
          const path = table.replace(/^[a-z]+:/, '');
          let existing = '';
          try {
            existing = await ctx.io.readTextFile(path);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
          const { otherRoutes } = planHoldMapFile(existing, entries);
          if (otherRoutes.length > 0) throw notOwnTable(table, otherRoutes);
        }
        const results: Array<HoldMapApplied & { streams: string[]; lookedUpFirst: boolean }> = [];
        for (const { table, streams } of targets) {
          const applied = await applyHoldMap(table, entries, ctx.io.runner);
          const lookedUpFirst = await isLookedUpFirst(ctx, streams, table);
          results.push({ ...applied, streams: streams.map((s) => s.name), lookedUpFirst });
          say(
            ctx.io,
            applied.changed
              ? `wrote ${entries.length} hold: entries (${ids.join(', ')}) to ${table} and ran postmap`
              : `${table} already holds these ${entries.length} domains: nothing to do`,
          );
          if (!lookedUpFirst) {
            say(
              ctx.io,
              `  but Postfix does not look ${table} up first for ${streams.map((s) => s.name).join(', ')} yet: run \`mailramp ops warmup --apply\` so transport_maps starts with it`,
            );
          }
        }
        if (opts.json) printJson(ctx.io, { families: ids, entries, tables: results });
        return results.every((r) => r.lookedUpFirst) ? EXIT.OK : EXIT.FINDINGS;
      }),
    );
}

/**
 * The tables to write and the streams that look each up first. Named: it must be some stream's first
 * lookup table (a table looked up later, or not at all, holds nothing).
 */
function listTargets(
  streams: WarmupStream[],
  write: string | true,
): Array<{ table: string; streams: WarmupStream[] }> {
  const byTable = new Map<string, WarmupStream[]>();
  for (const stream of streams) {
    const first = stream.postfix.lookupTables[0];
    if (first !== undefined) byTable.set(first, [...(byTable.get(first) ?? []), stream]);
  }
  if (write === true) {
    if (byTable.size === 0) {
      throw new CliError(
        EXIT.USAGE,
        'no warm-up stream has postfix.lookupTables: add a table of mailramp’s own first, e.g. ["hash:/etc/postfix/mailramp-hold", "hash:/etc/postfix/transport"]',
      );
    }
    return [...byTable].map(([table, s]) => ({ table, streams: s }));
  }
  const users = byTable.get(write);
  if (users === undefined) {
    throw new CliError(
      EXIT.REFUSED,
      `no warm-up stream looks ${write} up first (${streams.map((s) => `${s.name}: ${s.postfix.lookupTables[0] ?? 'none'}`).join('; ')}), so hold: entries there would hold nothing; put it first in the stream's postfix.lookupTables, or run --write without a table`,
    );
  }
  return [{ table: write, streams: users }];
}

/** Whether Postfix's transport_maps of every one of the streams starts with the table now. */
async function isLookedUpFirst(ctx: CliContext, streams: WarmupStream[], table: string): Promise<boolean> {
  for (const stream of streams) {
    const read = planReadTransportMapsCommand(stream.postfix);
    const answer = await ctx.io.runner.run(read.command, read.args);
    if (answer.code !== 0) return false;
    if (parseTransportMaps(answer.stdout).lookupTables[0] !== table) return false;
  }
  return true;
}
