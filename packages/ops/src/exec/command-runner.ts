import { execFile } from 'node:child_process';
import { OpsError } from '../errors.js';
import { assertSafeCommand } from './safe-args.js';

/** What a finished command returned. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command and its arguments, exactly as executed (no shell ever sees them). */
export interface CommandCall {
  command: string;
  args: readonly string[];
  /** What was written to the command's standard input, when anything was. */
  input?: string;
}

/** Per-call options of {@link CommandRunner.run}. */
export interface RunOptions {
  /** Written to the command's standard input, which is then closed (sendmail reads the message there). */
  input?: string | undefined;
}

/**
 * Runs host commands (ip, postconf, postfix, postqueue…). Injected everywhere a host command is
 * needed so decisions are tested without a host and the real thing runs through one audited path.
 */
export interface CommandRunner {
  /** Runs `command` with `args` as an argument array. A non-zero exit is a result, not a throw. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

/** Options for {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /** Kill a command after this long (default 30 s). */
  timeoutMs?: number;
  /**
   * Words put before every command, e.g. `['ip', 'netns', 'exec', 'mr-test']` to run inside a
   * network namespace in tests.
   */
  prefix?: readonly string[];
  /** Extra environment for the commands (default: inherit). */
  env?: NodeJS.ProcessEnv;
}

/**
 * A runner that executes real processes with execFile: arguments go to the program as an array,
 * never through a shell, so nothing from config can become a shell word.
 */
export function createProcessRunner(options: ProcessRunnerOptions = {}): CommandRunner {
  const timeout = options.timeoutMs ?? 30_000;
  const prefix = options.prefix ?? [];
  return {
    async run(command, args, runOptions = {}) {
      assertSafeCommand(command);
      const [file, ...rest] = [...prefix, command, ...args];
      return new Promise<CommandResult>((resolve, reject) => {
        const child = execFile(
          file!,
          rest,
          { timeout, maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (error === null) {
              resolve({ code: 0, stdout, stderr });
              return;
            }
            const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
            if (err.killed === true) {
              reject(
                new OpsError('COMMAND_TIMEOUT', `${command} did not finish within ${timeout} ms`, {
                  cause: error,
                }),
              );
            } else if (typeof err.code === 'number') {
              resolve({ code: err.code, stdout, stderr });
            } else {
              reject(
                new OpsError(
                  'COMMAND_UNAVAILABLE',
                  `cannot run ${command}: ${err.message}; is it installed and on PATH?`,
                  {
                    cause: error,
                  },
                ),
              );
            }
          },
        );
        if (runOptions.input !== undefined) {
          // A command that exits before reading all of it (EPIPE) answers through its exit code.
          child.stdin?.on('error', () => undefined);
          child.stdin?.end(runOptions.input);
        }
      });
    },
  };
}

/** A scripted answer for {@link createRecordingRunner}. */
export type ScriptedResponse = (call: CommandCall) => Partial<CommandResult> | undefined;

/** A runner that records every call and answers from a script; for tests of command-driven code. */
export interface RecordingRunner extends CommandRunner {
  readonly calls: CommandCall[];
}

/**
 * Creates a recording runner. `respond` returns the result for a call (missing fields default to
 * code 0 and empty output); returning undefined answers code 0 with no output.
 */
export function createRecordingRunner(respond: ScriptedResponse = () => undefined): RecordingRunner {
  const calls: CommandCall[] = [];
  return {
    calls,
    async run(command, args, runOptions = {}) {
      assertSafeCommand(command);
      const call: CommandCall = {
        command,
        args: [...args],
        ...(runOptions.input !== undefined ? { input: runOptions.input } : {}),
      };
      calls.push(call);
      const answer = respond(call) ?? {};
      return { code: answer.code ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
    },
  };
}
