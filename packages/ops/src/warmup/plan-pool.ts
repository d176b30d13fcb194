import { type DayRange, getPoolSize } from './day-table.js';

/** One sending IP of a stream (the config's `warmup.streams.*.ips[]`). */
export interface SendingIp {
  address: string;
  prefix: number;
  interface: string;
  transport: string;
  helo: string;
}

/** Input of {@link planPool}. */
export interface PlanPoolInput {
  /** The stream's sending IPs in the order they join the pool. */
  ips: readonly SendingIp[];
  /** Burned IPs: never in the pool, whatever else says so. */
  retired?: readonly string[];
  /** Pool size by warm-up day. */
  table: readonly DayRange[];
  day: number;
  /**
   * Transports in rotation now (read from Postfix). They stay in the pool even when the table asks
   * for fewer — a date moved backwards or a table edited down never takes a warmed IP out.
   */
  current?: readonly string[];
}

/** The rotation pool for a day. */
export interface PoolPlan {
  /** How many IPs the table asks for on this day. */
  target: number;
  /** The IPs in rotation, in list order. */
  pool: SendingIp[];
  /** IPs joining the rotation compared with `current`. */
  added: SendingIp[];
  /** Transports in `current` that leave the rotation: retired or no longer configured. */
  dropped: string[];
  /** IPs the table asks for that the stream does not have (configure more IPs or expect a smaller pool). */
  shortfall: number;
}

/**
 * Plans the rotation pool: the first `target` non-retired IPs of the ordered list, plus every IP
 * already in rotation. The pool only grows; the only way out is retirement.
 *
 * @example
 * planPool({ ips, table: RUNBOOK_POOL_TABLE, day: 5, current: ['out05', 'out06', 'out07'] }).pool.length; // 5
 */
export function planPool(input: PlanPoolInput): PoolPlan {
  const retired = new Set(input.retired ?? []);
  const active = input.ips.filter((ip) => !retired.has(ip.address));
  const current = new Set(input.current ?? []);
  const target = getPoolSize(input.table, input.day);
  const pool = active.filter((ip, i) => i < target || current.has(ip.transport));
  const inPool = new Set(pool.map((ip) => ip.transport));
  return {
    target,
    pool,
    added: pool.filter((ip) => !current.has(ip.transport)),
    dropped: [...current].filter((t) => !inPool.has(t)),
    shortfall: Math.max(0, target - active.length),
  };
}
