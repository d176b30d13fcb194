import type { SeedDemoResult } from '@mailramp/builder';
import type { MigrationResult, MigrationState } from '@mailramp/db';
import type { Session } from '../session.js';

/** Progress of a migration run or a demo seed. */
export type DatabaseEvent =
  | { type: 'migration-applied'; name: string }
  | { type: 'seed-progress'; done: number; total: number };

/** The database: where it is, its migrations, and the demo audience. */
export interface DatabaseJobs {
  /** Where the session's database is, for people (host/database, or the embedded directory); no password. */
  describe(): Promise<string>;
  /** Applies pending migrations, each once, in order, in its own transaction. */
  migrate(progress?: { onEvent?: (event: DatabaseEvent) => void }): Promise<MigrationResult>;
  /** Each migration as applied, pending, edited or missing. */
  migrationStatus(): Promise<MigrationState[]>;
  /** Fills an empty database with a generated demo audience; refuses next to real rows. */
  seedDemo(
    options?: { carriers?: number; providers?: number; seed?: number },
    progress?: { onEvent?: (event: DatabaseEvent) => void },
  ): Promise<SeedDemoResult>;
}

/** The database jobs of a session. */
export function createDatabaseJobs(session: Session): DatabaseJobs {
  return {
    async describe() {
      const { describeConnection } = await import('@mailramp/db');
      return describeConnection(await session.db());
    },
    async migrate(progress = {}) {
      const { runMigrations } = await import('@mailramp/db');
      return runMigrations(await session.db(), {
        onApplied: (name) => progress.onEvent?.({ type: 'migration-applied', name }),
      });
    },
    async migrationStatus() {
      const { getMigrationStatus } = await import('@mailramp/db');
      return getMigrationStatus(await session.db());
    },
    async seedDemo(options = {}, progress = {}) {
      const { seedDemoAudience } = await import('@mailramp/builder');
      return seedDemoAudience(await session.db(), {
        carriers: options.carriers ?? 5000,
        providers: options.providers ?? 1000,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        today: session.now().toISOString().slice(0, 10),
        onProgress: (done, total) => progress.onEvent?.({ type: 'seed-progress', done, total }),
      });
    },
  };
}
