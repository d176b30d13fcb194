-- Ramp-cap holds: after a bad day (the June runbook: 54 % delivery, 202 Gmail blocks) a stream's
-- hourly cap is frozen at a rate until a date, whatever the warm-up table says. One active hold per
-- stream; released or expired holds stay as history. The CLI and the service share this table.
--   until        last day (inclusive, UTC) the hold applies
--   released_at  set by `mailramp ops rampcap release`; an expired hold needs no release
create table warmup_holds (
  id bigint generated always as identity primary key,
  stream text not null check (stream ~ '^[a-z][a-z0-9_-]*$'),
  rate integer not null check (rate > 0),
  until date not null,
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  released_at timestamptz
);

create unique index warmup_holds_one_active on warmup_holds (stream) where released_at is null;
