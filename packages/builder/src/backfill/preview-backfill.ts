import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BACKFILL_VERTICALS, type BackfillFilter } from './backfill-request.js';
import { type BackfillPlan, type CandidateGroup, planBackfill } from './plan-backfill.js';
import { selectBackfillCandidates } from './select-backfill-candidates.js';

/** Options for {@link previewBackfill}. */
export interface PreviewBackfillOptions {
  /** How many sample rows to return (default 10). */
  sampleSize?: number;
  /** The clock that says which campaigns have not sent yet (default: the system clock). */
  now?: () => Date;
}

/**
 * Counts what a backfill with this filter would reset, by operator and verification result, with
 * samples. Reads only.
 *
 * @example
 * const plan = await previewBackfill(db, parseBackfillFilter({ vertical: 'trucking', sentFrom: '2026-06-01', sentTo: '2026-06-18' }));
 */
export async function previewBackfill(
  db: Kysely<Database>,
  filter: BackfillFilter,
  options: PreviewBackfillOptions = {},
): Promise<BackfillPlan> {
  const candidates = selectBackfillCandidates(filter);
  const groups = await sql<CandidateGroup>`
    select operator, verify, count(*)::int as count, count(ledger_id)::int as ledger
    from (${candidates}) cand group by operator, verify`.execute(db);
  const samples = await sql<{
    key: string;
    email_domain: string | null;
    operator: string | null;
    verify: string | null;
    listmonk_sent_at: Date;
    segment: string | null;
  }>`select recipient_key as key, email_domain, operator, verify, listmonk_sent_at, segment
    from (${candidates}) cand limit ${options.sampleSize ?? 10}`.execute(db);
  // What apply's pending check would refuse: stamped by a campaign whose send_at is still ahead.
  const pending = await sql<{ rows: number; campaigns: number; first: Date | null }>`
    select count(*)::int as rows,
      count(distinct (s.listmonk_instance, s.campaign_name))::int as campaigns, min(s.send_at) as first
    from (${candidates}) cand join send_ledger s on s.id = cand.ledger_id
    where s.state = 'scheduled' and s.send_at > ${(options.now ?? (() => new Date()))()}`.execute(db);
  const spec = BACKFILL_VERTICALS[filter.vertical];
  const window = await sql<{ operator: string | null; verify: string | null; count: number }>`
    select mx_provider as operator, email_verify_result as verify, count(*)::int as count
    from ${sql.table(spec.table)}
    where listmonk_sent_at >= ${filter.sentFrom} and listmonk_sent_at < ${filter.sentTo}
    group by mx_provider, email_verify_result`.execute(db);
  return planBackfill({
    filter,
    groups: groups.rows,
    windowOperators: window.rows.map((r) => ({ operator: r.operator, count: r.count })),
    windowVerify: window.rows.map((r) => ({ verify: r.verify, count: r.count })),
    pending: {
      rows: pending.rows[0]?.rows ?? 0,
      campaigns: pending.rows[0]?.campaigns ?? 0,
      firstSendAt: pending.rows[0]?.first == null ? null : new Date(pending.rows[0].first),
    },
    samples: samples.rows.map((r) => ({
      key: r.key,
      emailDomain: r.email_domain,
      operator: r.operator,
      verify: r.verify,
      listmonkSentAt: r.listmonk_sent_at,
      segment: r.segment,
    })),
  });
}
