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
  /** Static build-time values for the template (`{{ @deficiency.title }}`, `{{ @preheader }}`…). */
  data?: Record<string, unknown> | undefined;
  /**
   * Healthcare: may take a deactivated NPI (DOMAIN.md: only the reactivation segment, never for a
   * death `DT` or disbandment `DB`). Every other segment never mails one.
   */
  takesDeactivated?: boolean | undefined;
  enabled: boolean;
}

type Shipped = Omit<SegmentDefinition, 'id' | 'enabled'> & { enabled?: boolean };

const deficiency = (
  flag: string,
  priority: number,
  landingPage: string,
  d: { title: string; explanation: string; service: string; price: string },
): Shipped => ({
  rule: { kind: 'flag', attribute: 'deficiency_flags', anyOf: [flag] },
  priority,
  template: 'deficiency-order',
  landingPage,
  data: { deficiency: d, preheader: d.explanation },
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
      template: 'deficiency-order',
      landingPage: 'usdot-reactivation',
      data: {
        deficiency: {
          title: 'Your USDOT number is inactive',
          explanation:
            'FMCSA lists your USDOT number as inactive. Operating on an inactive number risks civil penalties and an out-of-service order at a roadside inspection.',
          service: 'we file the reactivation update with FMCSA and confirm when the number is active again',
          price: '$149',
        },
        preheader: 'FMCSA lists your USDOT number as inactive.',
      },
    },
    ifta: {
      rule: { kind: 'filing_cycle', calendar: 'ifta', touchBusinessDays: [10, 7, 4] },
      priority: 15,
      template: 'ifta-quarterly',
      landingPage: 'ifta-filing',
      data: { preheader: 'Your IFTA quarterly return is due soon, even for a quarter with no miles.' },
    },
    ucr: {
      rule: { kind: 'filing_cycle', calendar: 'ucr', touchBusinessDays: [30, 12, 4] },
      priority: 16,
      template: 'ucr-annual',
      landingPage: 'ucr-registration',
      data: { preheader: 'UCR registration for next year closes December 31; enforcement starts January 1.' },
    },
    mcs150: {
      rule: { kind: 'mcs150', dueSoonDays: 45 },
      priority: 20,
      template: 'mcs150-biennial',
      landingPage: 'mcs150-update',
      data: { preheader: 'FMCSA requires the MCS-150 update every two years, even when nothing changed.' },
    },
    deficiency_for_hire_authority: deficiency('for_hire_authority', 30, 'operating-authority', {
      title: 'Your for-hire operating authority is not active',
      explanation:
        'FMCSA shows no active for-hire authority for your USDOT number, which interstate for-hire carriers need.',
      service: 'we prepare and file the operating-authority application and its BOC-3',
      price: '$299',
    }),
    deficiency_irp_ifta: deficiency('irp_ifta', 31, 'irp-ifta-registration', {
      title: 'Your IRP / IFTA registration needs attention',
      explanation:
        'Your records show interstate operation without current IRP apportioned plates or an IFTA licence.',
      service: 'we set up IRP and IFTA with your base state',
      price: '$199',
    }),
    deficiency_intrastate_authority: deficiency('intrastate_authority', 32, 'intrastate-authority', {
      title: 'Your intrastate authority is missing',
      explanation:
        'Your state requires intrastate operating authority for the operation FMCSA shows for your USDOT number.',
      service: 'we file the intrastate authority with your state',
      price: '$199',
    }),
    deficiency_state_emissions: deficiency('state_emissions', 33, 'state-emissions', {
      title: 'A state emissions requirement applies to your fleet',
      explanation: 'Your fleet operates where a state clean-truck or emissions rule applies.',
      service: 'we file the state emissions reporting for your fleet',
      price: '$149',
    }),
    deficiency_state_weight_tax: deficiency('state_weight_tax', 34, 'weight-distance-tax', {
      title: 'A state weight-distance tax account is missing',
      explanation:
        'Your operation crosses a state with a weight-distance tax (OR, KY, NM, NY) and we find no account.',
      service: 'we open the weight-distance tax account and file the first return',
      price: '$149',
    }),
    deficiency_state_permit: deficiency('state_permit', 35, 'state-permit', {
      title: 'A state permit is missing',
      explanation: 'Your operation needs a state permit that we find no record of.',
      service: 'we obtain the state permit for your vehicles',
      price: '$129',
    }),
    deficiency_hazmat: deficiency('hazmat', 36, 'hazmat-permit', {
      title: 'Your hazmat registration needs attention',
      explanation:
        'FMCSA shows hazardous-materials operation; PHMSA registration and a hazmat safety permit may be required.',
      service: 'we file the PHMSA registration and the hazmat permit',
      price: '$249',
    }),
    // Derived by `audience import authority`: a pending authority with no BOC-3 on file. The census
    // add_date alone (the old rule) mailed carriers that had filed long ago or never applied.
    new_carrier: {
      rule: { kind: 'flag', attribute: 'deficiency_flags', anyOf: ['new_carrier_startup'] },
      priority: 40,
      template: 'new-carrier-startup',
      landingPage: 'new-carrier-startup',
      data: {
        filing_window_days: 20,
        dismissal_days: 90,
        reapply_fee: '$300',
        preheader: 'Your BOC-3 and insurance must reach FMCSA within 20 days of publication.',
      },
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
      takesDeactivated: true,
      template: 'npi-reactivation',
      landingPage: 'npi-reactivation',
      data: {
        preheader:
          'Claims for services furnished while Medicare billing privileges are deactivated are not paid.',
      },
    },
    revalidation_overdue: {
      rule: { kind: 'date_window', column: 'revalidation_due', fromDays: null, toDays: -1 },
      priority: 20,
      template: 'medicare-revalidation',
      landingPage: 'medicare-revalidation',
      data: { preheader: 'Medicare asks every enrolled provider to revalidate every five years.' },
    },
    revalidation_due_soon: {
      rule: { kind: 'date_window', column: 'revalidation_due', fromDays: 0, toDays: 90 },
      priority: 30,
      template: 'medicare-revalidation',
      landingPage: 'medicare-revalidation',
      data: { preheader: 'Medicare asks every enrolled provider to revalidate every five years.' },
    },
    clia_renewal: {
      rule: { kind: 'date_window', column: 'clia_expires', fromDays: -30, toDays: 90 },
      priority: 35,
      template: 'clia-renewal',
      landingPage: 'clia-renewal',
      data: { preheader: 'A CLIA certificate lasts at most two years; renew before it lapses.' },
    },
  },
};
