import type { Vertical } from '../segments/default-segments.js';

/** How a vertical's audience table is laid out: which columns a segment rule may name. */
export interface AudienceTable {
  table: 'fmcsa_carriers' | 'hc_providers';
  key: 'dot_number' | 'npi';
  /** The recipient's display name column. */
  name: 'legal_name' | 'name';
  state: 'phy_state' | 'state';
  zip: 'phy_zip' | 'zip';
  /** Columns an `equals` rule may compare. */
  textColumns: readonly string[];
  /** Columns a `date_window` rule may use. */
  dateColumns: readonly string[];
  /** The lp_link query parameter that carries the key (`?dot=`, `?npi=`). */
  linkParam: 'dot' | 'npi';
}

/** The audience table of each vertical. Column lists are a whitelist: config never reaches SQL unchecked. */
export const AUDIENCE_TABLES: Record<Vertical, AudienceTable> = {
  trucking: {
    table: 'fmcsa_carriers',
    key: 'dot_number',
    name: 'legal_name',
    state: 'phy_state',
    zip: 'phy_zip',
    textColumns: ['status_code', 'carrier_operation', 'phy_state', 'mx_provider', 'email_verify_result'],
    dateColumns: ['mcs150_date', 'add_date'],
    linkParam: 'dot',
  },
  healthcare: {
    table: 'hc_providers',
    key: 'npi',
    name: 'name',
    state: 'state',
    zip: 'zip',
    textColumns: ['entity_type', 'taxonomy', 'state', 'mx_provider', 'email_verify_result'],
    dateColumns: ['revalidation_due', 'clia_expires', 'deactivated_at'],
    linkParam: 'npi',
  },
};
