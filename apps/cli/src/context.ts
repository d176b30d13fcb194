import { type Config, type LoadedConfig, loadConfig } from '@mailramp/config';
import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

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
  loadedConfig(): Promise<LoadedConfig>;
  config(): Promise<Config>;
  db(): Promise<Kysely<Database>>;
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
  /** Registers cleanup to run when the command finishes, success or not. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** Creates the context for one CLI run. */
export function createContext(io: CliIo, globals: () => GlobalOptions): CliContext {
  let loaded: Promise<LoadedConfig> | undefined;
  let database: Kysely<Database> | undefined;
  const closers: Array<() => Promise<void> | void> = [];
  let exit: ExitCode = EXIT.OK;
  const ctx: CliContext = {
    io,
    globals,
    action(fn) {
      return async (...args) => {
        exit = (await fn(...args)) ?? EXIT.OK;
      };
    },
    exitCode: () => exit,
    loadedConfig() {
      loaded ??= loadConfig({
        cwd: io.cwd,
        env: io.env,
        path: globals().config,
        flags: { databaseUrl: globals().databaseUrl, dataDir: globals().dataDir },
      });
      return loaded;
    },
    async config() {
      return (await ctx.loadedConfig()).config;
    },
    async db() {
      if (database === undefined) {
        const { database: section } = await ctx.config();
        // Loaded on first use: commands that never touch the database (ops report) start without it.
        const { connect } = await import('@mailramp/db');
        const conn = connect({ url: section.url, dataDir: section.dataDir });
        database = conn;
        await probe(conn);
      }
      return database;
    },
    async secrets() {
      const { secretsOfUrl } = await import('@mailramp/db');
      const urls = [globals().databaseUrl, io.env.DATABASE_URL];
      const found: string[] = [];
      if (loaded !== undefined) {
        const config = await loaded.then((l) => l.config).catch(() => undefined);
        if (config !== undefined) {
          urls.push(config.database.url);
          for (const instance of Object.values(config.listmonk.instances)) {
            urls.push(instance.url);
            if (instance.token !== undefined) found.push(instance.token);
          }
        }
      }
      if (io.env.LISTMONK_TOKEN !== undefined) found.push(io.env.LISTMONK_TOKEN);
      for (const url of urls) if (url !== undefined && url !== '') found.push(...secretsOfUrl(url));
      return found;
    },
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      for (const fn of closers.splice(0).reverse()) await fn();
      if (database !== undefined) {
        const db = database;
        database = undefined;
        await db.destroy();
      }
    },
  };
  return ctx;
}

/** Fails early, with a message that says where and what to do, when the database is unreachable. */
async function probe(db: Kysely<Database>): Promise<void> {
  const [{ DbError, describeConnection }, { sql }] = await Promise.all([
    import('@mailramp/db'),
    import('kysely'),
  ]);
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    throw new DbError(
      'UNAVAILABLE',
      `cannot reach the database at ${describeConnection(db)}: ${(error as Error).message}; check --database-url / DATABASE_URL, or omit it to use the embedded database`,
      { cause: error },
    );
  }
}
