import type { Database } from '@mailramp/db';
import { type BouncesApi, isListmonkError, type ListmonkErrorCode } from '@mailramp/listmonk';
import type { Kysely } from 'kysely';
import type { BounceRecord } from './suppress-rules.js';

/** A Listmonk instance whose bounces `suppress sync` reads. */
export interface BounceSource {
  /** The instance's name in the config (`trucking`): part of every key and source recorded for it. */
  instance: string;
  listmonk: Pick<BouncesApi, 'listBounces'>;
}

/** What reading one instance gave: its bounces since the cursor, or why none could be read. */
export interface BounceSourceOutcome {
  instance: string;
  /** The cursor the read started from (`null`: first sync, every bounce was read). */
  since: Date | null;
  bouncesRead: number;
  /** The newest bounce's `created_at` (or the old cursor when none was new): the next cursor. */
  seenUntil: Date | null;
  /** Set when Listmonk could not be read; the cursor then stays where it was. */
  error?: { code: ListmonkErrorCode; message: string };
}

/**
 * Reads every instance's bounces created at or after its stored cursor, all instances at once. A Listmonk error (unreachable, bad credentials, version drift) becomes that instance's
 * outcome instead of failing the others; anything else is a bug and is thrown.
 */
export async function readListmonkBounces(
  db: Kysely<Database>,
  sources: readonly BounceSource[],
): Promise<{ bounces: BounceRecord[]; outcomes: BounceSourceOutcome[] }> {
  const cursors = new Map<string, Date>();
  if (sources.length > 0) {
    const rows = await db
      .selectFrom('listmonk_bounce_cursors')
      .select(['instance', 'seen_until'])
      .where(
        'instance',
        'in',
        sources.map((s) => s.instance),
      )
      .execute();
    for (const row of rows) cursors.set(row.instance, new Date(row.seen_until));
  }
  const read = await Promise.all(
    sources.map(async (source) => {
      const since = cursors.get(source.instance) ?? null;
      const outcome: BounceSourceOutcome = {
        instance: source.instance,
        since,
        bouncesRead: 0,
        seenUntil: since,
      };
      try {
        const found = await source.listmonk.listBounces(since === null ? {} : { since });
        const bounces: BounceRecord[] = found.map((b) => ({
          instance: source.instance,
          id: b.id,
          email: b.email,
          type: b.type,
          meta: b.meta,
          at: new Date(b.created_at),
        }));
        outcome.bouncesRead = bounces.length;
        for (const b of bounces) {
          if (outcome.seenUntil === null || b.at > outcome.seenUntil) outcome.seenUntil = b.at;
        }
        return { outcome, bounces };
      } catch (error) {
        if (!isListmonkError(error)) throw error;
        // The cause (ECONNREFUSED, a TLS failure) says what to fix; the client's message alone does not.
        const cause = error.cause instanceof Error ? error.cause.message : '';
        const message =
          cause === '' || error.message.includes(cause) ? error.message : `${error.message}: ${cause}`;
        outcome.error = { code: error.code, message };
        return { outcome, bounces: [] };
      }
    }),
  );
  return { bounces: read.flatMap((r) => r.bounces), outcomes: read.map((r) => r.outcome) };
}
