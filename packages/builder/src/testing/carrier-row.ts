import type { NewFmcsaCarrier } from '@mailramp/db';

/**
 * A mailable `fmcsa_carriers` row for tests: an active Texas carrier with a verified address on
 * GoDaddy mail and an MCS-150 filed in January; `extra` changes what the test is about.
 *
 * @example
 * await db.insertInto('fmcsa_carriers').values([carrierRow(11, { mx_provider: 'google' })]).execute();
 */
export function carrierRow(dot: number, extra: Partial<NewFmcsaCarrier> = {}): NewFmcsaCarrier {
  return {
    dot_number: dot,
    legal_name: `CARRIER ${dot}`,
    email: `dispatch${dot}@carrier${dot}.com`,
    phy_state: 'TX',
    phy_zip: '75001',
    carrier_operation: 'C',
    status_code: 'A',
    mcs150_date: '2026-01-15',
    email_verify_result: 'smtp_valid',
    mx_provider: 'godaddy',
    attributes: {},
    ...extra,
  };
}
