import { ownCopy } from './own-copy.js';
import type { DeliveryEvent, LineFacts } from './parse-log-line.js';
import type { BindFailure, IpAttribution } from './report-types.js';

const QUOTED_IP =
  /(?:\bip=<?|[Mm]essages from \[?|said: \d{3}[- ](?:\d\.\d{1,3}\.\d{1,3} )?\[)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})/;

/** Finds the sending IP of each egress delivery, and counts the bind failures that move it. */
export interface IpAttributor {
  /** The sending IP of an egress delivery and how it was found; clears its process's pending bind. */
  attribute(line: LineFacts, ev: DeliveryEvent): { ip: string; via: keyof IpAttribution };
  /** A `Cannot assign requested address` line for `ip`; `sample` keeps the line in a list. */
  bindFailure(line: LineFacts, ip: string, sample: (list: string[]) => void): void;
  /** Whether smtp process `pid` has a bind failure pending. */
  hasPendingBind(pid: number): boolean;
  /** Whether any smtp process has a bind failure pending. */
  readonly anyPendingBind: boolean;
  /** The bind failures, most first. */
  finish(): BindFailure[];
}

/**
 * Creates the attributor for a host's transports (`transportIps`) and primary IP.
 *
 * @example
 * const ips = createIpAttributor({ out05: '203.0.113.94' }, '203.0.113.71');
 * ips.attribute(line, line.event).ip; // '203.0.113.94' for a postfix/out05/smtp line
 */
export function createIpAttributor(
  transportIps: Readonly<Record<string, string>>,
  primaryIp: string | undefined,
): IpAttributor {
  const knownIps = [...new Set([...Object.values(transportIps), ...(primaryIp ? [primaryIp] : [])])];
  const binds = new Map<string, BindFailure>();
  // Keyed by smtp process id: the delivery after a bind failure is that process's next one.
  const pendingBind = new Map<number, string>();
  return {
    attribute(line, ev) {
      const failedBind = line.pid === undefined ? undefined : pendingBind.get(line.pid);
      if (failedBind !== undefined) pendingBind.delete(line.pid!);
      if (ev.status !== 'sent' && ev.reply !== '') {
        const m = QUOTED_IP.exec(ev.reply);
        if (m !== null) return { ip: m[1]!, via: 'quoted' };
        for (const ip of knownIps) if (ev.reply.includes(ip)) return { ip, via: 'quoted' };
      }
      if (failedBind !== undefined) return { ip: primaryIp ?? 'primary', via: 'bindFallback' };
      if (line.service === undefined) return { ip: primaryIp ?? 'primary', via: 'default' };
      // Own keys only: a service named `__proto__` or `toString` is not an IP.
      const ip = Object.hasOwn(transportIps, line.service) ? transportIps[line.service] : undefined;
      return ip === undefined
        ? { ip: `transport:${line.service}`, via: 'transport' }
        : { ip, via: 'transport' };
    },
    bindFailure(line, ip, sample) {
      if (line.pid !== undefined) pendingBind.set(line.pid, ownCopy(ip));
      let b = binds.get(ip);
      if (b === undefined) {
        b = { ip: ownCopy(ip), count: 0, firstSeen: stampOf(line), lastSeen: '', samples: [] };
        binds.set(b.ip, b);
      }
      b.count += 1;
      b.lastSeen = stampOf(line);
      sample(b.samples);
    },
    hasPendingBind(pid) {
      return pendingBind.has(pid);
    },
    get anyPendingBind() {
      return pendingBind.size > 0;
    },
    finish() {
      return [...binds.values()].sort((a, b) => b.count - a.count);
    },
  };
}

function stampOf(line: LineFacts): string {
  const d = new Date(line.time);
  return `${line.date} ${d.toISOString().slice(11, 19)}`;
}
