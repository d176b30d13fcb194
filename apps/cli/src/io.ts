import { readFile } from 'node:fs/promises';
import type { ListmonkClientOptions } from '@mailramp/listmonk';
import { type CommandRunner, createProcessRunner } from '@mailramp/ops/exec';

/** Where a CLI run reads and writes: the real process, or a capture in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  isTTY: boolean;
  now: () => Date;
  /** Runs host commands (postconf, postfix, ip…) as argument arrays; tests pass a recording runner. */
  runner: CommandRunner;
  /** Reads a host file (master.cf, stamp files) as UTF-8. */
  readTextFile: (path: string) => Promise<string>;
  /**
   * MX look-ups in place of the configured resolver (health.dns): tests only. The real process has
   * none, so classify-mx asks the resolver the config names, never the system's.
   */
  resolveMx?: (domain: string) => Promise<Array<{ exchange: string; priority: number }>>;
  /** Options for every Listmonk client the SDK session builds; tests pass fast polling and retries. */
  listmonk?: Partial<ListmonkClientOptions>;
}

/**
 * The directory the user typed the command in. `pnpm mailramp …` runs the script from the
 * workspace root, so relative paths would resolve there; pnpm keeps the caller's directory in
 * INIT_CWD.
 */
export function invokedFrom(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'mailramp' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** The real process's streams, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: invokedFrom(process.env),
    isTTY: process.stderr.isTTY === true,
    now: () => new Date(),
    runner: createProcessRunner(),
    readTextFile: (path) => readFile(path, 'utf8'),
  };
}

/** A captured run for tests: everything written is kept as text. */
export function captureIo(overrides: Partial<CliIo> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    now: () => new Date(),
    // A test that reaches the host must say so: no real command runs by accident.
    runner: {
      run: async (command) => {
        throw new Error(`captureIo has no command runner (tried ${command}); pass captureIo({ runner })`);
      },
    },
    readTextFile: (path) => readFile(path, 'utf8'),
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
