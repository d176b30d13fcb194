import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS, selectCommandGroups } from './index.js';

const names = (argv: string[]) =>
  selectCommandGroups(argv).map((g) => g.commands.concat(g.subcommands ?? []).join(' '));

describe('selectCommandGroups', () => {
  it.each([
    [['ops', 'report', '--json'], ['ops report']],
    [['--config', 'm.json', '--data-dir=/tmp/x', 'ops', 'report'], ['ops report']],
    [['ops', 'check-dns'], ['ops watchdog check-boot check-dns']],
    [['db', 'migrate'], ['db']],
    [['render', 'trucking/x'], ['lint render']],
  ])('%j loads only its own group', (argv, expected) => {
    expect(names(argv)).toEqual(expected);
  });

  it.each([[[]], [['--help']], [['ops']], [['ops', '--help']], [['help', 'ops']], [['no-such-command']]])(
    '%j loads every group (help and errors list them all)',
    (argv) => {
      expect(selectCommandGroups(argv)).toHaveLength(COMMAND_GROUPS.length);
    },
  );

  it('every group registers the commands it claims', async () => {
    const { Command } = await import('commander');
    for (const group of COMMAND_GROUPS) {
      const program = new Command();
      (await group.load())(program, { action: () => async () => {} } as never);
      const top = program.commands.map((c) => c.name());
      expect(top).toEqual(group.commands);
      if (group.subcommands) {
        expect(program.commands[0]!.commands.map((c) => c.name())).toEqual(group.subcommands);
      }
    }
  });
});
