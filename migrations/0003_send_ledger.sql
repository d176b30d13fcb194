-- One row per build (dry runs included), with the options it ran with and what it counted.
create table build_runs (
  id bigint generated always as identity primary key,
  vertical text not null,
  build_date date not null,
  options jsonb not null default '{}'::jsonb,
  dry_run boolean not null default false,
  status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  counts jsonb not null default '{}'::jsonb,
  error text
);

create index build_runs_vertical_date_idx on build_runs (vertical, build_date);

-- One row per recipient per Listmonk campaign. A recipient is in at most one campaign a day, so a
-- re-run of a date finds exactly what that date already queued through the unique key.
--   planned    selected, not yet in Listmonk
--   imported   pushed into the day's list, campaign not yet scheduled
--   scheduled  Listmonk accepted the campaign as scheduled; listmonk_sent_at stamped
--   failed     the push failed; a re-run of the date resumes it
--   reset      a backfill cleared listmonk_sent_at so a later build may pick the row again
create table send_ledger (
  id bigint generated always as identity primary key,
  vertical text not null,
  recipient_key text not null,
  email text not null,
  operator text,
  segment text not null,
  build_date date not null,
  build_run_id bigint not null references build_runs (id),
  listmonk_instance text not null,
  list_name text not null,
  list_id integer,
  campaign_name text not null,
  campaign_id integer,
  send_at timestamptz not null,
  state text not null default 'planned'
    check (state in ('planned', 'imported', 'scheduled', 'failed', 'reset')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (vertical, recipient_key, build_date)
);

create index send_ledger_campaign_idx on send_ledger (listmonk_instance, campaign_name);
create index send_ledger_recipient_idx on send_ledger (vertical, recipient_key);
create index send_ledger_state_idx on send_ledger (vertical, build_date, state);
