-- A backfill keeps the ledger row that stamped a recipient, marked reset (its backup points at that
-- row for an exact revert), and a same-date rebuild queues the recipient again in a new row. So a
-- recipient has at most one live row a day, and any number of reset ones.
alter table send_ledger drop constraint send_ledger_vertical_recipient_key_build_date_key;

create unique index send_ledger_live_day_key on send_ledger (vertical, recipient_key, build_date)
  where state <> 'reset';
