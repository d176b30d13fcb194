import { type RawBuilder, sql } from 'kysely';
import { BACKFILL_VERTICALS, type BackfillFilter } from './backfill-request.js';

/**
 * The rows a filter selects, as a SQL query over the vertical's audience table joined to the
 * recipient's last scheduled ledger row (the one that stamped listmonk_sent_at). Columns: key,
 * recipient_key, email_domain, operator, verify, listmonk_sent_at, updated_at, ledger_id,
 * ledger_state, ledger_updated_at, segment. Identifiers come from BACKFILL_VERTICALS only; every
 * value from the filter is a bind parameter.
 */
export function selectBackfillCandidates(
  filter: BackfillFilter,
  options: { lock?: boolean; ignoreOperators?: boolean } = {},
): RawBuilder<unknown> {
  const spec = BACKFILL_VERTICALS[filter.vertical];
  const table = sql.table(spec.table);
  const key = sql.ref(`c.${spec.key}`);
  const conditions = [
    sql`c.listmonk_sent_at >= ${filter.sentFrom}`,
    sql`c.listmonk_sent_at < ${filter.sentTo}`,
  ];
  if (filter.verify !== undefined)
    conditions.push(sql`c.email_verify_result in (${sql.join(filter.verify)})`);
  if (!options.ignoreOperators && filter.excludeOperators !== undefined) {
    // Rows not yet tagged with an operator are never excluded by operator (SEED-SYSTEM.md).
    conditions.push(
      sql`(c.mx_provider is null or c.mx_provider not in (${sql.join(filter.excludeOperators)}))`,
    );
  }
  if (!options.ignoreOperators && filter.includeOperators !== undefined) {
    conditions.push(sql`c.mx_provider in (${sql.join(filter.includeOperators)})`);
  }
  if (filter.segment !== undefined) conditions.push(sql`l.segment = ${filter.segment}`);
  return sql`select ${key} as key, ${key}::text as recipient_key, c.email_domain,
      c.mx_provider as operator, c.email_verify_result as verify, c.listmonk_sent_at, c.updated_at,
      l.id as ledger_id, l.state as ledger_state, l.updated_at as ledger_updated_at, l.segment
    from ${table} c
    left join lateral (
      select s.id, s.state, s.updated_at, s.segment from send_ledger s
      where s.vertical = ${filter.vertical} and s.recipient_key = ${key}::text and s.state = 'scheduled'
      order by s.build_date desc, s.id desc
      limit 1
    ) l on true
    where ${sql.join(conditions, sql` and `)}
    order by ${key}
    ${filter.limit === undefined ? sql`` : sql`limit ${filter.limit}`}
    ${options.lock ? sql`for update of c` : sql``}`;
}
