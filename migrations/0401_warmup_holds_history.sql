-- Holds are history: a new hold on a stream that already has one ends the old one (released_at) and
-- points it at its successor instead of overwriting it in place, so `ops rampcap holds --all` shows
-- every rate a stream was ever held at, and why.
--   replaced_by  the hold that replaced this one; null when it was released or simply expired
alter table warmup_holds add column replaced_by bigint references warmup_holds (id);
