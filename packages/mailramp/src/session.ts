import type { Config } from '@mailramp/config';
import type { Database } from '@mailramp/db';
import type { CommandRunner } from '@mailramp/ops/exec';
import type { Kysely } from 'kysely';
import type { ListmonkFactory } from './listmonk/create-listmonk-factory.js';

/** What every job of a session shares: the config, the database, Listmonk clients and the host. */
export interface Session {
  config: Config;
  /** Resolves relative paths (templates, files to import, mail logs). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  readTextFile: (path: string) => Promise<string>;
  runner: CommandRunner;
  db(): Promise<Kysely<Database>>;
  listmonk: ListmonkFactory;
}
