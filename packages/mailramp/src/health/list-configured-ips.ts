import type { Config } from '@mailramp/config';
import type { PoolIp } from '@mailramp/ops';
import { pathArg } from '@mailramp/ops';

/** A configured sending IP with what check-dns needs besides what the watchdog needs. */
export type ConfiguredIp = PoolIp & { helo: string; transport: string; stream: string };

/** Every sending IP of every warm-up stream, once each. */
export function listConfiguredIps(config: Config): ConfiguredIp[] {
  const seen = new Set<string>();
  const ips: ConfiguredIp[] = [];
  for (const [stream, section] of Object.entries(config.warmup.streams)) {
    for (const ip of section.ips) {
      if (seen.has(ip.address)) continue;
      seen.add(ip.address);
      ips.push({ ...ip, stream });
    }
  }
  return ips;
}

/** Each Postfix instance (config directory) and the streams whose transports it runs. */
export function listPostfixInstances(config: Config): Array<{ dir: string; streams: string[] }> {
  const instances = new Map<string, string[]>();
  for (const [name, stream] of Object.entries(config.warmup.streams)) {
    // The directory becomes a `postconf -c` / `postqueue -c` argument: refuse anything but a plain path.
    const dir = pathArg(stream.postfix.configDir);
    instances.set(dir, [...(instances.get(dir) ?? []), name]);
  }
  if (instances.size === 0) return [{ dir: '/etc/postfix', streams: [] }];
  return [...instances].map(([dir, streams]) => ({ dir, streams }));
}
