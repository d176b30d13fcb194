import { readEmail } from '@mailramp/builder';
import { MailrampError } from '../errors.js';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z0-9-]{2,}$/;

/**
 * An address or a bare domain, lower-cased. Addresses are read with the builder's rule, the one the
 * audience imports use, so an address a suppression accepts is one an import would have taken.
 */
export function readSuppressionTarget(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.includes('@')) {
    const email = readEmail(v);
    if (typeof email === 'string') return email;
  } else if (DOMAIN.test(v)) return v;
  throw new MailrampError('INVALID_INPUT', `"${value}" is neither an e-mail address nor a domain`);
}
