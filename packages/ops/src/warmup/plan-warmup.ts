import { listTransportProblems, type TransportProblem } from '../postfix/list-transport-problems.js';
import type { ParsedMasterCf } from '../postfix/parse-master-cf.js';
import { type PoolPlan, planPool } from './plan-pool.js';
import { parseTransportMaps, planTransportMaps, sameTransportMaps } from './plan-transport-maps.js';
import { type DateLike, toUtcDate, warmupDay } from './warmup-day.js';
import type { WarmupStream } from './warmup-stream.js';

/** What Postfix and the host hold now, as read by `readWarmupState()`. */
export interface WarmupState {
  /** The stream's warm-up start (from config, or the stamp file). */
  start: DateLike;
  /** The current `transport_maps` value; empty when unset. */
  transportMaps: string;
  /** master.cf, when it could be read. */
  masterCf?: ParsedMasterCf | undefined;
  /** Why master.cf could not be read, when it could not. */
  masterCfError?: string | undefined;
  /** main.cf's smtp_bind_address_enforce (`yes` there enforces every transport), when it could be read. */
  bindEnforceDefault?: string | undefined;
}

/** One stream's warm-up for a date: day, pool, the transport_maps value and what is wrong around it. */
export interface WarmupPlan extends PoolPlan {
  stream: string;
  date: string;
  /** The warm-up start as a UTC date. */
  start: string;
  day: number;
  /** False before the start date (the day-0 pool is planned). */
  started: boolean;
  transportMaps: string;
  currentTransportMaps: string;
  /** True when Postfix must be changed to match. */
  changed: boolean;
  /** master.cf findings for the pool's transports (and a line when master.cf could not be read). */
  problems: TransportProblem[];
  /** Human notes: shortfall, dropped transports, unreadable master.cf. */
  notes: string[];
}

/**
 * Plans one stream's warm-up for a date: the warm-up day, the pool (only ever growing: whatever is
 * in rotation now stays unless retired), the `transport_maps` value and whether Postfix differs, plus
 * master.cf problems for every pool transport.
 *
 * @example
 * const plan = planWarmup(stream, state, '2026-06-06');
 * plan.transportMaps; // 'hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:,out08:,out09:}'
 */
export function planWarmup(stream: WarmupStream, state: WarmupState, date: DateLike): WarmupPlan {
  const day = warmupDay(state.start, date);
  const current = parseTransportMaps(state.transportMaps).transports;
  const pool = planPool({ ips: stream.ips, retired: stream.retired, table: stream.pool, day, current });
  const transportMaps = planTransportMaps({
    lookupTables: stream.postfix.lookupTables,
    transports: pool.pool.map((ip) => ip.transport),
    compact: stream.postfix.service !== undefined,
  });
  const notes: string[] = [];
  if (pool.shortfall > 0) {
    notes.push(
      `the table asks for ${pool.target} IPs on day ${day} but only ${pool.pool.length} are configured and not retired`,
    );
  }
  for (const transport of pool.dropped) {
    notes.push(`${transport} leaves the rotation: it is retired or no longer configured for ${stream.name}`);
  }
  const problems =
    state.masterCf === undefined
      ? []
      : listTransportProblems(
          state.masterCf.services,
          pool.pool.map((ip) => ({ address: ip.address, transport: ip.transport, helo: ip.helo })),
          {
            primaryIp: stream.primaryIp,
            retired: stream.retired,
            bindEnforceDefault: state.bindEnforceDefault,
          },
        );
  if (state.masterCfError !== undefined) notes.push(`master.cf not checked: ${state.masterCfError}`);
  return {
    ...pool,
    stream: stream.name,
    date: toUtcDate(date),
    start: toUtcDate(state.start),
    day,
    started: day >= 0,
    transportMaps,
    currentTransportMaps: state.transportMaps,
    changed: !sameTransportMaps(transportMaps, state.transportMaps),
    problems,
    notes,
  };
}
