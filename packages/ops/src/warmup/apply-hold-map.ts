import { readFile } from 'node:fs/promises';
import { OpsError } from '../errors.js';
import type { CommandCall, CommandRunner } from '../exec/command-runner.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import { type HoldMapConflict, type HoldMapEntry, planHoldMapFile } from './plan-hold-map.js';

/** What {@link applyHoldMap} did. */
export interface HoldMapApplied {
  /** The table written, e.g. `hash:/etc/postfix/transport`. */
  table: string;
  changed: boolean;
  conflicts: HoldMapConflict[];
  /** Commands run (postmap), in order. */
  commands: CommandCall[];
}

/**
 * Writes the hold block into a Postfix transport table's source file and rebuilds it with `postmap`,
 * only when the block changed. The table must be mailramp's own (missing, or nothing but the block and
 * comments): a table that routes other mail too is refused (TABLE_NOT_OWN) and left untouched, so a
 * hold never reaches mail nobody asked to hold. The file is replaced atomically (temp file + rename).
 */
export async function applyHoldMap(
  table: string,
  entries: readonly HoldMapEntry[],
  runner: CommandRunner,
): Promise<HoldMapApplied> {
  const match = /^([a-z]+):(\/[A-Za-z0-9_./-]+)$/.exec(table);
  if (match === null || table.includes('..')) {
    throw new OpsError(
      'UNSAFE_ARGUMENT',
      `refusing table ${JSON.stringify(table)}: expected type:/absolute/path such as hash:/etc/postfix/transport`,
    );
  }
  const path = match[2]!;
  let existing = '';
  try {
    existing = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new OpsError('INPUT_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const plan = planHoldMapFile(existing, entries);
  if (plan.otherRoutes.length > 0) throw notOwnTable(table, plan.otherRoutes);
  if (!plan.changed) return { table, changed: false, conflicts: plan.conflicts, commands: [] };
  try {
    await writeFileAtomic(path, plan.text, { mode: 0o644 });
  } catch (error) {
    throw new OpsError(
      'STATE_UNWRITABLE',
      `cannot write ${path}: ${(error as Error).message}; nothing was changed`,
      {
        cause: error,
      },
    );
  }
  const postmap: CommandCall = { command: 'postmap', args: [table] };
  const result = await runner.run(postmap.command, postmap.args);
  if (result.code !== 0) {
    throw new OpsError(
      'COMMAND_FAILED',
      `${path} was written but \`postmap ${table}\` failed (exit ${result.code}): ${result.stderr.trim() || 'no output'}; fix it and run postmap by hand`,
    );
  }
  return { table, changed: true, conflicts: plan.conflicts, commands: [postmap] };
}

/** The refusal for a table that routes other mail: what it routes, and how to give mailramp its own. */
export function notOwnTable(table: string, routes: readonly HoldMapConflict[]): OpsError {
  const dir = table.replace(/^[a-z]+:/, '').replace(/\/[^/]*$/, '');
  const first = routes[0]!;
  return new OpsError(
    'TABLE_NOT_OWN',
    `refusing to write ${table}: it also routes ${routes.length} other key(s) (line ${first.line}: "${first.text}"), so a hold there would reach mail nobody asked to hold. hold-map writes only a table of its own: put e.g. hash:${dir}/mailramp-hold first in the stream's postfix.lookupTables, run \`mailramp ops warmup --apply\` so transport_maps looks it up first, then \`mailramp ops hold-map --write\`; nothing was written`,
  );
}
