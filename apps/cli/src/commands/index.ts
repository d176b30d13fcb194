import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Adds one group's commands to the program. */
export type RegisterCommands = (program: Command, ctx: CliContext) => void;

/**
 * One command group: the top-level command it adds (and, under `ops`, its subcommands), loaded only
 * when needed, so `mailramp ops report` starts without the builder, the database or Listmonk.
 */
export interface CommandGroup {
  /** The top-level commands the group adds. */
  commands: readonly string[];
  /** The subcommands the group adds under a top-level command other groups share (`ops`). */
  subcommands?: readonly string[];
  load(): Promise<RegisterCommands>;
}

/** Every command group, in the order `--help` lists them. Add one entry per group. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { commands: ['db'], load: async () => (await import('./db.js')).registerDbCommands },
  { commands: ['config'], load: async () => (await import('./config.js')).registerConfigCommands },
  { commands: ['backfill'], load: async () => (await import('./backfill.js')).registerBackfillCommands },
  { commands: ['listmonk'], load: async () => (await import('./listmonk.js')).registerListmonkCommands },
  {
    commands: ['ops'],
    subcommands: ['warmup'],
    load: async () => (await import('./ops-warmup.js')).registerOpsWarmupCommands,
  },
  {
    commands: ['ops'],
    subcommands: ['watchdog', 'check-boot', 'check-dns'],
    load: async () => (await import('./ops-health.js')).registerOpsHealthCommands,
  },
  {
    commands: ['ops'],
    subcommands: ['rampcap'],
    load: async () => (await import('./ops-rampcap.js')).registerOpsRampcapCommands,
  },
  {
    commands: ['ops'],
    subcommands: ['hold-map'],
    load: async () => (await import('./ops-hold-map.js')).registerOpsHoldMapCommands,
  },
  {
    commands: ['ops'],
    subcommands: ['report'],
    load: async () => (await import('./ops-report.js')).registerOpsReportCommands,
  },
  { commands: ['dev'], load: async () => (await import('./dev.js')).registerDevCommands },
  { commands: ['audience'], load: async () => (await import('./audience.js')).registerAudienceCommands },
  { commands: ['suppress'], load: async () => (await import('./suppress.js')).registerSuppressCommands },
  {
    commands: ['lint', 'render'],
    load: async () => (await import('./templates.js')).registerTemplateCommands,
  },
  { commands: ['build'], load: async () => (await import('./build.js')).registerBuildCommands },
  { commands: ['guard'], load: async () => (await import('./guard.js')).registerGuardCommands },
  { commands: ['serve'], load: async () => (await import('./serve.js')).registerServeCommands },
];

/** Options of the root program that take a value, so the words after them are not commands. */
const GLOBAL_OPTIONS_WITH_VALUE = ['--config', '--database-url', '--data-dir'];

/**
 * The groups a command line needs: the one group that owns the named command (and subcommand),
 * or every group when the line asks for help or names no known command (commander then prints the
 * same help and errors as always).
 *
 * @example
 * selectCommandGroups(['--config', 'm.json', 'ops', 'report', '--json']) // the ops report group only
 */
export function selectCommandGroups(
  argv: readonly string[],
  groups: readonly CommandGroup[] = COMMAND_GROUPS,
): CommandGroup[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.includes(arg)) i += 1;
    else if (GLOBAL_OPTIONS_WITH_VALUE.some((o) => arg.startsWith(`${o}=`))) continue;
    else if (arg.startsWith('-')) break;
    else words.push(arg);
  }
  const [command, sub] = words;
  const owners = groups.filter((g) => command !== undefined && g.commands.includes(command));
  if (owners.length === 1 && owners[0]!.subcommands === undefined) return owners;
  const owner = owners.filter((g) => sub !== undefined && g.subcommands?.includes(sub));
  return owner.length === 1 ? owner : [...groups];
}
