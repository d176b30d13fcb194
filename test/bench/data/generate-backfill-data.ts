import { execScript } from '../../../packages/db/src/index.js';
import type { TestDatabase } from '../../../packages/db/src/testing/index.js';

/**
 * Deterministic benchmark data, generated in SQL: `rows` carriers, ~40 % stamped inside the Jun 1–18
 * window, operators in the runbook's rough mix (half Google, a tenth Microsoft, some untagged),
 * two thirds verified, and one scheduled ledger row per stamped carrier.
 */
export async function generateBackfillData(t: TestDatabase, rows: number): Promise<void> {
  if (!Number.isSafeInteger(rows) || rows <= 0)
    throw new Error(`rows must be a positive integer (got ${rows})`);
  await execScript(
    t.db,
    t.db,
    `insert into fmcsa_carriers (dot_number, email, email_verify_result, mx_provider, listmonk_sent_at, updated_at)
    select n, 'o' || n || '@c' || (n % 5000) || '.example',
      (array['smtp_valid', 'send_confirmed', 'mx_unreachable'])[1 + n % 3],
      (array['google', 'google', 'google', 'google', 'google', 'microsoft', null, 'proofpoint', 'mx:comcast.net', 'mimecast'])[1 + (n * 7) % 10],
      case when n % 5 < 2 then timestamptz '2026-06-01' + ((n * 7919) % 1468800) * interval '1 second'
           when n % 5 = 2 then timestamptz '2026-06-20' + (n % 86400) * interval '1 second' end,
      timestamptz '2026-05-01' + (n % 1000) * interval '1 minute'
    from generate_series(1, ${rows}) n;
    insert into build_runs (vertical, build_date) values ('trucking', '2026-06-01');
    insert into send_ledger (vertical, recipient_key, email, operator, segment, build_date, build_run_id,
      listmonk_instance, list_name, campaign_name, send_at, state)
    select 'trucking', dot_number::text, email, mx_provider, 'mcs150', listmonk_sent_at::date,
      (select max(id) from build_runs), 'trucking', 'list-' || listmonk_sent_at::date,
      'mcs150-' || listmonk_sent_at::date, listmonk_sent_at, 'scheduled'
    from fmcsa_carriers where listmonk_sent_at is not null;`,
  );
}
