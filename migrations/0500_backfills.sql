-- One row per backfill: a named, reversible reset of listmonk_sent_at (and the ledger rows that
-- stamped it) with its own backup table. The name is validated by the app and the backup table name
-- is derived from it, so no raw input ever becomes an identifier.
--   applied             the rows were reset; the backup table holds their old values
--   partially_reverted  a revert restored some rows and left re-sent rows alone
--   reverted            every row was restored
create table backfills (
  id bigint generated always as identity primary key,
  name text not null unique check (name ~ '^[a-z][a-z0-9_]{0,39}$'),
  vertical text not null check (vertical in ('trucking', 'healthcare')),
  filter jsonb not null,
  backup_table text not null unique,
  created_by text not null,
  created_at timestamptz not null default now(),
  row_count integer not null default 0 check (row_count >= 0),
  ledger_count integer not null default 0 check (ledger_count >= 0),
  state text not null default 'applied' check (state in ('applied', 'partially_reverted', 'reverted')),
  reverted_by text,
  reverted_at timestamptz,
  restored_count integer not null default 0 check (restored_count >= 0)
);
