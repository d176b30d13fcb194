-- Daily build (issue 17, plan time): each shipped trucking flag segment (deficiency_*, new_carrier)
-- walks an index of only the unsent rows carrying its flag. With 0801's index of every flagged row,
-- each of the eight segments still read all flagged rows (and counted what a higher segment took
-- over them) to find its own: ~0.25 s per segment at 5M carriers with 1 in 200 flagged. The
-- segment predicate is spelled `(attributes -> 'deficiency_flags') ? '<flag>'` so the planner
-- matches these; flags of the user's own segments still use 0801's.
create index fmcsa_carriers_unsent_flag_for_hire_authority_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'for_hire_authority';
create index fmcsa_carriers_unsent_flag_irp_ifta_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'irp_ifta';
create index fmcsa_carriers_unsent_flag_intrastate_authority_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'intrastate_authority';
create index fmcsa_carriers_unsent_flag_state_emissions_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'state_emissions';
create index fmcsa_carriers_unsent_flag_state_weight_tax_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'state_weight_tax';
create index fmcsa_carriers_unsent_flag_state_permit_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'state_permit';
create index fmcsa_carriers_unsent_flag_hazmat_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'hazmat';
create index fmcsa_carriers_unsent_flag_new_carrier_startup_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null and (attributes -> 'deficiency_flags') ? 'new_carrier_startup';
