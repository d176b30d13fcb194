import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { OpsError } from '../errors.js';

/** Record types the health checks ask for. */
export type DnsRecordType = 'A' | 'AAAA' | 'TXT' | 'PTR' | 'MX' | 'CNAME';

/**
 * The resolver every DNS check takes. `resolve` has the contract of `node:dns` `resolve()` (the
 * signature mailauth expects): it rejects with `code` ENOTFOUND (NXDOMAIN), ENODATA (no record of that
 * type), ETIMEOUT, ESERVFAIL, EREFUSED or ECONNREFUSED.
 */
export interface DnsResolver {
  resolve(name: string, type: DnsRecordType): Promise<unknown[]>;
  /** A records of a name. */
  resolve4(name: string): Promise<string[]>;
  /** TXT records of a name, each record's character-strings joined. */
  resolveTxt(name: string): Promise<string[]>;
  /** PTR names of an IPv4 address (reverse look-up). */
  reverse(ip: string): Promise<string[]>;
  /** Where queries go, for messages (`127.0.0.1:53`). */
  readonly description: string;
}

/** Where to send queries. */
export interface DnsResolverOptions {
  /** Resolver addresses (IPv4 or IPv6). Spamhaus refuses public resolvers: use a local recursive one. */
  servers: readonly string[];
  /** UDP/TCP port of every server. Default 53. */
  port?: number;
  /** Per-try timeout in milliseconds. Default 3000. */
  timeoutMs?: number;
  /** Tries per query. Default 2. */
  tries?: number;
}

/**
 * Creates a resolver that sends every query to the given servers (never the system's resolv.conf).
 *
 * @example
 * const dns = createDnsResolver({ servers: ['127.0.0.1'], port: 53 });
 * await dns.resolveTxt('example.com');
 */
export function createDnsResolver(options: DnsResolverOptions): DnsResolver {
  const port = options.port ?? 53;
  if (options.servers.length === 0) {
    throw new OpsError('INVALID_CONFIG', 'no DNS resolver configured; set health.dns.resolver.servers');
  }
  const servers = options.servers.map((server) => {
    const family = isIP(server);
    if (family === 0) {
      throw new OpsError('INVALID_CONFIG', `DNS resolver "${server}" is not an IP address`);
    }
    return family === 6 ? `[${server}]:${port}` : `${server}:${port}`;
  });
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  resolver.setServers(servers);
  return {
    description: servers.join(', '),
    resolve: (name, type) => resolver.resolve(name, type) as Promise<unknown[]>,
    resolve4: (name) => resolver.resolve4(name),
    async resolveTxt(name) {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    },
    reverse: (ip) => resolver.reverse(ip),
  };
}

/** The `code` of a DNS error, e.g. ENOTFOUND; undefined for anything else. */
export function dnsErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True when the error means "no such record" (NXDOMAIN or no data of that type), not a failure. */
export function isNoRecord(error: unknown): boolean {
  const code = dnsErrorCode(error);
  return code === 'ENOTFOUND' || code === 'ENODATA';
}
