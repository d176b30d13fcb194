-- Daily build (issue 17): caps hold per day mail leaves, not per build date. A build counts every
-- live ledger row whose campaign sends on the same day, whatever build date queued it.
create index send_ledger_send_at_idx on send_ledger (vertical, send_at) where state <> 'reset';
