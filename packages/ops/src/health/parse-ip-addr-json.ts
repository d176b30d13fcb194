import { z } from 'zod';
import { OpsError } from '../errors.js';

/** An IPv4 address bound to an interface. */
export interface BoundAddress {
  address: string;
  prefix: number;
  /** `ens18:hc` when the address carries a label. */
  label?: string;
}

const IpAddrJson = z.array(
  z.looseObject({
    ifname: z.string().optional(),
    addr_info: z
      .array(
        z.looseObject({
          family: z.string(),
          local: z.string(),
          prefixlen: z.number().int(),
          label: z.string().optional(),
        }),
      )
      .default([]),
  }),
);

/**
 * Parses `ip -j -4 addr show dev IFACE` (iproute2 JSON) into the IPv4 addresses per interface.
 * Throws `COMMAND_FAILED` on output that is not that JSON, so a changed iproute2 fails loudly.
 */
export function parseIpAddrJson(stdout: string): Map<string, BoundAddress[]> {
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim() === '' ? '[]' : stdout);
  } catch (error) {
    throw new OpsError(
      'COMMAND_FAILED',
      `ip -j addr printed something that is not JSON: ${stdout.slice(0, 80)}`,
      {
        cause: error,
      },
    );
  }
  const parsed = IpAddrJson.safeParse(json);
  if (!parsed.success) {
    throw new OpsError(
      'COMMAND_FAILED',
      `ip -j addr printed unexpected JSON: ${parsed.error.issues[0]?.message}`,
    );
  }
  const byInterface = new Map<string, BoundAddress[]>();
  for (const link of parsed.data) {
    // Some iproute2 versions print `{}` for a link that -4 filtered out.
    if (link.ifname === undefined) continue;
    const list = byInterface.get(link.ifname) ?? [];
    for (const info of link.addr_info) {
      if (info.family !== 'inet') continue;
      list.push({
        address: info.local,
        prefix: info.prefixlen,
        ...(info.label === undefined || info.label === link.ifname ? {} : { label: info.label }),
      });
    }
    byInterface.set(link.ifname, list);
  }
  return byInterface;
}
