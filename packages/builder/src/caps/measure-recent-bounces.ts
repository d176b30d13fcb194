import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import type { Vertical } from '../segments/default-segments.js';
import type { RecentBounces } from './plan-catch-all.js';

/**
 * The catch-all rule's measurement: recipients of a vertical whose scheduled send fell in the last
 * `days` days, and how many of them later hard-bounced as a recipient failure (`recipient_failures`,
 * filled by `suppress sync`). Policy rejections (5.7.x, block lists) blame the sender, not the
 * address, so they do not count.
 */
export async function measureRecentBounces(
  db: Kysely<Database>,
  vertical: Vertical,
  now: Date,
  days = 5,
): Promise<RecentBounces> {
  const since = new Date(now.getTime() - days * 86_400_000);
  const result = await sql<{ sent: number; bounced: number }>`
    select count(*)::int as sent,
      count(*) filter (where exists (
        select 1 from recipient_failures f
        where f.email = l.email and not f.policy and f.at >= l.send_at
      ))::int as bounced
    from send_ledger l
    where l.vertical = ${vertical} and l.state = 'scheduled'
      and l.send_at >= ${since} and l.send_at <= ${now}
  `.execute(db);
  const row = result.rows[0];
  return { sent: row?.sent ?? 0, bounced: row?.bounced ?? 0 };
}
