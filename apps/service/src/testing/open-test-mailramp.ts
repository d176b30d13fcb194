import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '@mailramp/db';
import { createTestDatabase, createTestDataDir } from '@mailramp/db/testing';
import { type Mailramp, openMailramp } from 'mailramp';

type SessionOptions = NonNullable<Parameters<typeof openMailramp>[1]>;

/** An SDK session on a private, migrated database of one engine, for the service's tests. */
export interface TestMailramp {
  mailramp: Mailramp;
  /** Closes the session and drops its database. */
  destroy(): Promise<void>;
}

/**
 * Opens an SDK session on a fresh migrated database: a clone on TEST_DATABASE_URL for `postgres`,
 * a PGlite data directory (as `db migrate` leaves it) for `pglite`. `config` is merged in;
 * `listmonk` reaches the session's Listmonk clients.
 */
export async function openTestMailramp(
  engine: Engine,
  options: {
    now?: () => Date;
    config?: Record<string, unknown>;
    /** The session's Listmonk client options (tests shorten the retry back-off). */
    listmonk?: SessionOptions['listmonk'];
  } = {},
): Promise<TestMailramp> {
  const open = (database: Record<string, unknown>) =>
    openMailramp(
      { ...options.config, database },
      {
        env: {},
        ...(options.now ? { now: options.now } : {}),
        ...(options.listmonk ? { listmonk: options.listmonk } : {}),
      },
    );
  if (engine === 'postgres') {
    const test = await createTestDatabase({ engine: 'postgres' });
    // The session opens its own pool on the clone; the test's own connection is not needed.
    const mailramp = await open({ url: test.url });
    return {
      mailramp,
      destroy: async () => {
        await mailramp.close();
        await test.destroy();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'mailramp-service-'));
  await createTestDataDir(join(dir, 'data'));
  const mailramp = await open({ dataDir: join(dir, 'data') });
  return {
    mailramp,
    destroy: async () => {
      await mailramp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
