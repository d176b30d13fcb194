-- Daily build (issue 17, plan time): a flag segment (deficiency_*, new_carrier, npi_reactivation)
-- walks its rows in key order. Flags are rare, so a key-order walk of every unsent row found few or
-- none and read the whole table (~1 s per segment at 5M carriers). These indexes hold only the rows
-- that carry the attribute at all; the segment predicate names `attributes ? '<attribute>'` so the
-- planner uses them.
create index fmcsa_carriers_unsent_deficiency_walk_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and attributes ? 'deficiency_flags';
create index hc_providers_unsent_flags_walk_idx on hc_providers (npi)
  where listmonk_sent_at is null and email is not null and attributes ? 'flags';
