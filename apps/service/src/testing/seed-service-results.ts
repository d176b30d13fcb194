import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';

/** Sizes of {@link seedServiceResults}; the defaults are a busy host's. */
export interface ServiceResultsSize {
  /** Days of stored results ending `until` (inclusive). Default 90. */
  days?: number;
  /** The last day, YYYY-MM-DD. */
  until: string;
  /** Sending IPs (203.0.113.10 on). Default 6. */
  ips?: number;
}

const OPERATORS = [
  'google',
  'microsoft',
  'yahoo',
  'apple',
  'proofpoint',
  'mimecast',
  'barracuda',
  'zoho',
  'comcast',
  'att',
  'cox',
  'unknown',
];

// Outcome × reason pairs in the report's vocabulary (classify-reply.ts), with real reply texts.
const OUTCOMES: Array<[string, string]> = [
  ['accepted', ''],
  ['throttled', '421 4.7.28 Our system has detected an unusual rate of unsolicited mail'],
  ['throttled', '451 4.7.650 The mail server has been temporarily rate limited'],
  ['temporary_failure', '450 4.2.1 The user you are trying to contact is receiving mail too quickly'],
  ['reputation_reject', '550 5.7.1 Service unavailable, Client host blocked using Spamhaus'],
  ['recipient_reject', '550 5.1.1 The email account that you tried to reach does not exist'],
  ['content_reject', '554 5.7.1 Message rejected due to content restrictions'],
];

const DAILY_JOBS: Array<[string, string]> = [
  ['build-trucking', '06:00'],
  ['build-healthcare', '06:05'],
  ['warmup', '07:17'],
  ['rampcap', '07:20'],
  ['suppress-sync', '05:30'],
  ['classify-mx', '04:00'],
];

/**
 * Seeds stored results as the report runs, the builder and the scheduler write them, in SQL (fast
 * on both engines): per day report_days, report_outcomes (IP × operator × outcome × reason; a pair
 * with no attempts has no row), report_hours, a build per vertical; service_runs for the report
 * every 15 minutes, the watchdog every 5 and the daily jobs (some failed, some missed without a
 * start); alarm episodes, closed ones through the span and a few open. Some days have no queue size.
 */
