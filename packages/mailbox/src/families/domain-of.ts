/**
 * The recipient domain of an address: the part after the last `@`, trimmed and lower-cased.
 * Undefined when there is no `@` or nothing after it. Exclusions match this exactly (no subdomains).
 */
export function domainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 0) return undefined;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  return domain === '' ? undefined : domain;
}

/** An address normalised for comparison with suppressions: trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
