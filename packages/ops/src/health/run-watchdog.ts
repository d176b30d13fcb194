import { OpsError } from '../errors.js';
import type { CommandRunner } from '../exec/command-runner.js';
import { cidrArg, interfaceArg, pathArg } from '../exec/safe-args.js';
import type { BoundAddress } from './parse-ip-addr-json.js';
import type { PoolIp } from './plan-boot-findings.js';
import { planRebind } from './plan-rebind.js';
import { describeFailedCommand, readBoundAddresses } from './read-bound-addresses.js';
import { type MailLogScan, scanMailLog } from './scan-mail-log.js';
import { readWatchdogState, type WatchdogState, writeWatchdogState } from './watchdog-state.js';

/** The Postfix instance whose queue is flushed after a repair. */
const DEFAULT_POSTFIX_DIR = '/etc/postfix';

/** Options for {@link runWatchdog}. */
export interface WatchdogOptions {
  runner: CommandRunner;
  /** Configured sending IPs. */
  pool: readonly PoolIp[];
  /** Postfix config directories whose queues are flushed (`postqueue [-c DIR] -f`). Default `/etc/postfix`. */
  postfixDirs?: readonly string[];
  /** Add missing addresses and flush; false reports what would be done and changes nothing. */
  apply: boolean;
  /** The mail log to watch for bind failures, and where the position is kept. */
  mailLog?: { path: string; stateFile: string };
  now: () => Date;
}

/** One command the watchdog ran to repair the host, and how it went. */
export interface WatchdogAction {
  command: string;
  ok: boolean;
  detail?: string;
}

/**
 * `healthy`: every IP bound, no new bind failures. `repaired`: it had to act and every action worked.
 * `needs_repair`: without --apply, something must be done. `failed`: a repair or check failed.
 */
export type WatchdogStatus = 'healthy' | 'repaired' | 'needs_repair' | 'failed';

/** The outcome of one watchdog run. */
export interface WatchdogResult {
  status: WatchdogStatus;
  applied: boolean;
  checkedAt: string;
  bound: Array<{ interface: string; addresses: BoundAddress[] }>;
  missing: PoolIp[];
  prefixMismatch: Array<{ ip: PoolIp; bound: number }>;
  mailLog?: { path: string; found: boolean; scan?: Omit<MailLogScan, 'position'> };
  /** Why the queue must be flushed, empty when it need not be. */
  flushReasons: string[];
  /** Why a needed flush was not run: some sending IP is not confirmed bound (it is retried next run). */
  queueLeftAlone?: string;
  actions: WatchdogAction[];
  problems: string[];
}

const fail = describeFailedCommand;

/**
 * The IP watchdog (the runbook's pw-mail-ip-watchdog, run at boot and every 5 minutes): re-binds
 * configured sending IPs missing from their interface and flushes the Postfix queue when it re-bound
 * something or when new `Cannot assign requested address` lines appeared in the mail log since the last
 * run — but only once every configured IP is confirmed bound: after a failed re-bind the queue is left
 * alone (status `failed`) and the flush stays pending for the next run. Every command goes through the runner with validated arguments. Without `apply` it changes
 * nothing, not even the remembered log position.
 *
 * @example
 * const result = await runWatchdog({ runner: createProcessRunner(), pool, apply: true, now: () => new Date() });
 */
