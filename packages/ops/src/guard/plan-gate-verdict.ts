import type { Database, JsonObject } from '@mailramp/db';
import type { Kysely } from 'kysely';
import type { SpfCheck } from '../dns/check-spf.js';
import type { BoundAddress } from '../health/parse-ip-addr-json.js';
import type { GateFacts, StoredAlarm } from './gate-facts-repository.js';

/** One check of the pre-flight gate (the builder's `GateCheck`, which ops does not import). */
export interface GateCheckResult {
  id: 'dkim' | 'ips_bound' | 'bind_failures' | 'alarms' | 'spf' | 'queue' | 'volume';
  status: 'pass' | 'fail' | 'not_judged';
  message: string;
  evidence: JsonObject;
}

/** The gate's thresholds (config `guard.gate`, DKIM defaulting to `report.alarms`). */
export interface GateThresholds {
  dkimMinRatio: number;
  dkimMinMessages: number;
  bindFailureHours: number;
  maxQueue: number;
  queueMaxAgeHours: number;
  /** Share above the hourly ramp cap one hour of today's sends may reach. */
  hourlyMargin: number;
}

/** An open incident of the guard (its automatic stop), read through {@link GuardIncidentSource}. */
export interface OpenIncident {
  id: number | string;
  /** The stream it stopped ('' or absent: host-wide). */
  stream?: string | undefined;
  summary: string;
  openedAt: Date;
}

/**
 * Where the gate reads the guard's open incidents from (the SDK wires the guard's incidents in):
 * through `db`, the build's own connection (embedded PGlite has only one).
 */
export interface GuardIncidentSource {
  listOpenIncidents(db: Kysely<Database>): Promise<OpenIncident[]>;
}

/** The vertical's stream as the gate sees it: its name, every IP it owns, and the day's pool. */
export interface GateStream {
  name: string;
  hourlyCap: number;
  sendingHours: number;
  /** Every configured and retired IP of the stream: their alarms and sends are the stream's. */
  ips: readonly string[];
  /** The day's rotation pool: these must be bound and pass SPF. */
  pool: ReadonlyArray<{ address: string; interface: string }>;
}

