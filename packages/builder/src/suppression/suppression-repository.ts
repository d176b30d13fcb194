import type { Database, SuppressionReason } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** One suppressed address or domain. */
export interface Suppression {
  kind: 'email' | 'domain';
  value: string;
  reason: SuppressionReason;
  source: string;
  createdAt: Date;
}

/** A suppression to add. `value` is an address (with `@`) or a bare domain. */
export interface NewSuppression {
  value: string;
  reason: SuppressionReason;
  source: string;
}

/** Adds suppressions; ones already stored (same value and reason) are left alone. Returns those added. */
export async function addSuppressions(
  db: Kysely<Database>,
  entries: readonly NewSuppression[],
): Promise<string[]> {
  const added: string[] = [];
  const emails = entries.filter((e) => e.value.includes('@'));
  const domains = entries.filter((e) => !e.value.includes('@'));
  for (let i = 0; i < emails.length; i += 1000) {
    const rows = await db
      .insertInto('suppressions')
      .values(
        emails
          .slice(i, i + 1000)
          .map((e) => ({ email: e.value.toLowerCase(), reason: e.reason, source: e.source })),
      )
      .onConflict((oc) => oc.columns(['email', 'reason']).doNothing())
      .returning('email')
      .execute();
    added.push(...rows.map((r) => r.email));
  }
  for (let i = 0; i < domains.length; i += 1000) {
    const rows = await db
      .insertInto('suppressed_domains')
      .values(
        domains
          .slice(i, i + 1000)
          .map((e) => ({ domain: e.value.toLowerCase(), reason: e.reason, source: e.source })),
      )
      .onConflict((oc) => oc.columns(['domain', 'reason']).doNothing())
      .returning('domain')
      .execute();
    added.push(...rows.map((r) => r.domain));
  }
  return added;
}

/** Removes an address's or domain's suppressions (one reason, or all). Returns how many rows went. */
export async function removeSuppressions(
  db: Kysely<Database>,
  value: string,
  reason?: SuppressionReason,
): Promise<number> {
  const v = value.toLowerCase();
  if (v.includes('@')) {
    let q = db.deleteFrom('suppressions').where('email', '=', v);
    if (reason !== undefined) q = q.where('reason', '=', reason);
    return Number((await q.executeTakeFirst()).numDeletedRows);
  }
  let q = db.deleteFrom('suppressed_domains').where('domain', '=', v);
  if (reason !== undefined) q = q.where('reason', '=', reason);
  return Number((await q.executeTakeFirst()).numDeletedRows);
}

/** Lists suppressions, addresses then domains, newest first. */
export async function listSuppressions(
  db: Kysely<Database>,
  filter: { reason?: SuppressionReason; limit?: number } = {},
): Promise<Suppression[]> {
  const limit = filter.limit ?? 1000;
  const reason = filter.reason === undefined ? sql`true` : sql`reason = ${filter.reason}`;
  const result = await sql<{
    kind: 'email' | 'domain';
    value: string;
    reason: SuppressionReason;
    source: string;
    created_at: Date;
  }>`
    select * from (
      select 'email' as kind, email as value, reason, source, created_at from suppressions where ${reason}
      union all
      select 'domain' as kind, domain as value, reason, source, created_at from suppressed_domains where ${reason}
    ) s order by kind desc, created_at desc, value limit ${limit}
  `.execute(db);
  return result.rows.map((r) => ({
    kind: r.kind,
    value: r.value,
    reason: r.reason,
    source: r.source,
    createdAt: r.created_at,
  }));
}
