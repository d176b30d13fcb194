import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';

const { Packet } = dns2;

/** One record a fixture zone serves. Names are absolute without the trailing dot; `*.x` matches any name under x. */
export type FixtureRecord =
  | { name: string; type: 'A'; address: string }
  | { name: string; type: 'AAAA'; address: string }
  | { name: string; type: 'TXT'; data: string | string[] }
  | { name: string; type: 'PTR'; domain: string }
  | { name: string; type: 'MX'; exchange: string; priority: number }
  | { name: string; type: 'SERVFAIL' };

/** A running fixture DNS server. */
export interface FixtureDnsServer {
  address: string;
  port: number;
  /** Questions received, as `TYPE name`, in order. */
  queries: string[];
  close(): Promise<void>;
}

// RFC 1035 response codes (dns2's typings omit Packet.RCODE).
const RCODE = { SERVFAIL: 2, NXDOMAIN: 3 } as const;

const TYPES: Record<string, number> = {
  A: Packet.TYPE.A,
  AAAA: Packet.TYPE.AAAA,
  TXT: Packet.TYPE.TXT,
  PTR: Packet.TYPE.PTR,
  MX: Packet.TYPE.MX,
};

/**
 * Starts a real DNS server (UDP, 127.0.0.1, random port) answering from fixture records: NXDOMAIN for
 * unknown names, an empty NOERROR answer for a known name without the asked type, SERVFAIL where a
 * record says so. TXT strings longer than 255 bytes are split into character-strings like a real zone.
 *
 * @example
 * const server = await startFixtureDnsServer([{ name: 'example.com', type: 'TXT', data: 'v=spf1 -all' }]);
 * const dns = createDnsResolver({ servers: [server.address], port: server.port });
 */
export async function startFixtureDnsServer(records: readonly FixtureRecord[]): Promise<FixtureDnsServer> {
  const queries: string[] = [];
  const lookup = (name: string): FixtureRecord[] => {
    const exact = records.filter((r) => r.name.toLowerCase() === name);
    if (exact.length > 0) return exact;
    return records.filter((r) => r.name.startsWith('*.') && name.endsWith(r.name.slice(1).toLowerCase()));
  };
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (question === undefined) return send(response);
      const name = question.name.toLowerCase().replace(/\.$/, '');
      const typeName = Object.keys(TYPES).find((k) => TYPES[k] === question.type) ?? String(question.type);
      queries.push(`${typeName} ${name}`);
      const found = lookup(name);
      if (found.some((r) => r.type === 'SERVFAIL')) {
        response.header.rcode = RCODE.SERVFAIL;
        return send(response);
      }
      if (found.length === 0) {
        response.header.rcode = RCODE.NXDOMAIN;
        return send(response);
      }
      // dns2's Resource type wants toBuffer(); its encoder takes plain objects.
      const answers = response.answers as unknown as object[];
      for (const record of found) {
        if (TYPES[record.type] !== question.type) continue;
        const base = { name: question.name, type: question.type, class: Packet.CLASS.IN, ttl: 60 };
        if (record.type === 'A' || record.type === 'AAAA') answers.push({ ...base, address: record.address });
        if (record.type === 'PTR') answers.push({ ...base, domain: record.domain });
        if (record.type === 'MX')
          answers.push({ ...base, exchange: record.exchange, priority: record.priority });
        if (record.type === 'TXT') {
          const parts = Array.isArray(record.data) ? record.data : splitCharacterStrings(record.data);
          answers.push({ ...base, data: parts });
        }
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const udp = server.addresses().udp as AddressInfo;
  return {
    address: '127.0.0.1',
    port: udp.port,
    queries,
    close: () => server.close() as Promise<void>,
  };
}

function splitCharacterStrings(text: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 255) parts.push(text.slice(i, i + 255));
  return parts.length === 0 ? [''] : parts;
}