export async function runWatchdog(options: WatchdogOptions): Promise<WatchdogResult> {
  const { runner, apply } = options;
  const problems: string[] = [];
  const actions: WatchdogAction[] = [];
  const interfaces = [...new Set(options.pool.map((ip) => ip.interface))];

  const readBound = async (): Promise<Map<string, BoundAddress[]>> => {
    const read = await readBoundAddresses(runner, interfaces);
    problems.push(...read.problems);
    return read.bound;
  };

  const before = await readBound();
  const unreadable = new Set(interfaces.filter((name) => !before.has(name)));
  const plan = planRebind(
    options.pool.filter((ip) => !unreadable.has(ip.interface)),
    before,
  );

  const state =
    options.mailLog === undefined ? undefined : await readWatchdogState(options.mailLog.stateFile);
  const samePath = state?.mailLog?.path === options.mailLog?.path;
  const scan =
    options.mailLog === undefined
      ? undefined
      : await scanMailLog(
          options.mailLog.path,
          samePath && state?.mailLog !== undefined ? state.mailLog : undefined,
        );

  const flushReasons: string[] = [];
  if (plan.missing.length > 0) flushReasons.push(`${plan.missing.length} sending IP(s) were not bound`);
  if (scan !== undefined && scan.bindFailures > 0) {
    flushReasons.push(`${scan.bindFailures} new "Cannot assign requested address" line(s) in the mail log`);
  }
  if (state?.pendingFlush === true) flushReasons.push('the last run could not flush');

  let after = before;
  let flushed = true;
  let queueLeftAlone: string | undefined;
  if (apply) {
    for (const ip of plan.missing) {
      const args = ['addr', 'add', cidrArg(ip.address, ip.prefix), 'dev', interfaceArg(ip.interface)];
      const answer = await runner.run('ip', args);
      // Bound between the check and the add (the boot oneshot racing ifup) is fine: iproute2 says
      // "Address already assigned" (6.x) or "RTNETLINK answers: File exists" (older).
      const ok = answer.code === 0 || /File exists|already assigned/.test(answer.stderr);
      actions.push({
        command: `ip ${args.join(' ')}`,
        ok,
        ...(ok ? {} : { detail: fail('ip addr add', answer) }),
      });
      if (!ok) problems.push(fail(`ip ${args.join(' ')}`, answer));
    }
    // Flush only what is confirmed bound now: a transport without smtp_bind_address_enforce=yes
    // whose IP is missing sends its backlog from the primary IP (the Jun 24 failure).
    let unbound = unreadable.size > 0 ? [`${[...unreadable].join(', ')} could not be read`] : [];
    if (plan.missing.length > 0) {
      after = await readBound();
      const still = planRebind(plan.missing, after).missing;
      for (const ip of still)
        problems.push(`${ip.address} is still not bound on ${ip.interface} after ip addr add`);
      if (still.length > 0) unbound = [...unbound, `${still.map((ip) => ip.address).join(', ')} not bound`];
    }
    if (flushReasons.length > 0 && unbound.length > 0) {
      flushed = false;
      queueLeftAlone = `queue left alone (${unbound.join('; ')}): flushing now would send mail bound to a missing IP from the primary IP, or defer it again; the next run flushes once every sending IP is bound`;
      problems.push(queueLeftAlone);
    } else if (flushReasons.length > 0) {
      for (const dir of options.postfixDirs ?? [DEFAULT_POSTFIX_DIR]) {
        const args = dir === DEFAULT_POSTFIX_DIR ? ['-f'] : ['-c', pathArg(dir), '-f'];
        let ok: boolean;
        let detail: string | undefined;
        try {
          const answer = await runner.run('postqueue', args);
          ok = answer.code === 0;
          if (!ok) detail = fail(`postqueue ${args.join(' ')}`, answer);
        } catch (error) {
          if (!(error instanceof OpsError)) throw error;
          ok = false;
          detail = error.message;
        }
        actions.push({
          command: `postqueue ${args.join(' ')}`,
          ok,
          ...(detail === undefined ? {} : { detail }),
        });
        if (!ok) {
          flushed = false;
          problems.push(detail!);
        }
      }
    }
    if (options.mailLog !== undefined) {
      const next: WatchdogState = {
        version: 1,
        ...(scan === undefined ? {} : { mailLog: { path: options.mailLog.path, ...scan.position } }),
        pendingFlush: flushReasons.length > 0 && !flushed,
        lastRun: options.now().toISOString(),
      };
      await writeWatchdogState(options.mailLog.stateFile, next);
    }
  }

  for (const { ip, bound } of plan.prefixMismatch) {
    problems.push(
      `${ip.address} is bound on ${ip.interface} as /${bound}, configured /${ip.prefix}; fix by hand`,
    );
  }
  const acted = actions.length > 0;
  const status: WatchdogStatus =
    problems.length > 0
      ? 'failed'
      : !apply && (plan.missing.length > 0 || flushReasons.length > 0)
        ? 'needs_repair'
        : acted
          ? 'repaired'
          : 'healthy';
  return {
    status,
    applied: apply,
    checkedAt: options.now().toISOString(),
    bound: interfaces
      .filter((name) => after.has(name))
      .map((name) => ({ interface: name, addresses: after.get(name)! })),
    missing: plan.missing,
    prefixMismatch: plan.prefixMismatch,
    ...(options.mailLog === undefined
      ? {}
      : {
          mailLog: {
            path: options.mailLog.path,
            found: scan !== undefined,
            ...(scan === undefined ? {} : { scan: withoutPosition(scan) }),
          },
        }),
    flushReasons,
    ...(queueLeftAlone === undefined ? {} : { queueLeftAlone }),
    actions,
    problems,
  };
}

function withoutPosition(scan: MailLogScan): Omit<MailLogScan, 'position'> {
  const { position: _position, ...rest } = scan;
  return rest;
}
