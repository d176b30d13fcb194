import type { Config, ServiceJobName } from '@mailramp/config';
import {
  type BuildOptions,
  type GateVerdict,
  type Mailramp,
  MailrampError,
  type ReportOptions,
} from 'mailramp';
import { BuilderError } from 'mailramp/errors';
import { describeRunError } from '../scheduler/create-slot-runner.js';
import type { JobContext, JobOutcome, ScheduledJob } from '../scheduler/scheduled-job.js';

/** What one job does for a slot, through the SDK. */
export type JobRun = (context: JobContext) => Promise<JobOutcome>;

/** The verticals a build job exists for. */
export const BUILD_VERTICALS = ['trucking', 'healthcare'] as const;
/** One of {@link BUILD_VERTICALS}. */
export type BuildVertical = (typeof BUILD_VERTICALS)[number];

/** A live build the HTTP API asks for: a date other than today, an override of the gate. */
export interface LiveBuildRequest {
  date?: string | undefined;
  nextSlot?: boolean | undefined;
  sendHour?: number | undefined;
  sendMinute?: number | undefined;
  /** Push although the pre-flight gate refuses: why (required) and who (default: the service's user). */
  force?: BuildOptions['force'];
}

/** The service's jobs by name, and the live build of a vertical the HTTP API asks for. */
export interface JobCatalogue {
  readonly jobs: Record<ServiceJobName, JobRun>;
  build(vertical: BuildVertical, request?: LiveBuildRequest): JobRun;
}

/**
 * The report the service runs every 15 minutes: today's log so far, stored — the day's rows of
 * `report_days`, `report_outcomes` and `report_hours` replaced (a re-run overwrites, never adds) and
 * the alarms' episodes opened, moved on or closed in `alarms`.
 */
export const SERVICE_REPORT_OPTIONS: ReportOptions = { date: 'today', store: true };

// A precondition the config does not meet: the run is `skipped` with the reason, not `failed`.
const NOT_CONFIGURED = new Set(['WARMUP_NOT_CONFIGURED', 'LISTMONK_NOT_CONFIGURED']);

const skipped = (reason: string): JobOutcome => ({ outcome: 'skipped', summary: { reason } });

/**
 * A live build the pre-flight gate refused (nothing reached Listmonk): failed, with the failing
 * checks and their evidence in the summary and how to override it over the API in the error.
 */
function gateRefused(vertical: BuildVertical, verdict: GateVerdict): JobOutcome {
  const failed = verdict.checks.filter((c) => c.status === 'fail');
  return {
    outcome: 'failed',
    summary: {
      vertical,
      gate: {
        checkedAt: verdict.checkedAt.toISOString(),
        failed: failed.map((c) => ({ id: c.id, message: c.message, evidence: c.evidence })),
      },
    },
    error: `the pre-flight gate refused the ${vertical} build; nothing was pushed to Listmonk: ${failed
      .map((c) => `${c.id}: ${c.message}`)
      .join(
        '; ',
      )}. Fix what it names (the next slot asks again), or override it once with POST /api/builds {"vertical":"${vertical}","mode":"live","force":{"reason":"…"}} (recorded with who and why)`,
  };
}

/** Runs `fn`, turning an SDK "not configured" error into a skipped run. */
async function unlessNotConfigured(fn: () => Promise<JobOutcome>): Promise<JobOutcome> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof MailrampError && NOT_CONFIGURED.has(error.code)) return skipped(error.message);
    throw error;
  }
}

/**
 * Maps each job of `service.jobs` to the SDK call the CLI and the runbook's crontabs make: the
 * warm-up pool and the ramp cap applied, each vertical's live build (resumed through its ledger),
 * the watchdog with repair, the mail-log report, the suppression sync and the MX classification.
 * Each run returns a small JSON summary — counts and ids, never an address.
 *
 * @example
 * const catalogue = createJobCatalogue(mailramp);
 * const jobs = scheduledJobsOf(mailramp.config, catalogue);
 */
