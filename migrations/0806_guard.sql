-- Issue 24: the guard's automatic stop.
--
-- incidents: one per stream while it is stopped. A stream has at most one open incident (the
-- partial unique index), however many STOP alarms are open for it; the alarm episodes that caused
-- or joined it are in incident_alarms. It is resolved only by a person (`mailramp guard resume`).
create table incidents (
  id bigserial primary key,
  stream text not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  -- The STOP alarms (ids and messages) as the guard saw them when it opened and last acted.
  evidence jsonb not null default '{}',
  opened_at timestamptz not null,
  updated_at timestamptz not null,
  resolved_at timestamptz,
  resolved_by text,
  -- What the resume did: campaigns re-scheduled, those left draft and why, the hold kept or released.
  resolution jsonb
);
create unique index incidents_open_stream_idx on incidents (stream) where status = 'open';
create index incidents_opened_idx on incidents (opened_at desc);

create table incident_alarms (
  incident_id bigint not null references incidents (id),
  alarm_id bigint not null references alarms (id),
  linked_at timestamptz not null,
  primary key (incident_id, alarm_id)
);

-- incident_actions: everything the guard (or a resume) did or is about to do. A row is written
-- `planned` with its target (instance, campaign id, previous status, send_at) before the change is
-- made, and `done` after the change was read back; a crash in between leaves a `planned` row that
-- the next run finishes (reading the target first), so a re-run converges instead of repeating.
-- At most one unfinished action per target (the partial unique index).
create table incident_actions (
  id bigserial primary key,
  incident_id bigint not null references incidents (id),
  kind text not null check (
    kind in ('pause_campaign', 'draft_campaign', 'hold', 'notify', 'schedule_campaign', 'release_hold')
  ),
  -- What it acts on, as a stable key: `<instance>/<campaign id>`, the stream for a hold, `<event>/<channel>` for notify.
  target_key text not null,
  target jsonb not null default '{}',
  status text not null default 'planned' check (status in ('planned', 'done', 'failed', 'skipped')),
  planned_at timestamptz not null,
  done_at timestamptz,
  result jsonb,
  error text,
  attempts integer not null default 0,
  -- Set once a notification told people about this action (the "action taken" message).
  notified_at timestamptz
);
create unique index incident_actions_pending_idx on incident_actions (incident_id, kind, target_key)
  where status in ('planned', 'failed');
create index incident_actions_incident_idx on incident_actions (incident_id, id);
