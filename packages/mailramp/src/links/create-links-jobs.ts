import type {
  AppliedLinksRepair,
  LinksRepair,
  LinksRepairPlan,
  ListmonkDatabase,
  RevertedLinksRepair,
} from '@mailramp/builder';
import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';

/** The dry run of a links repair: what it would rewrite, and the repairs made before. */
export interface LinksRepairCheck extends LinksRepairPlan {
  existingRepairs: LinksRepair[];
}

/**
 * Repairs of Listmonk's registered tracking links of the `@TrackLink` incident's shape, in Listmonk's
 * own database (`url`: a postgres:// URL of it, never mailramp's; undefined: `LISTMONK_DATABASE_URL`
 * of the session's environment). Each call connects and disconnects.
 */
export interface LinksJobs {
  /** What would be repaired; writes nothing. */
  plan(url?: string | undefined): Promise<LinksRepairCheck>;
  /** Backs up, rewrites and verifies the malformed rows in one transaction (default name: links_<date>_<time>). */
  apply(url?: string | undefined, options?: { name?: string | undefined }): Promise<AppliedLinksRepair>;
  /** Restores the URLs a repair rewrote, from its backup table. */
  revert(url: string | undefined, options: { name: string }): Promise<RevertedLinksRepair>;
}

/** The links-repair jobs of a session. */
export function createLinksJobs(session: Session): LinksJobs {
  const withDatabase = async <T>(
    given: string | undefined,
    fn: (db: ListmonkDatabase, b: typeof import('@mailramp/builder')) => Promise<T>,
  ) => {
    // Never mailramp's own database: with no URL, connect() would open the embedded one.
    const url = given || session.env.LISTMONK_DATABASE_URL;
    if (url === undefined || url === '') {
      throw new MailrampError(
        'INVALID_INPUT',
        "a links repair needs Listmonk's database: pass its postgres:// URL (CLI: --database-url) or set LISTMONK_DATABASE_URL",
      );
    }
    const [b, { connect, DbError }, { sql }] = await Promise.all([
      import('@mailramp/builder'),
      import('@mailramp/db'),
      import('kysely'),
    ]);
    const db = connect({ url, poolSize: 2 });
    try {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw new DbError('UNAVAILABLE', `cannot reach Listmonk's database: ${(error as Error).message}`, {
          cause: error,
        });
      }
      // The links table is Listmonk's, not mailramp's: the library only runs raw SQL over it.
      return await fn(db as unknown as ListmonkDatabase, b);
    } finally {
      await db.destroy();
    }
  };
  return {
    plan: (url) =>
      withDatabase(url, async (db, b) => ({
        ...(await b.findMalformedLinks(db)),
        existingRepairs: await b.listLinksRepairs(db),
      })),
    apply: (url, options = {}) =>
      withDatabase(url, async (db, b) => {
        const name = b.parseBackfillName(
          options.name ??
            `links_${session.now().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '_')}`,
        );
        return b.applyLinksRepair(db, { name });
      }),
    revert: (url, options) =>
      withDatabase(url, async (db, b) =>
        b.revertLinksRepair(db, { name: b.parseBackfillName(options.name) }),
      ),
  };
}
