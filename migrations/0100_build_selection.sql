-- Daily build (issue 7): per-recipient touch state for filing-cycle segments (IFTA, UCR), what the
-- ledger needs to resume a date exactly, and indexes that let each segment's walk stop after the
-- rows it needs instead of reading the table.

-- One row per recipient and cycle segment. The touch number belongs to `cycle`: when a build stamps
-- a touch of a new cycle the row is reset to it, so three touches a quarter never become six.
create table segment_touches (
  vertical text not null,
  segment text not null,
  recipient_key text not null,
  cycle text not null,
  touch integer not null check (touch between 0 and 10),
  reminded_at timestamptz,
  -- Set by the "I already filed" link: the recipient is skipped for the rest of that cycle.
  filed_cycle text,
  updated_at timestamptz not null default now(),
  primary key (vertical, segment, recipient_key)
);

-- What a re-run of the date needs to resume without re-reading the audience: the subscriber as it
-- was imported (name + attributes), its time-zone group, and the cycle touch it stands for.
alter table send_ledger
  add column zone text,
  add column cycle text,
  add column touch integer,
  add column subscriber jsonb not null default '{}'::jsonb;

create index send_ledger_run_idx on send_ledger (build_run_id);

-- Segment walks. Each is keyed so "the next N rows of this segment in key order" reads ~N rows.
create index fmcsa_carriers_interstate_idx on fmcsa_carriers (dot_number)
  where email is not null and carrier_operation = 'A';
create index fmcsa_carriers_unsent_status_idx on fmcsa_carriers (status_code, dot_number)
  where listmonk_sent_at is null and email is not null;
create index fmcsa_carriers_unsent_add_date_idx on fmcsa_carriers (add_date)
  where listmonk_sent_at is null and email is not null;
create index fmcsa_carriers_unsent_deficiency_idx on fmcsa_carriers using gin ((attributes -> 'deficiency_flags'))
  where listmonk_sent_at is null and email is not null;

create index hc_providers_unsent_revalidation_idx on hc_providers (revalidation_due)
  where listmonk_sent_at is null and email is not null;
create index hc_providers_unsent_clia_idx on hc_providers (clia_expires)
  where listmonk_sent_at is null and email is not null;
create index hc_providers_unsent_flags_idx on hc_providers using gin ((attributes -> 'flags'))
  where listmonk_sent_at is null and email is not null;
