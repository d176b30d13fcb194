import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedConfig } from '@mailramp/config';
import { Command } from 'commander';
import type { Mailramp } from 'mailramp';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { say } from './output.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  config?: string;
  databaseUrl?: string;
  dataDir?: string;
}

/**
 * What a command action gets: the io, and lazily loaded config and database. Config is parsed once
 * per run; the database is opened on first use and closed when the run ends.
 */
export interface CliContext {
  io: CliIo;
  globals(): GlobalOptions;
  /** The SDK session every command calls: opened on first use, closed when the run ends. */
  mailramp(): Promise<Mailramp>;
  loadedConfig(): Promise<LoadedConfig>;
  /**
   * Wraps a command action: the action returns its exit code (undefined = OK), which becomes the
   * exit code of the run.
   */
  action<A extends unknown[]>(
    fn: (...args: A) => Promise<ExitCode | undefined> | ExitCode | undefined,
  ): (...args: A) => Promise<void>;
  /** The exit code the last action returned. */
  exitCode(): ExitCode;
  /**
   * The credentials this run knows of (database URL passwords, Listmonk tokens), to scrub from any
   * message before it is printed.
   */
  secrets(): Promise<string[]>;
  close(): Promise<void>;
}

/** Creates the context for one CLI run. */
export function createContext(io: CliIo, globals: () => GlobalOptions): CliContext {
  let session: Promise<Mailramp> | undefined;
  let exit: ExitCode = EXIT.OK;
  let command: string | undefined;
  const ctx: CliContext = {
    io,
    globals,
    action(fn) {
      return async (...args) => {
        // Commander passes the command last: its path names this run to a process it locks out.
        const last = args.at(-1);
        if (last instanceof Command) command = commandPath(last);
        exit = (await fn(...args)) ?? EXIT.OK;
      };
    },
    exitCode: () => exit,
    mailramp() {
      session ??= import('mailramp').then(async ({ openMailramp }) => {
        // Imported here, with the SDK: the config package loads its schema (zod), which `--help`
        // and a usage error do without.
        const { DEFAULT_CONFIG_FILE } = await import('@mailramp/config');
        const { config, databaseUrl, dataDir } = globals();
        // --config must exist; without it ./mailramp.config.json is read when present.
        const source =
          config !== undefined
            ? resolve(io.cwd, config)
            : existsSync(resolve(io.cwd, DEFAULT_CONFIG_FILE))
              ? resolve(io.cwd, DEFAULT_CONFIG_FILE)
              : 'env';
        return openMailramp(source, {
          cwd: io.cwd,
          env: io.env,
          flags: { databaseUrl, dataDir },
          now: () => io.now(),
          readTextFile: io.readTextFile,
          runner: io.runner,
          ...(io.listmonk ? { listmonk: io.listmonk } : {}),
          ...(command === undefined ? {} : { purpose: command }),
          onEvent: (event) =>
            say(
              io,
              `listmonk ${event.instance}: ${event.call} failed (${event.reason}); retry ${event.attempt} in ${event.delayMs} ms`,
            ),
        });
      });
      return session;
    },
    async loadedConfig() {
      const m = await ctx.mailramp();
      return { config: m.config, path: m.configPath, envOverrides: [...m.envOverrides] };
    },
    async secrets() {
      const { secretsOfUrl } = await import('@mailramp/db');
      const urls = [globals().databaseUrl, io.env.DATABASE_URL];
      const found: string[] = [];
      if (session !== undefined) {
        const config = await session.then((m) => m.config).catch(() => undefined);
        if (config !== undefined) {
          urls.push(config.database.url);
          for (const instance of Object.values(config.listmonk.instances)) {
            urls.push(instance.url);
            if (instance.token !== undefined) found.push(instance.token);
          }
        }
      }
      for (const [name, value] of Object.entries(io.env)) {
        if (/^LISTMONK_(?:\w+_)?TOKEN$/.test(name) && value !== undefined && value !== '') found.push(value);
      }
      for (const url of urls) if (url !== undefined && url !== '') found.push(...secretsOfUrl(url));
      return found;
    },
    async close() {
      const open = session;
      session = undefined;
      await (await open?.catch(() => undefined))?.close();
    },
  };
  return ctx;
}

/** `mailramp audience import fmcsa`: the names from the root program down to `cmd`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
