-- Audience tables. Users already have fmcsa_carriers / hc_providers with these names and columns;
-- mailramp only adds columns around them (email_domain, timestamps), never renames.

create table fmcsa_carriers (
  dot_number bigint primary key check (dot_number > 0),
  legal_name text,
  dba_name text,
  email text,
  phy_state text,
  phy_zip text,
  carrier_operation text,
  status_code text,
  mcs150_date date,
  add_date date,
  power_units integer,
  drivers integer,
  company_officer text,
  email_verify_result text,
  mx_provider text,
  listmonk_sent_at timestamptz,
  attributes jsonb not null default '{}'::jsonb,
  -- Exact recipient domain (the part after the last @, lower-cased): what exclusions and MX
  -- classification key on. No subdomain matching anywhere.
  email_domain text generated always as (lower(substring(email from '@([^@]*)$'))) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table hc_providers (
  npi text primary key check (npi ~ '^[0-9]{10}$'),
  clia_number text,
  name text,
  entity_type text,
  email text,
  state text,
  zip text,
  taxonomy text,
  deactivated_at date,
  revalidation_due date,
  clia_expires date,
  email_verify_result text,
  mx_provider text,
  listmonk_sent_at timestamptz,
  attributes jsonb not null default '{}'::jsonb,
  email_domain text generated always as (lower(substring(email from '@([^@]*)$'))) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index hc_providers_clia_number_key on hc_providers (clia_number) where clia_number is not null;

-- The daily selection reads unsent rows with an address; keep that set small and ordered by key so
-- the plan grows with recipients selected, not with table size.
create index fmcsa_carriers_unsent_idx on fmcsa_carriers (dot_number)
  where listmonk_sent_at is null and email is not null;
create index fmcsa_carriers_unsent_verified_idx on fmcsa_carriers (mx_provider, dot_number)
  where listmonk_sent_at is null and email is not null
    and email_verify_result in ('smtp_valid', 'send_confirmed');
create index fmcsa_carriers_email_domain_idx on fmcsa_carriers (email_domain);
create index fmcsa_carriers_mx_provider_idx on fmcsa_carriers (mx_provider);
create index fmcsa_carriers_lower_email_idx on fmcsa_carriers (lower(email));
create index fmcsa_carriers_sent_at_idx on fmcsa_carriers (listmonk_sent_at) where listmonk_sent_at is not null;

create index hc_providers_unsent_idx on hc_providers (npi)
  where listmonk_sent_at is null and email is not null;
create index hc_providers_unsent_verified_idx on hc_providers (mx_provider, npi)
  where listmonk_sent_at is null and email is not null
    and email_verify_result in ('smtp_valid', 'send_confirmed');
create index hc_providers_email_domain_idx on hc_providers (email_domain);
create index hc_providers_mx_provider_idx on hc_providers (mx_provider);
create index hc_providers_lower_email_idx on hc_providers (lower(email));
create index hc_providers_sent_at_idx on hc_providers (listmonk_sent_at) where listmonk_sent_at is not null;
