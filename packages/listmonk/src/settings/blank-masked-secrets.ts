/** Listmonk masks every secret in `GET /api/settings` as this character, repeated. */
export const SECRET_MASK = '•';

const isMasked = (value: unknown): boolean =>
  typeof value === 'string' && value.length > 0 && [...value].every((ch) => ch === SECRET_MASK);

/**
 * A copy of settings where every masked secret (a string of only `•`) is `""`, which Listmonk reads
 * as "keep the stored value". Sending the bullets back would store them as the password.
 */
export function blankMaskedSecrets<T>(value: T): T {
  if (isMasked(value)) return '' as T;
  if (Array.isArray(value)) return value.map((v) => blankMaskedSecrets(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blankMaskedSecrets(v)])) as T;
  }
  return value;
}
