/**
 * How the authority files become flags (also in `audience import authority --help` and
 * ARCHITECTURE.md). Per USDOT number, over all its dockets and both systems:
 * - `for_hire_authority`: the census says authorized for hire (SMS `AUTHORIZED_FOR_HIRE`, Company
 *   Census `classdef` containing AUTHORIZED FOR HIRE), the carrier is interstate (`A`), and no
 *   common or contract authority is active or pending. Needs a carrier-authority file imported.
 * - `new_carrier_startup`: a common or contract authority application is pending, none is active,
 *   and no BOC-3 is on file. FMCSA dismisses a pending application after ~90 days without BOC-3 and
 *   insurance, so a pending application is the start-up window. Needs a BOC-3 file imported too.
 */
export const AUTHORITY_RULES = [
  'for_hire_authority: census says authorized for hire, interstate (carrier_operation A), no common or contract authority active or pending',
  'new_carrier_startup: a common or contract authority pending, none active, no BOC-3 on file (FMCSA dismisses a pending application after ~90 days)',
] as const;
