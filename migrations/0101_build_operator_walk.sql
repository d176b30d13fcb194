-- Daily build: later pages of a segment walk one operator at a time (only operators with room left
-- under their cap), so each walk reads that operator's rows in key order instead of passing every
-- full operator's rows in a table-wide key-order walk.
create index fmcsa_carriers_operator_walk_idx on fmcsa_carriers (mx_provider, dot_number)
  where email is not null;
create index hc_providers_operator_walk_idx on hc_providers (mx_provider, npi)
  where email is not null;
