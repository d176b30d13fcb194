/**
 * Every command the guard and the gate tell a user to run exists: a message naming `mailramp
 * alarms` (no such command) sends someone in the middle of a STOP to an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from './index.js';

const ROOT = join(import.meta.dirname, '../../../..');
const SOURCES = [
  'packages/ops/src/guard',
  'packages/mailramp/src/guard',
  'packages/mailramp/src/build',
  'apps/cli/src/commands',
];

/** `mailramp <word> [<word>…]` in the non-test sources of the guard, the gate wiring and guard*.ts. */
function mentions(): { file: string; words: string[] }[] {
  const found: { file: string; words: string[] }[] = [];
  for (const dir of SOURCES) {
    for (const name of readdirSync(join(ROOT, dir))) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      if (dir.startsWith('apps/') && !/^(guard|build)/.test(name)) continue;
      const text = readFileSync(join(ROOT, dir, name), 'utf8');
      for (const m of text.matchAll(
        /`mailramp ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)|\(mailramp ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)/g,
      ))
        found.push({ file: `${dir}/${name}`, words: (m[1] ?? m[2]!).split(' ') });
    }
  }
  return found;
}

describe('commands named in guard and gate messages', () => {
  it('each resolves to a command of `mailramp --help`', async () => {
    const program = new Command();
    for (const group of COMMAND_GROUPS)
      (await group.load())(program, { action: () => async () => {} } as never);
    const all = mentions();
    expect(all.length).toBeGreaterThan(5);
    const missing = all.filter(({ words }) => {
      let at: Command = program;
      const first = at.commands.find((c) => c.name() === words[0]);
      if (first === undefined) return true;
      at = first;
      // Deeper words must be subcommands when the command has any (arguments otherwise).
      for (const w of words.slice(1)) {
        if (at.commands.length === 0) break;
        const next = at.commands.find((c) => c.name() === w);
        if (next === undefined) return true;
        at = next;
      }
      return false;
    });
    expect(missing.map((m) => `${m.file}: mailramp ${m.words.join(' ')}`)).toEqual([]);
  });
});