export async function seedServiceResults(db: Kysely<Database>, size: ServiceResultsSize): Promise<void> {
  const days = size.days ?? 90;
  const ips = size.ips ?? 6;
  const until = size.until;
  const dayList = sql`(select (${until}::date - n)::date as day from generate_series(0, ${days - 1}::int) n)`;
  const ipList = sql`(select '203.0.113.' || (10 + n) as ip from generate_series(0, ${ips - 1}::int) n)`;
  const operators = sql`(select unnest(${sql.val(OPERATORS)}::text[]) as operator)`;
  const outcomes = sql`(select * from unnest(${sql.val(OUTCOMES.map((o) => o[0]))}::text[], ${sql.val(OUTCOMES.map((o) => o[1]))}::text[]) as o(outcome, reason))`;
  await sql`
    insert into report_outcomes (day, ip, operator, outcome, reason, count)
    select day, ip, operator, outcome, reason, n
    from ${dayList} d, ${ipList} i, ${operators} p, ${outcomes} o,
      lateral (select case when outcome = 'accepted'
                 then 20 + abs(hashtext(day::text || ip || operator)) % 80
                 else abs(hashtext(day::text || ip || operator || reason)) % 7 - 2 end as n) c
    where n > 0`.execute(db);
  await sql`
    insert into report_days (day, sent, deferred, bounced, expired, egress, primary_egress, dkim_signed,
      dkim_messages, queue_size, read_from, read_until)
    select day, sent, deferred, bounced, 0, sent + deferred + bounced, 0,
      sent + deferred + bounced - (abs(hashtext(day::text)) % 3), sent + deferred + bounced,
      case when extract(dow from day) = 0 then null else abs(hashtext(day::text || 'q')) % 400 end,
      day::timestamptz, least(day::timestamptz + interval '1 day', ${until}::date + interval '10 hours')
    from (select day,
            sum(count) filter (where outcome = 'accepted')::int as sent,
            coalesce(sum(count) filter (where outcome in ('throttled', 'temporary_failure')), 0)::int as deferred,
            coalesce(sum(count) filter (where outcome like '%_reject'), 0)::int as bounced
          from report_outcomes group by day) t
    on conflict (day) do nothing`.execute(db);
  await sql`
    insert into report_hours (day, hour, ip, sent, deferred, bounced, expired)
    select day, h, ip, abs(hashtext(day::text || ip || h)) % 40, abs(hashtext(ip || h || day::text)) % 4,
      abs(hashtext(h || day::text || ip)) % 2, 0
    from ${dayList} d, ${ipList} i, generate_series(0, 23) h`.execute(db);
  await sql`
    insert into build_runs (vertical, build_date, dry_run, status, started_at, finished_at, counts)
    select v, day, false, 'succeeded', day + interval '6 hours', day + interval '6 hours 4 minutes',
      jsonb_build_object('selected', 900 + abs(hashtext(day::text || v)) % 300,
        'stamped', 880 + abs(hashtext(day::text || v)) % 300, 'refused', abs(hashtext(v || day::text)) % 20)
    from ${dayList} d, unnest(array['trucking', 'healthcare']) v`.execute(db);
  // Every 15 minutes (report) and every 5 (watchdog), and the daily jobs; 1 in 40 failed, 1 in 97 missed.
  await sql`
    insert into service_runs (job, slot, outcome, started_at, ended_at, summary, error, worker)
    select job, slot,
      case when k % 97 = 0 then 'missed' when k % 40 = 0 then 'failed' else 'ok' end,
      case when k % 97 = 0 then null else slot + interval '1 second' end,
      case when k % 97 = 0 then null else slot + interval '1 second' + (k % 9000) * interval '1 millisecond' end,
      case when k % 97 = 0 then '{"reason": "the service was not running at this slot"}'::jsonb
        else jsonb_build_object('lines', k % 50000) end,
      case when k % 40 = 0 and k % 97 <> 0 then 'cannot read /var/log/mail.log: EACCES' end,
      case when k % 97 = 0 then null else 'mta01:' || (1000 + k % 7) end
    from (
      select 'report' as job, t as slot from generate_series(
        (${until}::date - ${days - 1}::int)::timestamptz, ${until}::date + interval '10 hours', interval '15 minutes') t
      union all
      select 'watchdog', t from generate_series(
        (${until}::date - ${days - 1}::int)::timestamptz, ${until}::date + interval '10 hours', interval '5 minutes') t
      union all
      select job, day + at::time from ${dayList} d,
        unnest(${sql.val(DAILY_JOBS.map((j) => j[0]))}::text[], ${sql.val(DAILY_JOBS.map((j) => j[1]))}::text[]) j(job, at)
    ) s, lateral (select abs(hashtext(job || slot::text)) as k) h`.execute(db);
  // An episode every few days per IP, closed a day later; the last day's stay open.
  await sql`
    insert into alarms (alarm, scope, severity, status, message, action, evidence, first_seen, last_seen, closed_at)
    select alarm, ip, severity,
      case when day = ${until}::date then 'open' else 'closed' end,
      alarm || ' on ' || ip, 'see the runbook',
      jsonb_build_object('counts', jsonb_build_object('deferred', 12), 'samples', jsonb_build_array(),
        'logDays', jsonb_build_array(day::text)),
      day + interval '8 hours', day + interval '20 hours',
      case when day = ${until}::date then null else day + interval '1 day 8 hours' end
    from ${dayList} d, ${ipList} i,
      (values ('deferral_spike', 'warning'), ('reputation_reject', 'critical')) a(alarm, severity)
    where abs(hashtext(day::text || ip || alarm)) % 9 = 0 or day = ${until}::date`.execute(db);
}
