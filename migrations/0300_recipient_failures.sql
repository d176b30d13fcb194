-- Hard delivery failures seen by `mailramp suppress sync` (mail log and Listmonk bounces), one row per
-- event. The unique key makes a second sync of the same log add nothing; counting per address across
-- syncs (and past log rotation) decides suppression. `policy` marks replies that blame the sender
-- (5.7.x, block lists, reputation): those never count against a recipient.
create table recipient_failures (
  key text primary key,
  email text not null check (email = lower(email)),
  dsn text,
  policy boolean not null,
  reply text not null default '',
  relay_host text,
  source text not null,
  at timestamptz not null,
  created_at timestamptz not null default now()
);

create index recipient_failures_email_idx on recipient_failures (email);
