-- Issue 20: every build first reconciles the unfinished ledger rows of earlier dates with Listmonk.
-- Rows whose campaign Listmonk has scheduled (and whose recipients are verified on its list) are
-- stamped; the rest become 'lapsed' with the reason in `refusal`: Listmonk never took them, so they
-- were not mailed and are not resumed. A row still planned/imported/failed on an earlier date is
-- unreconciled, and the selection leaves its recipient alone until a build settles it.
alter table send_ledger drop constraint send_ledger_state_check;
alter table send_ledger add constraint send_ledger_state_check
  check (state in ('planned', 'imported', 'scheduled', 'failed', 'reset', 'refused', 'lapsed'));
create index send_ledger_unfinished_idx on send_ledger (vertical, build_date)
  where state in ('planned', 'imported', 'failed');
