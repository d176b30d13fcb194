import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import { checkSpf, type SpfCheck } from '../dns/check-spf.js';
import type { DnsResolver } from '../dns/create-dns-resolver.js';
import type { CommandRunner } from '../exec/command-runner.js';
import { readBoundAddresses } from '../health/read-bound-addresses.js';
import type { DayRange } from '../warmup/day-table.js';
import { planPool, type SendingIp } from '../warmup/plan-pool.js';
import { readGateFacts } from './gate-facts-repository.js';
import {
  type GateCheckResult,
  type GateInputs,
  type GateThresholds,
  type GuardIncidentSource,
  planGateVerdict,
} from './plan-gate-verdict.js';
import { readAlarmOwners } from './read-alarm-owners.js';

/** A stream's IPs and pool table, as configured (`warmup.streams.<name>`). */
export interface GateStreamConfig {
  ips: readonly SendingIp[];
  retired: readonly string[];
  pool: readonly DayRange[];
}

/** What {@link createPreflightGate} needs; probes left out are "not judged". */
export interface PreflightGateOptions {
  /** Runs `ip -j -4 addr show dev IFACE` for the pool's interfaces. */
  runner: CommandRunner;
  now: () => Date;
  thresholds: GateThresholds;
  /** The configured warm-up streams by name. */
  streams: Readonly<Record<string, GateStreamConfig>>;
  primaryIp?: string | undefined;
  /** SPF of the envelope domain is checked for every pool IP through `resolver`; absent: not judged. */
  spf?: { domain: string; resolver: DnsResolver } | undefined;
  /** The guard's open incidents; absent: the gate reads alarms only. */
  incidents?: GuardIncidentSource | undefined;
}

/** What the gate is asked about (the builder's `GateRequest`). */
export interface PreflightGateRequest {
  vertical: string;
  warmupDay: number;
  stream?: { name: string; hourlyCap: number; sendingHours: number } | undefined;
}

/** The gate's answer (the builder's `GateVerdict`). */
export interface PreflightGateVerdict {
  ok: boolean;
  checks: GateCheckResult[];
  checkedAt: Date;
}

/**
 * The pre-flight gate a live build asks before it pushes anything (issue 24 §1), implementing the
 * builder's `PreflightGate`: DKIM ratio, bound pool IPs, recent bind failures, open STOP alarms and
 * guard incidents, SPF coverage, queue size and today's volume against the ramp — from the stored
 * report results (report_days, report_hours, alarms) and live probes (`ip -j addr`, SPF).
 *
 * @example
 * const gate = createPreflightGate({ runner, now: () => new Date(), thresholds, streams });
 * const verdict = await gate.check({ vertical: 'trucking', warmupDay: 12, stream }, db);
 */
export function createPreflightGate(options: PreflightGateOptions) {
  return {
    /** Reads the stored results through `db` (a build passes its own connection). */
    async check(request: PreflightGateRequest, db: Kysely<Database>): Promise<PreflightGateVerdict> {
      const now = options.now();
      const { thresholds } = options;
      const configured = request.stream === undefined ? undefined : options.streams[request.stream.name];
      const stream =
        request.stream === undefined || configured === undefined
          ? undefined
          : {
              ...request.stream,
              ips: [...configured.ips.map((ip) => ip.address), ...configured.retired],
              pool: planPool({
                ips: configured.ips,
                retired: configured.retired,
                table: configured.pool,
                day: request.warmupDay,
              }).pool,
            };
      const interfaces = [...new Set((stream?.pool ?? []).map((ip) => ip.interface))];
      const [facts, bound, spf, incidents] = await Promise.all([
        readGateFacts(db, {
          now,
          bindFailureSince: new Date(now.getTime() - thresholds.bindFailureHours * 3_600_000),
        }),
        interfaces.length === 0
          ? undefined
          : readBoundAddresses(options.runner, interfaces).catch((error: unknown) => ({
              error: messageOf(error),
            })),
        stream === undefined || stream.pool.length === 0 || options.spf === undefined
          ? undefined
          : checkPoolSpf(
              stream.pool.map((ip) => ip.address),
              options.spf,
            ),
        options.incidents?.listOpenIncidents(db),
      ]);
      // A host-wide reply alarm concerns the streams its replies trace to, as the guard's stop decides.
      const owners = Object.entries(options.streams).map(([name, s]) => ({
        name,
        ips: [...s.ips.map((ip) => ip.address), ...s.retired],
      }));
      const alarmOwners = new Map<number, string[]>();
      for (const a of facts.openCritical) {
        if (a.scope === '') alarmOwners.set(a.id, await readAlarmOwners(db, a, owners));
      }
      const inputs: GateInputs = {
        vertical: request.vertical,
        alarmOwners,
        now,
        thresholds,
        facts,
        stream,
        primaryIp: options.primaryIp,
        ...(bound === undefined ? {} : { bound }),
        ...(spf === undefined ? {} : { spf }),
        ...(incidents === undefined ? {} : { incidents }),
      };
      const checks = planGateVerdict(inputs);
      return { ok: checks.every((c) => c.status !== 'fail'), checks, checkedAt: now };
    },
  };
}

async function checkPoolSpf(
  ips: readonly string[],
  spf: { domain: string; resolver: DnsResolver },
): Promise<{ domain: string; checks: SpfCheck[] } | { domain: string; error: string }> {
  try {
    const checks = await Promise.all(
      ips.map((ip) => checkSpf({ ip, domain: spf.domain, resolver: spf.resolver })),
    );
    return { domain: spf.domain, checks };
  } catch (error) {
    return { domain: spf.domain, error: messageOf(error) };
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
