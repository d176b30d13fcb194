-- audience import clia: the CMS lab file names no NPI; a lab reaches the provider whose NPPES record
-- lists its CLIA number among the other identifiers (attributes.nppes.clia, set by the NPPES import).
-- Only labs list one, so the index is small; the import looks each batch's CLIA numbers up in it.
create index hc_providers_nppes_clia_idx on hc_providers ((attributes -> 'nppes' ->> 'clia'))
  where (attributes -> 'nppes' ->> 'clia') is not null;
