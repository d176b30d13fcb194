import type { BoundAddress } from './parse-ip-addr-json.js';
import type { PoolIp } from './plan-boot-findings.js';

/** What the watchdog must do about bound addresses. */
export interface RebindPlan {
  /** Configured IPs not bound on their interface: add them. */
  missing: PoolIp[];
  /** Configured IPs bound with another prefix length than configured (reported, left alone). */
  prefixMismatch: Array<{ ip: PoolIp; bound: number }>;
  bound: PoolIp[];
}

/**
 * Compares the configured sending IPs with what each interface has bound. An IP bound with another
 * prefix is left alone (re-adding would fail with "File exists") and reported instead.
 */
export function planRebind(
  pool: readonly PoolIp[],
  bound: ReadonlyMap<string, readonly BoundAddress[]>,
): RebindPlan {
  const plan: RebindPlan = { missing: [], prefixMismatch: [], bound: [] };
  for (const ip of pool) {
    const found = (bound.get(ip.interface) ?? []).find((b) => b.address === ip.address);
    if (found === undefined) plan.missing.push(ip);
    else if (found.prefix !== ip.prefix) plan.prefixMismatch.push({ ip, bound: found.prefix });
    else plan.bound.push(ip);
  }
  return plan;
}
