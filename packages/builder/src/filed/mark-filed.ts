import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { FiledLinkTarget } from './filed-link.js';

/** What {@link markFiled} did. */
export interface MarkFiledResult extends FiledLinkTarget {
  /** `marked`: skipped for the rest of the cycle; `stale`: the link is for a cycle already past. */
  outcome: 'marked' | 'stale';
}

/**
 * Records that a recipient already filed for a cycle: the daily build skips them in that cycle's
 * segment (exclusion `already_filed`) until the next cycle. A link of an older cycle than the one
 * stored changes nothing (`stale`). Marking twice is the same as once.
 *
 * @example
 * await markFiled(db, readFiledLink(secret, url)); // { …, outcome: 'marked' }
 */
export async function markFiled(db: Kysely<Database>, target: FiledLinkTarget): Promise<MarkFiledResult> {
  const written = await sql<{ cycle: string }>`
    insert into segment_touches (vertical, segment, recipient_key, cycle, touch, filed_cycle, updated_at)
    values (${target.vertical}, ${target.segment}, ${target.recipientKey}, ${target.cycle}, 0, ${target.cycle}, now())
    on conflict (vertical, segment, recipient_key) do update set
      touch = case when segment_touches.cycle = excluded.cycle then segment_touches.touch else 0 end,
      cycle = excluded.cycle,
      filed_cycle = excluded.cycle,
      updated_at = now()
    where segment_touches.cycle <= excluded.cycle
    returning cycle`.execute(db);
  return { ...target, outcome: written.rows.length > 0 ? 'marked' : 'stale' };
}