export function createJobCatalogue(mailramp: Mailramp): JobCatalogue {
  const build =
    (vertical: BuildVertical, { date, force, ...slot }: LiveBuildRequest = {}): JobRun =>
    async () => {
      if (mailramp.config.build.verticals?.[vertical] === undefined) {
        return skipped(`build.verticals.${vertical} is not configured`);
      }
      return unlessNotConfigured(async () => {
        let result: Awaited<ReturnType<Mailramp['build']['run']>>;
        try {
          result = await mailramp.build.run({
            vertical,
            ...(date === undefined ? {} : { date }),
            ...(force === undefined ? {} : { force }),
            ...slot,
          });
        } catch (error) {
          if (!(error instanceof BuilderError) || error.code !== 'GATE_REFUSED') throw error;
          return gateRefused(vertical, error.details as GateVerdict);
        }
        const failed = result.campaigns.filter((c) => c.state === 'failed');
        const summary = {
          vertical,
          date: result.plan.date,
          runId: result.runId,
          status: result.status,
          warmupDay: result.plan.warmupDay,
          dailyCap: result.plan.dailyCap,
          recipients: result.plan.recipients.length,
          resumed: result.resumed,
          campaigns: result.campaigns.length,
          failedCampaigns: failed.length,
          scheduled: result.scheduled,
          stamped: result.stamped,
          // Who overrode a failing gate and why, beside what it found: the run row is the record.
          ...(result.gate === undefined
            ? {}
            : {
                gate: {
                  ok: result.gate.verdict.ok,
                  failed: result.gate.verdict.checks.filter((c) => c.status === 'fail').map((c) => c.id),
                  forced: result.gate.forced ?? null,
                },
              }),
        };
        if (result.status === 'failed') {
          return {
            outcome: 'failed',
            summary,
            error: `build run ${result.runId} failed: ${failed.length} of ${result.campaigns.length} campaigns failed; the next run resumes them through the ledger`,
          };
        }
        return { outcome: 'ok', summary };
      });
    };

  const jobs: Record<ServiceJobName, JobRun> = {
    warmup: () =>
      unlessNotConfigured(async () => {
        const result = await mailramp.warmup.run({ apply: true });
        const summary = {
          date: result.date,
          streams: result.streams.map(({ plan, applied }) => ({
            stream: plan.stream,
            day: plan.day,
            pool: plan.pool.length,
            changed: plan.changed,
            applied: applied !== undefined,
          })),
          blocked: result.blocked,
        };
        if (result.refused || result.findings) {
          return {
            outcome: 'failed',
            summary,
            error: result.refused
              ? `nothing applied: the plan of ${result.blocked.join(', ')} has errors (mailramp ops warmup without --apply shows them; it reads Postfix, not the database, so it runs beside the service)`
              : 'applied with findings a person must act on (mailramp ops warmup without --apply shows them; it runs beside the service)',
          };
        }
        return { outcome: 'ok', summary };
      }),
    rampcap: () =>
      unlessNotConfigured(async () => {
        const result = await mailramp.rampcap.run({ apply: true });
        const failures = result.streams.flatMap((s) =>
          s.instances.flatMap((i) =>
            i.status === 'failed'
              ? [
                  `${s.stream}/${i.instance}: ${describeRunError(i.error)}${i.mayHaveWritten ? ' (some ramp keys may be stored)' : ''}`,
                ]
              : [],
          ),
        );
        const summary = {
          date: result.date,
          streams: result.streams.map((s) => ({
            stream: s.stream,
            day: s.day,
            cap: s.cap,
            tableCap: s.tableCap,
            held: s.hold !== undefined,
            instances: s.instances.map((i) => ({ instance: i.instance, status: i.status })),
          })),
        };
        if (failures.length > 0) {
          return {
            outcome: 'failed',
            summary,
            error: `the ramp cap was not written to ${failures.join('; ')}; the next slot retries, or POST /api/jobs/rampcap/run once the cause is fixed`,
          };
        }
        return { outcome: 'ok', summary };
      }),
    'build-trucking': build('trucking'),
    'build-healthcare': build('healthcare'),
    watchdog: () =>
      unlessNotConfigured(async () => {
        const result = await mailramp.health.watchdog({ apply: true });
        const summary = {
          status: result.status,
          missing: result.missing.map((ip) => ip.address),
          actions: result.actions.length,
          flushReasons: result.flushReasons,
        };
        if (result.status === 'failed') {
          return { outcome: 'failed', summary, error: result.problems.join('; ') };
        }
        return { outcome: 'ok', summary };
      }),
    report: async () => {
      const { window, summary, stored } = await mailramp.report(SERVICE_REPORT_OPTIONS);
      // In the same slot: a STOP alarm this run stored stops its stream now, not a cycle later.
      const guard = await mailramp.guard.cycle();
      const errors = guard.streams.flatMap((s) => s.errors.map((e) => `${s.stream}: ${e}`));
      return {
        outcome: errors.length > 0 ? 'failed' : 'ok',
        summary: {
          window: window.label ?? null,
          files: summary.files.length,
          lines: summary.lines.total,
          totals: summary.totals,
          alarms: summary.alarms.map((a) => ({ id: a.id, severity: a.severity })),
          guard: {
            runaway: guard.runaway.map((r) => r.stream),
            stopped: guard.streams.map((s) => ({
              stream: s.stream,
              incident: s.incidentId,
              actions: s.actions.length,
            })),
          },
          ...(stored === undefined
            ? {}
            : { stored: { days: stored.days, kept: stored.kept, alarms: stored.alarms } }),
        },
        ...(errors.length > 0 ? { error: `the guard could not finish its stop: ${errors.join('; ')}` } : {}),
      };
    },
    'suppress-sync': () =>
      unlessNotConfigured(async () => {
        const result = await mailramp.suppress.sync();
        const unread = result.listmonk.filter((l) => l.error !== undefined);
        const summary = {
          attemptsRead: result.attemptsRead,
          bouncesRead: result.bouncesRead,
          failuresRecorded: result.failuresRecorded,
          suppressed: result.suppressed.length,
          complaints: result.complaints.length,
          deadTenants: result.deadTenants.length,
          listmonk: result.listmonk.map((l) => ({
            instance: l.instance,
            bouncesRead: l.bouncesRead,
            ...(l.error === undefined ? {} : { error: l.error.code }),
          })),
        };
        if (unread.length > 0) {
          return {
            outcome: 'failed',
            summary,
            error: unread.map((l) => `${l.instance}: ${l.error?.message}`).join('; '),
          };
        }
        return { outcome: 'ok', summary };
      }),
    'classify-mx': async () => {
      const result = await mailramp.audience.classifyMx();
      const summary = {
        domains: result.domains,
        lookups: result.lookups,
        rowsTagged: result.rowsTagged,
        failed: result.failed.length,
        notAsked: result.notAsked,
        resolver: result.resolver,
      };
      if (result.unavailable) {
        return { outcome: 'failed', summary, error: `the resolver ${result.resolver} answered no look-up` };
      }
      return { outcome: 'ok', summary };
    },
  };
  return { jobs, build };
}

/** The scheduler's jobs: each of `service.jobs` with its schedule and what it runs. */
export function scheduledJobsOf(config: Config, catalogue: JobCatalogue): ScheduledJob[] {
  return (Object.keys(catalogue.jobs) as ServiceJobName[]).map((name) => ({
    name,
    ...config.service.jobs[name],
    run: catalogue.jobs[name],
  }));
}