/** Everything the gate decides from; every probe is optional (absent: not configured). */
export interface GateInputs {
  vertical: string;
  now: Date;
  thresholds: GateThresholds;
  facts: GateFacts;
  stream?: GateStream | undefined;
  primaryIp?: string | undefined;
  /** `ip -j addr` per interface of the pool, or why it could not be read. */
  bound?:
    | { bound: ReadonlyMap<string, readonly BoundAddress[]>; problems: readonly string[] }
    | { error: string };
  /** SPF per pool IP for the envelope domain, or why it could not be checked; absent: no envelope domain. */
  spf?: { domain: string; checks: readonly SpfCheck[] } | { domain: string; error: string };
  /** Open incidents of the guard; absent: not read (no incident source wired). */
  incidents?: readonly OpenIncident[];
  /** The streams each open host-wide alarm concerns (by episode id; `readAlarmOwners`); absent: all. */
  alarmOwners?: ReadonlyMap<number, readonly string[]>;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const n = (x: number) => x.toLocaleString('en-US');

/**
 * Decides every check of the pre-flight gate from stored report results and live probes. Pure: the
 * facts and probe answers come in, the checks with their evidence go out.
 */
export function planGateVerdict(input: GateInputs): GateCheckResult[] {
  return [
    checkDkim(input),
    checkBound(input),
    checkBindFailures(input),
    checkAlarms(input),
    checkSpfCoverage(input),
    checkQueue(input),
    checkVolume(input),
  ];
}

function checkDkim({ facts, thresholds }: GateInputs): GateCheckResult {
  const signed = facts.dkimDays.reduce((s, d) => s + d.signed, 0);
  const messages = facts.dkimDays.reduce((s, d) => s + d.messages, 0);
  const evidence = {
    days: facts.dkimDays.map((d) => ({ ...d })),
    signed,
    messages,
    minRatio: thresholds.dkimMinRatio,
    minMessages: thresholds.dkimMinMessages,
  };
  if (messages < thresholds.dkimMinMessages || messages === 0) {
    return {
      id: 'dkim',
      status: 'not_judged',
      message:
        facts.dkimDays.length === 0
          ? 'no stored mail-log report covers the last 24 h (the report job stores one)'
          : `only ${n(messages)} campaign messages in the last 24 h; ${n(thresholds.dkimMinMessages)} needed to judge the DKIM ratio`,
      evidence,
    };
  }
  const ratio = signed / messages;
  if (ratio < thresholds.dkimMinRatio) {
    return {
      id: 'dkim',
      status: 'fail',
      message: `${n(signed)} DKIM signatures for ${n(messages)} campaign messages in the last 24 h (${pct(ratio)}, below ${pct(thresholds.dkimMinRatio)}): mail is leaving unsigned; check opendkim.conf KeyTable/SigningTable/InternalHosts (the Docker bridge must be internal), restart opendkim and confirm "DKIM-Signature field added" for a test message`,
      evidence: { ...evidence, ratio },
    };
  }
  return {
    id: 'dkim',
    status: 'pass',
    message: `${n(signed)}/${n(messages)} campaign messages signed in the last 24 h (${pct(ratio)})`,
    evidence: { ...evidence, ratio },
  };
}

function checkBound({ stream, bound }: GateInputs): GateCheckResult {
  if (stream === undefined || stream.pool.length === 0) {
    return {
      id: 'ips_bound',
      status: 'not_judged',
      message: 'no warm-up stream (no pool) is configured for this vertical',
      evidence: {},
    };
  }
  const pool = stream.pool.map((ip) => ip.address);
  if (bound === undefined || 'error' in bound) {
    return {
      id: 'ips_bound',
      status: 'fail',
      message: `could not read the bound addresses (${bound?.error ?? 'no probe'}); a build cannot know its pool is up`,
      evidence: { pool },
    };
  }
  const unreadable = stream.pool.filter((ip) => !bound.bound.has(ip.interface));
  const missing = stream.pool.filter(
    (ip) =>
      bound.bound.has(ip.interface) && !bound.bound.get(ip.interface)!.some((a) => a.address === ip.address),
  );
  const evidence = {
    stream: stream.name,
    pool,
    bound: Object.fromEntries([...bound.bound].map(([name, list]) => [name, list.map((a) => a.address)])),
    missing: missing.map((ip) => `${ip.address} on ${ip.interface}`),
    ...(bound.problems.length === 0 ? {} : { problems: [...bound.problems] }),
  };
  if (missing.length > 0 || unreadable.length > 0) {
    const parts = [
      ...(missing.length === 0
        ? []
        : [
            `${missing.map((ip) => `${ip.address} (${ip.interface})`).join(', ')} of stream ${stream.name}'s pool not bound: Postfix would send from the primary IP; re-bind with \`mailramp ops watchdog --apply\``,
          ]),
      ...(unreadable.length === 0 ? [] : [`could not read ${bound.problems.join('; ')}`]),
    ];
    return { id: 'ips_bound', status: 'fail', message: parts.join('; '), evidence };
  }
  return {
    id: 'ips_bound',
    status: 'pass',
    message: `all ${pool.length} pool IPs of stream ${stream.name} bound`,
    evidence,
  };
}

/**
 * Is an alarm about this vertical's sending: its stream, its IPs, the primary IP, or host-wide —
 * then unless its replies trace only to other streams' IPs (`alarmOwners`, the stop's rule)?
 */
function concerns(alarm: StoredAlarm, input: GateInputs): boolean {
  const { stream, vertical, primaryIp } = input;
  if (alarm.scope === vertical) return true;
  if (alarm.scope === '') {
    const owners = input.alarmOwners?.get(alarm.id);
    return stream === undefined || owners === undefined || owners.includes(stream.name);
  }
  if (stream === undefined) return false;
  return alarm.scope === stream.name || stream.ips.includes(alarm.scope) || alarm.scope === primaryIp;
}

const alarmEvidence = (a: StoredAlarm): JsonObject => ({
  id: a.id,
  alarm: a.alarm,
  scope: a.scope,
  status: a.status,
  message: a.message,
  firstSeen: a.firstSeen.toISOString(),
  lastSeen: a.lastSeen.toISOString(),
  evidence: a.evidence,
});

function checkBindFailures(input: GateInputs): GateCheckResult {
  const { facts, stream, thresholds } = input;
  const ips = new Set(stream?.ips ?? []);
  // A host-wide episode names its IPs in its evidence counts: only those of this stream count.
  const relevant = facts.bindFailures.filter((a) => {
    if (!concerns(a, input)) return false;
    if (a.scope !== '' || stream === undefined) return true;
    const counts = a.evidence.counts;
    const named = typeof counts === 'object' && counts !== null ? Object.keys(counts) : [];
    const namedIps = named.filter((k) => /^\d{1,3}(\.\d{1,3}){3}$/.test(k));
    return namedIps.length === 0 || namedIps.some((ip) => ips.has(ip));
  });
  const evidence = { hours: thresholds.bindFailureHours, alarms: relevant.map(alarmEvidence) };
  if (relevant.length > 0) {
    return {
      id: 'bind_failures',
      status: 'fail',
      message: `${relevant.length === 1 ? 'a bind failure' : `${relevant.length} bind-failure episodes`} ("Cannot assign requested address") within ${thresholds.bindFailureHours} h, last seen ${relevant[0]!.lastSeen.toISOString()}: ${relevant[0]!.message}; re-bind (mailramp ops watchdog --apply), set smtp_bind_address_enforce=yes, and build once the report no longer sees it`,
      evidence,
    };
  }
  return {
    id: 'bind_failures',
    status: 'pass',
    message: `no bind failure within ${thresholds.bindFailureHours} h`,
    evidence,
  };
}

function checkAlarms(input: GateInputs): GateCheckResult {
  const alarms = input.facts.openCritical.filter((a) => concerns(a, input));
  const incidents = (input.incidents ?? []).filter(
    (i) => i.stream === undefined || i.stream === '' || i.stream === input.stream?.name,
  );
  const evidence = {
    alarms: alarms.map(alarmEvidence),
    ...(input.incidents === undefined
      ? { incidents: 'not read' }
      : {
          incidents: incidents.map((i) => ({
            id: i.id,
            stream: i.stream ?? '',
            summary: i.summary,
            openedAt: i.openedAt.toISOString(),
          })),
        }),
  };
  if (alarms.length > 0 || incidents.length > 0) {
    const parts = [
      ...alarms.map(
        (a) =>
          `open STOP alarm ${a.alarm}${a.scope === '' ? '' : ` (${a.scope})`} since ${a.firstSeen.toISOString()}: ${a.message}`,
      ),
      ...incidents.map(
        (i) => `open guard incident ${i.id}: ${i.summary} (mailramp guard resume ${i.id} when fixed)`,
      ),
    ];
    return { id: 'alarms', status: 'fail', message: parts.join('; '), evidence };
  }
  return {
    id: 'alarms',
    status: 'pass',
    message: `no open STOP alarm${input.incidents === undefined ? '' : ' or guard incident'} for ${input.stream === undefined ? 'the host' : `stream ${input.stream.name} or the host`}`,
    evidence,
  };
}

function checkSpfCoverage({ stream, spf }: GateInputs): GateCheckResult {
  if (stream === undefined || stream.pool.length === 0) {
    return {
      id: 'spf',
      status: 'not_judged',
      message: 'no warm-up stream (no pool) is configured for this vertical',
      evidence: {},
    };
  }
  if (spf === undefined) {
    return {
      id: 'spf',
      status: 'not_judged',
      message: 'no envelope domain configured (health.dns.envelopeDomain)',
      evidence: {},
    };
  }
  if ('error' in spf) {
    return {
      id: 'spf',
      status: 'fail',
      message: `could not check SPF of ${spf.domain}: ${spf.error}`,
      evidence: { domain: spf.domain },
    };
  }
  const failing = spf.checks.filter((c) => c.result !== 'pass');
  const evidence = {
    domain: spf.domain,
    ...(spf.checks[0]?.record === undefined ? {} : { record: spf.checks[0].record }),
    results: Object.fromEntries(spf.checks.map((c) => [c.ip, c.result])),
  };
  if (failing.length > 0) {
    return {
      id: 'spf',
      status: 'fail',
      message: `SPF of ${spf.domain} does not pass ${failing.map((c) => `${c.ip} (${c.result}${c.comment ? `: ${c.comment}` : ''})`).join(', ')}: receivers would reject or junk their mail; add them to the SPF record (mailramp ops check-dns shows the record)`,
      evidence,
    };
  }
  return {
    id: 'spf',
    status: 'pass',
    message: `SPF of ${spf.domain} passes all ${spf.checks.length} pool IPs`,
    evidence,
  };
}

function checkQueue({ facts, thresholds, now }: GateInputs): GateCheckResult {
  const { queue } = facts;
  if (queue === undefined) {
    return {
      id: 'queue',
      status: 'not_judged',
      message: 'no stored queue size (the report job stores one)',
      evidence: {},
    };
  }
  const ageHours = (now.getTime() - queue.readAt.getTime()) / 3_600_000;
  const evidence = {
    size: queue.size,
    day: queue.day,
    readAt: queue.readAt.toISOString(),
    max: thresholds.maxQueue,
  };
  if (ageHours > thresholds.queueMaxAgeHours) {
    return {
      id: 'queue',
      status: 'not_judged',
      message: `the latest stored queue size (${n(queue.size)}) was read ${Math.floor(ageHours)} h ago, more than ${thresholds.queueMaxAgeHours} h`,
      evidence,
    };
  }
  if (queue.size > thresholds.maxQueue) {
    return {
      id: 'queue',
      status: 'fail',
      message: `${n(queue.size)} messages in the Postfix queue (above ${n(thresholds.maxQueue)}): find why they are stuck (postqueue -p; mailramp ops report) before adding more`,
      evidence,
    };
  }
  return {
    id: 'queue',
    status: 'pass',
    message: `${n(queue.size)} messages queued (at most ${n(thresholds.maxQueue)})`,
    evidence,
  };
}

function checkVolume({ facts, stream, thresholds, now }: GateInputs): GateCheckResult {
  if (stream === undefined) {
    return {
      id: 'volume',
      status: 'not_judged',
      message: 'no warm-up stream is configured for this vertical',
      evidence: {},
    };
  }
  if (facts.todayReadUntil === undefined) {
    return {
      id: 'volume',
      status: 'not_judged',
      message:
        "no stored mail-log report covers today (the report job stores one): today's sends are unknown",
      evidence: { stream: stream.name },
    };
  }
  const ips = new Set(stream.ips);
  const perIp = new Map<string, number>();
  const perHour = new Map<number, number>();
  for (const h of facts.hours) {
    if (!ips.has(h.ip)) continue;
    perIp.set(h.ip, (perIp.get(h.ip) ?? 0) + h.messages);
    perHour.set(h.hour, (perHour.get(h.hour) ?? 0) + h.messages);
  }
  const total = [...perIp.values()].reduce((s, x) => s + x, 0);
  const dayCap = stream.hourlyCap * stream.sendingHours;
  const hourLimit = Math.floor(stream.hourlyCap * (1 + thresholds.hourlyMargin));
  const overHours = [...perHour].filter(([, count]) => count > hourLimit).sort((a, b) => a[0] - b[0]);
  // The rotation spreads the day's ramp over the pool: one IP far above its share is sending
  // outside it (a broken transport map, a campaign pinned to one IP).
  const ipLimit = Math.floor((dayCap / Math.max(1, stream.pool.length)) * (1 + thresholds.hourlyMargin));
  const overIps = [...perIp].filter(([, count]) => count > ipLimit).sort((a, b) => b[1] - a[1]);
  const evidence = {
    stream: stream.name,
    day: now.toISOString().slice(0, 10),
    readUntil: facts.todayReadUntil.toISOString(),
    total,
    dayCap,
    hourlyCap: stream.hourlyCap,
    hourLimit,
    ipLimit,
    perIp: Object.fromEntries([...perIp].sort((a, b) => b[1] - a[1])),
    perHour: Object.fromEntries([...perHour].sort((a, b) => a[0] - b[0]).map(([h, c]) => [String(h), c])),
  };
  const problems: string[] = [];
  if (total > dayCap) {
    problems.push(
      `${n(total)} messages left stream ${stream.name}'s IPs today, above the day's ramp ${n(stream.hourlyCap)}/h × ${stream.sendingHours} h = ${n(dayCap)}`,
    );
  }
  if (overHours.length > 0) {
    problems.push(
      `hour${overHours.length === 1 ? '' : 's'} ${overHours.map(([h, c]) => `${String(h).padStart(2, '0')}:00 (${n(c)})`).join(', ')} UTC above the hourly ramp cap ${n(stream.hourlyCap)} + ${pct(thresholds.hourlyMargin)}`,
    );
  }
  if (overIps.length > 0) {
    problems.push(
      `${overIps.map(([ip, c]) => `${ip} sent ${n(c)}`).join(', ')} today, above one IP's share of the day's ramp (${n(dayCap)} over ${stream.pool.length} pool IPs + ${pct(thresholds.hourlyMargin)} = ${n(ipLimit)})`,
    );
  }
  if (problems.length > 0) {
    const top = [...perIp].sort((a, b) => b[1] - a[1]).slice(0, 3);
    return {
      id: 'volume',
      status: 'fail',
      message: `${problems.join('; ')} (busiest IPs: ${top.map(([ip, c]) => `${ip} ${n(c)}`).join(', ')}); something outside the ramp is sending (a campaign made directly in Listmonk?): pause it and hold the ramp`,
      evidence,
    };
  }
  return {
    id: 'volume',
    status: 'pass',
    message: `${n(total)} messages from stream ${stream.name}'s IPs today, within the ramp (${n(stream.hourlyCap)}/h, ${n(dayCap)}/day)`,
    evidence,
  };
}
