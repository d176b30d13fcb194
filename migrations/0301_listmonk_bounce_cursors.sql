-- How far `mailramp suppress sync` has read each Listmonk instance's bounces (GET /api/bounces, newest
-- first). The next sync asks only for bounces created at or after `seen_until` (Listmonk's own clock,
-- so no skew with ours); the boundary instant is read again and recipient_failures' key makes that
-- harmless. Moved only in the transaction that stored what was read: an instance that could not be
-- reached keeps its cursor, so its bounces are read on the next sync and none is lost.
create table listmonk_bounce_cursors (
  instance text primary key,
  seen_until timestamptz not null,
  updated_at timestamptz not null default now()
);
