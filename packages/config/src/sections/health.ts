import { isIP } from 'node:net';
import { z } from 'zod';

const ipv4 = z.string().refine((v) => isIP(v) === 4, 'must be an IPv4 address');
const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i,
    'must be a domain name',
  );

/** One DNS blocklist. */
export const DnsblZoneSection = z.strictObject({
  name: z.string().min(1).describe('Display name, e.g. "Spamhaus ZEN"'),
  zone: hostname.describe('Zone queried under, e.g. zen.spamhaus.org'),
  kind: z.enum(['ip', 'domain']).describe('ip: reversed IPv4 octets are queried; domain: domain names are'),
  errorCodes: z
    .record(ipv4, z.string())
    .default({})
    .describe('Answers that mean a query error (typo, public resolver, quota), not a listing'),
  listingCodes: z.record(ipv4, z.string()).optional().describe('What listing answers mean, for messages'),
  testListed: z
    .string()
    .min(1)
    .describe('Key the list must report listed (127.0.0.2; "test" or dbltest.com for domain lists)'),
  testUnlisted: z
    .string()
    .min(1)
    .describe('Key the list must not report (127.0.0.1; "invalid" for domain lists)'),
});

/** `health.dns`: what check-dns asks and whom. */
export const HealthDnsSection = z
  .strictObject({
    resolver: z
      .strictObject({
        servers: z
          .array(z.string().refine((v) => isIP(v) !== 0, 'must be an IP address'))
          .min(1)
          .default(['127.0.0.1']),
        port: z.number().int().min(1).max(65_535).default(53),
        timeoutMs: z.number().int().positive().default(3000),
      })
      .prefault({})
      .describe('A local recursive resolver: Spamhaus refuses queries through public resolvers'),
    envelopeDomain: hostname.optional().describe('MAIL FROM domain: SPF, DKIM and DMARC are checked for it'),
    dkimSelector: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be a DKIM selector')
      .default('mail')
      .describe('Selector published at <selector>._domainkey.<envelopeDomain>'),
    dnsbls: z
      .array(DnsblZoneSection)
      .optional()
      .describe('Blocklists to consult. Absent: Spamhaus ZEN and DBL, Barracuda, SpamCop'),
  })
  .describe('DNS and blocklist checks');

/** `health`: the IP watchdog, reboot checks and DNS checks. */
export const HealthSection = z
  .strictObject({
    dns: HealthDnsSection.prefault({}),
    mailLog: z
      .string()
      .min(1)
      .default('/var/log/mail.log')
      .describe('Postfix log the watchdog scans for "Cannot assign requested address"'),
    stateFile: z
      .string()
      .min(1)
      .default('/var/lib/mailramp/watchdog-state.json')
      .describe('Where the watchdog remembers its position in the mail log'),
    interfacesFile: z
      .string()
      .min(1)
      .default('/etc/network/interfaces')
      .describe('ifupdown configuration check-boot reads (with its source/source-directory includes)'),
  })
  .describe('IP health: watchdog, reboot persistence, DNS');
