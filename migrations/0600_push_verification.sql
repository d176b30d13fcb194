-- A push stamps only recipients it saw arrive in Listmonk. A recipient Listmonk kept out of a
-- campaign (its domain blocklist, an address its e-mail rules reject, a subscriber blocklisted
-- there after an earlier unsubscribe or complaint) gets state 'refused' and the reason, never
-- 'scheduled'; a blocklisted subscriber also becomes a suppression ('listmonk_blocklist').
alter table send_ledger drop constraint send_ledger_state_check;
alter table send_ledger add constraint send_ledger_state_check
  check (state in ('planned', 'imported', 'scheduled', 'failed', 'reset', 'refused'));
alter table send_ledger add column refusal text;

alter table suppressions drop constraint suppressions_reason_check;
alter table suppressions add constraint suppressions_reason_check
  check (reason in ('hard_bounce', 'complaint', 'unsubscribe', 'dead_tenant', 'manual', 'listmonk_blocklist'));
alter table suppressed_domains drop constraint suppressed_domains_reason_check;
alter table suppressed_domains add constraint suppressed_domains_reason_check
  check (reason in ('hard_bounce', 'complaint', 'unsubscribe', 'dead_tenant', 'manual', 'listmonk_blocklist'));
