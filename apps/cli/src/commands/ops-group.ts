import type { Command } from 'commander';

/**
 * The `mailramp ops` group, created on first use: warm-up, log analytics and IP health each add
 * their commands to the same group from their own files.
 */
export function opsCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'ops') ??
    program
      .command('ops')
      .description('sending operations: IP warm-up, ramp cap, mail-log analytics, IP health, DNS')
  );
}
