import { Command, CommanderError } from 'commander';
import { selectCommandGroups } from './commands/index.js';
import { createContext, type GlobalOptions } from './context.js';
import { EXIT, type ExitCode, exitCodeOf, messageOf } from './exit-codes.js';
import type { CliIo } from './io.js';
import { printable } from './output.js';

const DESCRIPTION = `Build Listmonk campaigns for cold compliance outreach while protecting the sending IPs' reputation.

Data goes to stdout (--json); messages and progress go to stderr.

Exit codes:
  0  ok (also when it did all it could and printed what it left alone)
  1  findings a person must act on
  2  usage, config or input error
  3  database, Listmonk or DNS unavailable, or a host command failed
  4  refused by a safety rule (nothing changed)
  5  internal error`;

/** The command words of a command line (`build`, `audience import fmcsa`), for messages. */
export function commandOf(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('-')) {
      // The global options take a value: skip it.
      if (['--config', '--database-url', '--data-dir'].includes(arg)) i++;
      if (words.length > 0) break;
      continue;
    }
    words.push(arg);
    if (words.length === 3) break;
  }
  return words.join(' ');
}

/**
 * Runs mailramp with the given arguments and returns the exit code. The real binary and the tests
 * both come through here.
 *
 * @example
 * process.exitCode = await runCli(['db', 'migrate'], processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const program = new Command('mailramp');
  const ctx = createContext(io, () => program.opts<GlobalOptions>());
  program
    .description(DESCRIPTION)
    .option('--config <path>', 'config file (default: ./mailramp.config.json when present)')
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL); absent: embedded database')
    .option(
      '--data-dir <dir>',
      'embedded database directory (env MAILRAMP_DATA_DIR; default .mailramp/data)',
    );
  // Only the group the command line names is loaded: a command starts without the others' imports.
  const groups = selectCommandGroups(argv);
  for (const register of await Promise.all(groups.map((g) => g.load()))) register(program, ctx);
  const wire = (cmd: Command): void => {
    cmd
      .exitOverride()
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
      .showHelpAfterError('(add --help for usage)');
    for (const sub of cmd.commands) wire(sub);
  };
  wire(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, --version and a bare group name end with code 0 and have already printed.
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' ? EXIT.OK : EXIT.USAGE;
    }
    // A driver's message can quote what it was given (a host made of a password's tail): scrub
    // every credential this run knows of, whatever the message.
    const secrets = await ctx.secrets().catch(() => []);
    const { scrubSecrets } = await import('@mailramp/db');
    io.stderr(`mailramp: ${printable(scrubSecrets(messageOf(error, commandOf(argv)), secrets))}\n`);
    const code = exitCodeOf(error);
    if (io.env.MAILRAMP_DEBUG && error instanceof Error && error.stack)
      io.stderr(`${scrubSecrets(error.stack, secrets)}\n`);
    return code;
  } finally {
    await ctx.close();
  }
}
