-- Issue 23: what `mailramp serve` records.
--
-- service_runs: every scheduled slot of every job ends as exactly one row. The unique (job, slot)
-- is the last word on "exactly once": graphile-worker's cron hands a slot to one worker, and a
-- second insert for the same slot fails here whatever happened upstream. `running` rows left by a
-- process that died are closed as `abandoned` at the next start; a slot nobody ran is `missed`.
create table service_runs (
  id bigserial primary key,
  job text not null,
  slot timestamptz not null,
  outcome text not null default 'running'
    check (outcome in ('running', 'ok', 'failed', 'skipped', 'missed', 'abandoned')),
  started_at timestamptz,
  ended_at timestamptz,
  summary jsonb not null default '{}',
  error text,
  -- Who ran it: host name and process id, so `abandoned` can say whose run it was.
  worker text,
  unique (job, slot)
);
create index service_runs_job_slot_idx on service_runs (job, slot desc);
create index service_runs_running_idx on service_runs (job) where outcome = 'running';

-- report_days: one row per log day, rewritten whole by every report run that covers the whole day
-- (a re-run of the same span overwrites, never adds). dkim_* are OpenDKIM signatures against
-- campaign messages (cleanup message-id lines, bounce notifications excepted); queue_size is the
-- last `postqueue -j` count read that day, when one was read.
create table report_days (
  day date primary key,
  sent integer not null default 0,
  deferred integer not null default 0,
  bounced integer not null default 0,
  expired integer not null default 0,
  egress integer not null default 0,
  primary_egress integer not null default 0,
  dkim_signed integer not null default 0,
  dkim_messages integer not null default 0,
  queue_size integer,
  -- The window the day's figures were read from (a partial day while it is today).
  read_from timestamptz,
  read_until timestamptz,
  updated_at timestamptz not null default now()
);

-- report_outcomes: day × sending IP × receiving operator × outcome × reason, the reputation
-- monitor's table. Replaced per day together with report_days.
create table report_outcomes (
  day date not null,
  ip text not null,
  operator text not null,
  outcome text not null,
  reason text not null default '',
  count integer not null,
  primary key (day, ip, operator, outcome, reason)
);
create index report_outcomes_ip_idx on report_outcomes (ip, day);

-- report_hours: deliveries per sending IP per hour (UTC of the log's clock), for runaway volume
-- and the hourly ramp. Replaced per day together with report_days.
create table report_hours (
  day date not null,
  hour smallint not null check (hour between 0 and 23),
  ip text not null,
  sent integer not null default 0,
  deferred integer not null default 0,
  bounced integer not null default 0,
  expired integer not null default 0,
  primary key (day, hour, ip)
);

-- alarms: one row per alarm episode. While it keeps tripping, report runs move last_seen and
-- replace the evidence; when a report run covering its scope no longer trips it, it is closed.
-- `scope` narrows an alarm that is per IP or per stream ('' when it is host-wide).
create table alarms (
  id bigserial primary key,
  alarm text not null,
  scope text not null default '',
  severity text not null check (severity in ('critical', 'warning')),
  status text not null default 'open' check (status in ('open', 'closed')),
  message text not null,
  action text,
  evidence jsonb not null default '{}',
  first_seen timestamptz not null,
  last_seen timestamptz not null,
  closed_at timestamptz
);
create unique index alarms_open_idx on alarms (alarm, scope) where status = 'open';
create index alarms_last_seen_idx on alarms (last_seen desc);
