import { createPublicKey } from 'node:crypto';
import { type DnsResolver, dnsErrorCode, isNoRecord } from './create-dns-resolver.js';

/** The smallest RSA key receivers accept (RFC 8301: verifiers must not accept smaller ones). */
export const MIN_RSA_BITS = 1024;

/** The published DKIM key for one selector. */
export interface DkimKeyCheck {
  name: string;
  status: 'pass' | 'missing' | 'multiple' | 'revoked' | 'bad_key' | 'weak_key' | 'error';
  detail: string;
  keyType?: string;
  bits?: number;
}

/** A DKIM key record's tags (`v=DKIM1; k=rsa; p=…`), keys lower-cased, whitespace removed from p=. */
export function parseDkimRecord(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    tags[key] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return tags;
}

/** Checks the key in a DKIM record text: non-empty `p=` that parses, RSA ≥ 1024 bits. */
export function classifyDkimRecord(name: string, text: string): DkimKeyCheck {
  const tags = parseDkimRecord(text);
  const p = tags.p;
  if (p === undefined) return { name, status: 'bad_key', detail: `${name} has no p= tag` };
  if (p === '') return { name, status: 'revoked', detail: `${name} has an empty p= (the key is revoked)` };
  const keyType = (tags.k ?? 'rsa').toLowerCase();
  let key: ReturnType<typeof createPublicKey>;
  try {
    key =
      keyType === 'ed25519'
        ? createPublicKey({
            // RFC 8463 publishes the raw 32-byte key; wrap it in the SPKI header node:crypto reads.
            key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(p, 'base64')]),
            format: 'der',
            type: 'spki',
          })
        : createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
  } catch (error) {
    return {
      name,
      status: 'bad_key',
      keyType,
      detail: `${name}: p= is not a valid ${keyType} public key (${(error as Error).message})`,
    };
  }
  if (keyType === 'ed25519') return { name, status: 'pass', keyType, detail: `${name}: ed25519 key` };
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined) {
    return {
      name,
      status: 'bad_key',
      keyType,
      detail: `${name}: k=${keyType} but the key is ${key.asymmetricKeyType}`,
    };
  }
  if (bits < MIN_RSA_BITS) {
    return {
      name,
      status: 'weak_key',
      keyType,
      bits,
      detail: `${name}: RSA key is ${bits} bits; receivers ignore keys under ${MIN_RSA_BITS} bits — publish a 2048-bit key`,
    };
  }
  return { name, status: 'pass', keyType, bits, detail: `${name}: RSA ${bits} bits` };
}

/** Looks up `<selector>._domainkey.<domain>` and checks its key. */
export async function checkDkimKey(input: {
  domain: string;
  selector: string;
  resolver: DnsResolver;
}): Promise<DkimKeyCheck> {
  const name = `${input.selector}._domainkey.${input.domain}`;
  let records: string[];
  try {
    records = await input.resolver.resolveTxt(name);
  } catch (error) {
    if (isNoRecord(error)) return { name, status: 'missing', detail: `no DKIM key at ${name}` };
    return {
      name,
      status: 'error',
      detail: `TXT look-up for ${name} failed: ${dnsErrorCode(error) ?? String(error)}`,
    };
  }
  const keys = records.filter((r) => /(^|;)\s*p=/i.test(r) || /^v=DKIM1/i.test(r.trim()));
  if (keys.length === 0) return { name, status: 'missing', detail: `no DKIM key at ${name}` };
  if (keys.length > 1)
    return { name, status: 'multiple', detail: `${name} has ${keys.length} key records; keep one` };
  return classifyDkimRecord(name, keys[0]!);
}
