import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { OpsError } from '../errors.js';
import type { CommandCall, CommandRunner } from '../exec/command-runner.js';
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
 * only when the block changed. The file is replaced atomically (temp file + rename); lines outside the
 * block are kept as they are.
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
  if (!plan.changed) return { table, changed: false, conflicts: plan.conflicts, commands: [] };
  const temp = `${path}.mailramp-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, plan.text, { mode: 0o644 });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
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
