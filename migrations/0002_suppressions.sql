-- One row per address and reason. Addresses are stored lower-cased so a join on lower(email) hits.
create table suppressions (
  email text not null check (email = lower(email) and position('@' in email) > 1),
  reason text not null check (reason in ('hard_bounce', 'complaint', 'unsubscribe', 'dead_tenant', 'manual')),
  source text not null,
  created_at timestamptz not null default now(),
  primary key (email, reason)
);

-- Whole recipient domains that are never mailed (dead Microsoft 365 tenants, legal do-not-contact
-- domains added at run time). Exact domain match, like the shipped domain families.
create table suppressed_domains (
  domain text not null check (domain = lower(domain) and position('@' in domain) = 0),
  reason text not null check (reason in ('hard_bounce', 'complaint', 'unsubscribe', 'dead_tenant', 'manual')),
  source text not null,
  created_at timestamptz not null default now(),
  primary key (domain, reason)
);
