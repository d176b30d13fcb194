import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** The advisory-lock class of service liveness locks (the second key is hashtext(worker)). */
const LIVENESS_LOCK_CLASS = 23_0805;

/** This process's liveness lock, and the check of another's. */
export interface WorkerLiveness {
  /** Whether the process that wrote `worker` (`host:pid`) still holds its lock. */
  isAlive(worker: string | null): Promise<boolean>;
  /** Lets the lock go (at stop). */
  release(): Promise<void>;
}

/**
 * Holds a session-level advisory lock named after this process (`host:pid`) on a connection of its
 * own for as long as the process lives. PostgreSQL drops it with the session when the process
 * dies — kill -9, a crash, a host gone (TCP keepalive) — so a free lock means a dead process, on
 * any host, with no clock or heartbeat to trust. Another process with the same name holding it is
 * refused: two live processes cannot share one identity.
 */
export async function holdWorkerLiveness(db: Kysely<Database>, worker: string): Promise<WorkerLiveness> {
  let letGo: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let onAcquired: (ok: boolean) => void = () => undefined;
  let onFailed: (error: unknown) => void = () => undefined;
  const acquired = new Promise<boolean>((resolve, reject) => {
    onAcquired = resolve;
    onFailed = reject;
  });
  const session = db
    .connection()
    .execute(async (conn) => {
      const { rows } = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_lock(${LIVENESS_LOCK_CLASS}, hashtext(${worker})) as ok`.execute(conn);
      const ok = rows[0]?.ok === true;
      onAcquired(ok);
      if (!ok) return;
      await released;
      await sql`select pg_advisory_unlock(${LIVENESS_LOCK_CLASS}, hashtext(${worker}))`.execute(conn);
    })
    .catch((error: unknown) => onFailed(error));
  if (!(await acquired)) {
    throw new Error(
      `another running service process already calls itself ${worker}; each needs its own host:pid`,
    );
  }
  return {
    async isAlive(other) {
      if (other === null) return false;
      // The transaction-scoped lock is let go as the statement ends: checking never holds it.
      const { rows } = await sql<{
        free: boolean;
      }>`select pg_try_advisory_xact_lock(${LIVENESS_LOCK_CLASS}, hashtext(${other})) as free`.execute(db);
      return rows[0]?.free !== true;
    },
    async release() {
      letGo();
      await session;
    },
  };
}
