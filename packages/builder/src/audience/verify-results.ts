/** The verification vocabulary stored in `email_verify_result` (SEED-SYSTEM.md). */
export const VERIFY_RESULTS = [
  'smtp_valid',
  'send_confirmed',
  'catch_all_domain',
  'catch_all_detected',
  'mx_unreachable',
  'mx_probe_blocked',
  'no_mx_records',
  'invalid_syntax',
  'smtp_rejected_550',
  'smtp_temp_error',
  'smtp_unknown_451',
  'smtp_unknown_450',
  'hard_bounced',
] as const;
export type VerifyResult = (typeof VERIFY_RESULTS)[number];

/**
 * Results that make (or may make) an address sendable. A suppressed address never receives one of
 * these from any import: "suppressed addresses are never re-confirmed".
 */
export const CONFIRMING_RESULTS: readonly VerifyResult[] = [
  'smtp_valid',
  'send_confirmed',
  'catch_all_domain',
  'catch_all_detected',
];

/** Common verifier outputs (NeverBounce, ZeroBounce, Bouncer, Kickbox …) mapped onto the vocabulary. */
export const VERIFY_RESULT_ALIASES: Readonly<Record<string, VerifyResult>> = {
  valid: 'smtp_valid',
  deliverable: 'smtp_valid',
  ok: 'smtp_valid',
  safe: 'smtp_valid',
  invalid: 'smtp_rejected_550',
  undeliverable: 'smtp_rejected_550',
  rejected: 'smtp_rejected_550',
  mailbox_not_found: 'smtp_rejected_550',
  bounce: 'hard_bounced',
  bounced: 'hard_bounced',
  hard_bounce: 'hard_bounced',
  catch_all: 'catch_all_detected',
  catchall: 'catch_all_detected',
  accept_all: 'catch_all_detected',
  no_mx: 'no_mx_records',
  no_dns_entries: 'no_mx_records',
  syntax_error: 'invalid_syntax',
  bad_syntax: 'invalid_syntax',
  failed_syntax_check: 'invalid_syntax',
  timeout: 'smtp_temp_error',
  unknown: 'smtp_temp_error',
  temporary_error: 'smtp_temp_error',
};

/** A verifier's result mapped onto the vocabulary, or undefined when it means nothing known. Pure. */
export function mapVerifyResult(text: string): VerifyResult | undefined {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if ((VERIFY_RESULTS as readonly string[]).includes(key)) return key as VerifyResult;
  return VERIFY_RESULT_ALIASES[key];
}
