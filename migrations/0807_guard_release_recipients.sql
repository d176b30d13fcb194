-- Issue 24/20: a campaign the guard returned to draft and a resume leaves draft (its send_at
-- passed) mails nobody, yet its build stamped its recipients. The resume takes the stamp back
-- (ledger rows 'lapsed' with the reason, listmonk_sent_at put back) and records it as an action.
alter table incident_actions drop constraint incident_actions_kind_check;
alter table incident_actions add constraint incident_actions_kind_check check (
  kind in ('pause_campaign', 'draft_campaign', 'hold', 'notify', 'schedule_campaign', 'release_hold',
    'release_recipients')
);
