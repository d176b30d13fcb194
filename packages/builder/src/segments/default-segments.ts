/** An audience with its own table, segments and Listmonk instance. */
export type Vertical = 'trucking' | 'healthcare';
export const VERTICALS = ['trucking', 'healthcare'] as const satisfies readonly Vertical[];

/** Which rows a segment selects; the SQL for each kind lives in selection/segment-sql.ts. */
export type SegmentRule =
  | { kind: 'mcs150'; dueSoonDays: number }
  | { kind: 'equals'; column: string; value: string }
  | { kind: 'flag'; attribute: string; anyOf: string[] }
  | { kind: 'date_window'; column: string; fromDays: number | null; toDays: number | null }
  | { kind: 'filing_cycle'; calendar: 'ifta' | 'ucr'; touchBusinessDays: number[] }
  | { kind: 'all' };

/** A named compliance situation: what it selects, its priority, its template and landing page. */
export interface SegmentDefinition {
  id: string;
  rule: SegmentRule;
  /** Lower wins: a recipient matching several segments is only in the lowest-priority one. */
  priority: number;
  /** Template name under templates/<vertical>/ — always explicit, never a fallback. */
  template: string;
  /** Order page slug for lp_link — always explicit: a bug once sent every unmapped segment to the $399 page. */
  landingPage: string;
  subject?: string | undefined;
  enabled: boolean;
}

type Shipped = Omit<SegmentDefinition, 'id' | 'enabled'>;

const deficiency = (flag: string, priority: number, landingPage: string): Shipped => ({
  rule: { kind: 'flag', attribute: 'deficiency_flags', anyOf: [flag] },
  priority,
  template: `deficiency-${flag.replaceAll('_', '-')}`,
  landingPage,
});

/**
 * The original system's segment set per vertical (SEED-SYSTEM.md "Audiences and segments"),
 * with priorities so a recipient gets one e-mail a day. Config adds, replaces or removes entries.
 */
export const DEFAULT_SEGMENTS: Record<Vertical, Record<string, Shipped>> = {
  trucking: {
    usdot_reactivation: {
      rule: { kind: 'equals', column: 'status_code', value: 'I' },
      priority: 10,
      template: 'usdot-reactivation',
      landingPage: 'usdot-reactivation',
    },
    ifta: {
      rule: { kind: 'filing_cycle', calendar: 'ifta', touchBusinessDays: [10, 7, 4] },
      priority: 15,
      template: 'ifta-quarterly-reminder',
      landingPage: 'ifta-filing',
    },
    ucr: {
      rule: { kind: 'filing_cycle', calendar: 'ucr', touchBusinessDays: [30, 12, 4] },
      priority: 16,
      template: 'ucr-annual-reminder',
      landingPage: 'ucr-registration',
    },
    mcs150: {
      rule: { kind: 'mcs150', dueSoonDays: 45 },
      priority: 20,
      template: 'mcs150-update',
      landingPage: 'mcs150-update',
    },
    deficiency_for_hire_authority: deficiency('for_hire_authority', 30, 'operating-authority'),
    deficiency_irp_ifta: deficiency('irp_ifta', 31, 'irp-ifta-registration'),
    deficiency_intrastate_authority: deficiency('intrastate_authority', 32, 'intrastate-authority'),
    deficiency_state_emissions: deficiency('state_emissions', 33, 'state-emissions'),
    deficiency_state_weight_tax: deficiency('state_weight_tax', 34, 'weight-distance-tax'),
    deficiency_state_permit: deficiency('state_permit', 35, 'state-permit'),
    deficiency_hazmat: deficiency('hazmat', 36, 'hazmat-permit'),
    new_carrier: {
      rule: { kind: 'date_window', column: 'add_date', fromDays: -90, toDays: 0 },
      priority: 40,
      template: 'new-carrier-startup',
      landingPage: 'new-carrier-startup',
    },
  },
  healthcare: {
    npi_reactivation: {
      rule: {
        kind: 'flag',
        attribute: 'flags',
        anyOf: ['npi_reactivation', 'oig_exclusion', 'sam_exclusion'],
      },
      priority: 10,
      template: 'npi-reactivation',
      landingPage: 'npi-reactivation',
    },
    revalidation_overdue: {
      rule: { kind: 'date_window', column: 'revalidation_due', fromDays: null, toDays: -1 },
      priority: 20,
      template: 'revalidation-overdue',
      landingPage: 'medicare-revalidation',
    },
    revalidation_due_soon: {
      rule: { kind: 'date_window', column: 'revalidation_due', fromDays: 0, toDays: 90 },
      priority: 30,
      template: 'revalidation-due-soon',
      landingPage: 'medicare-revalidation',
    },
    clia_renewal: {
      rule: { kind: 'date_window', column: 'clia_expires', fromDays: -30, toDays: 90 },
      priority: 35,
      template: 'clia-renewal',
      landingPage: 'clia-renewal',
    },
  },
};
