import { type Database, isConnectionLost, type JsonObject } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { BuilderError } from '../errors.js';
import type { CampaignRenderer, ListmonkPort, RenderedCampaign } from '../push/listmonk-port.js';
import { planSendTimes } from '../schedule/plan-send-times.js';
import { isZoneGroup } from '../schedule/time-zones.js';
import { VERTICALS } from '../segments/default-segments.js';
import { closeAbandonedBuildRuns, createBuildRun, finishBuildRun } from './build-runs-repository.js';
import { insertLedgerEntries, listUnfinishedLedger, updateLedgerCampaign } from './ledger-repository.js';
import { type BuildPlan, type BuildRequest, planBuild, sendTimeRulesOf } from './plan-build.js';
import { filedLinkProblem, renderSegmentContent } from './preflight-campaigns.js';
import {
  describeFailedChecks,
  type GateOverride,
  type GateVerdict,
  type PreflightGate,
} from './preflight-gate.js';
import { type CampaignOutcome, type CampaignWork, pushCampaigns } from './push-campaigns.js';
import { type Reconciliation, reconcileEarlierDates } from './reconcile-earlier-dates.js';
import type { BuildRules } from './resolve-build-rules.js';

export { type CampaignOutcome, PUSH_STEPS, type PushStep } from './push-campaigns.js';
export type { ReconciledCampaign, Reconciliation } from './reconcile-earlier-dates.js';

/** Progress and per-campaign outcomes, for the app to print (libraries do not print). */
export type BuildEvent =
  /** First, when earlier dates had unfinished rows: what the build settled with Listmonk. */
  | { type: 'reconciled'; reconciliation: Reconciliation }
  | { type: 'planned'; plan: BuildPlan; resumed: number }
  /** After planning, before anything reaches Listmonk: the pre-flight gate's verdict (and an override). */
  | { type: 'gate'; verdict: GateVerdict; forced?: GateOverride }
  | { type: 'campaign'; outcome: CampaignOutcome; done: number; total: number };

/** What a live build did. */
export interface BuildResult {
  runId: number;
  plan: BuildPlan;
  /** Rows of earlier runs of the date that this run resumed. */
  resumed: number;
  /** What the build settled of earlier dates with Listmonk before it planned. */
  reconciled: Reconciliation;
  campaigns: CampaignOutcome[];
  scheduled: number;
  stamped: number;
  status: 'succeeded' | 'failed';
  /** The pre-flight gate's verdict, when a gate was asked; `forced` when `request.force` overrode a failure. */
  gate?: { verdict: GateVerdict; forced?: GateOverride };
}

/** Ports a live build needs. */
export interface BuildDeps {
  listmonk: ListmonkPort;
  renderer: CampaignRenderer;
  /**
   * Asked after planning, before anything is pushed: a failing verdict refuses the build
   * (`GATE_REFUSED`) unless `request.force` says who overrides it and why.
   */
  gate?: PreflightGate;
  onEvent?: (event: BuildEvent) => void;
}

// One advisory lock per vertical: two builds of one vertical never run at once.
const LOCK_SPACE = 7_323_100;

/**
 * The daily build: plan, then push every campaign of the date to Listmonk — list, bulk import,
 * rendered and linted campaign, schedule — and stamp exactly the recipients whose campaign Listmonk
 * accepted as scheduled. Everything that can be refused (a past send_at, a lint error) is refused
 * before Listmonk is touched. A failure at a step marks that campaign's rows failed and the others
 * carry on (the stamp, one transaction for every scheduled campaign, fails them all); re-running
 * the date resumes unfinished rows by name instead of duplicating them.
 *
 * @example
 * const result = await runBuild(db, rules, { vertical: 'trucking', warmupDay: 12, now: () => new Date() }, deps);
 */
export async function runBuild(
  db: Kysely<Database>,
  rules: BuildRules,
  request: BuildRequest,
  deps: BuildDeps,
): Promise<BuildResult> {
  const lockId = VERTICALS.indexOf(request.vertical) + 1;
  return db.connection().execute(async (conn) => {
    const got = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_lock(${LOCK_SPACE}, ${lockId}) as ok`.execute(conn);
    if (got.rows[0]?.ok !== true) {
      throw new BuilderError(
        'BUILD_LOCKED',
        `another ${request.vertical} build is running (advisory lock held); wait for it to finish, then re-run to resume`,
      );
    }
    try {
      await closeAbandonedBuildRuns(conn, request.vertical);
      return await buildLocked(conn, rules, request, deps, db);
    } finally {
      // A lost connection took the lock with it: nothing to unlock, and the build's error says why.
      await sql`select pg_advisory_unlock(${LOCK_SPACE}, ${lockId})`.execute(conn).catch((error: unknown) => {
        if (!isConnectionLost(error)) throw error;
      });
    }
  });
}

async function buildLocked(
  db: Kysely<Database>,
  rules: BuildRules,
  request: BuildRequest,
  deps: BuildDeps,
  pool: Kysely<Database>,
): Promise<BuildResult> {
  const date = request.date ?? request.now().toISOString().slice(0, 10);
  const options: JsonObject = {
    date,
    warmupDay: request.warmupDay,
    onlySegment: request.onlySegment ?? null,
    maxPerSegment: request.maxPerSegment ?? null,
    sendHour: request.sendHour ?? null,
    sendMinute: request.sendMinute ?? null,
    nextSlot: request.nextSlot ?? false,
    force: request.force === undefined ? null : { by: request.force.by, reason: request.force.reason },
  };
  const runId = await createBuildRun(db, { vertical: request.vertical, date, options });
  try {
    const result = await push(db, rules, { ...request, date }, deps, runId);
    await finishBuildRun(db, runId, {
      status: result.status,
      counts: countsOf(result),
      error:
        [
          ...result.reconciled.campaigns
            .filter((c) => c.outcome === 'unreconciled')
            .map((c) => `${c.name} (${c.date}): unreconciled: ${c.reason}`),
          ...result.campaigns
            .filter((c) => c.state === 'failed')
            .map((c) => `${c.name}: ${c.failedAt}: ${c.error}`),
        ].join('\n') || undefined,
    });
    return result;
  } catch (error) {
    const refused = error instanceof BuilderError && error.code === 'GATE_REFUSED';
    const failed = {
      status: 'failed' as const,
      counts: refused ? { gate: gateCountsOf({ verdict: error.details as GateVerdict }) } : {},
      error: error instanceof Error ? error.message : String(error),
    };
    // With the pinned connection lost, a fresh one from the pool closes the row; when the database
    // is gone altogether the next build closes it (closeAbandonedBuildRuns). The build's own error
    // is the one reported either way.
    await finishBuildRun(db, runId, failed)
      .catch(() => finishBuildRun(pool, runId, failed))
      .catch(() => undefined);
    throw error;
  }
}

function countsOf(result: BuildResult): JsonObject {
  return {
    selected: result.plan.recipients.length,
    resumed: result.resumed,
    campaigns: result.campaigns.length,
    scheduledCampaigns: result.campaigns.filter((c) => c.state === 'scheduled').length,
    failedCampaigns: result.campaigns.filter((c) => c.state === 'failed').length,
    refused: result.campaigns.reduce((n, c) => n + (c.refused ?? 0), 0),
    stamped: result.stamped,
    reconciled: {
      campaigns: result.reconciled.campaigns.length,
      stamped: result.reconciled.stamped,
      refused: result.reconciled.refused,
      lapsed: result.reconciled.lapsed,
      unreconciled: result.reconciled.unreconciled,
    },
    excluded: result.plan.excluded,
    capsHit: result.plan.capsHit as unknown as JsonObject,
    ...(result.gate === undefined ? {} : { gate: gateCountsOf(result.gate) }),
  };
}

function gateCountsOf(gate: { verdict: GateVerdict; forced?: GateOverride }): JsonObject {
  return {
    ok: gate.verdict.ok,
    failed: gate.verdict.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    notJudged: gate.verdict.checks.filter((c) => c.status === 'not_judged').map((c) => c.id),
    forced: gate.forced === undefined ? null : { by: gate.forced.by, reason: gate.forced.reason },
  };
}

/**
 * Asks the pre-flight gate; a failing verdict throws `GATE_REFUSED` (the verdict in `details`)
 * unless the request carries an override, which is then returned beside the verdict.
 */
async function askGate(
  db: Kysely<Database>,
  gate: PreflightGate,
  request: BuildRequest & { date: string },
  recipients: number,
  onEvent: BuildDeps['onEvent'],
): Promise<{ verdict: GateVerdict; forced?: GateOverride }> {
  const verdict = await gate.check(
    {
      vertical: request.vertical,
      date: request.date,
      warmupDay: request.warmupDay,
      stream: request.stream,
      recipients,
    },
    db,
  );
  const forced = verdict.ok ? undefined : request.force;
  onEvent?.({ type: 'gate', verdict, ...(forced === undefined ? {} : { forced }) });
  if (!verdict.ok && forced === undefined) {
    throw new BuilderError(
      'GATE_REFUSED',
      `the pre-flight gate refused the ${request.vertical} build; nothing was pushed to Listmonk:\n  ${describeFailedChecks(verdict).join('\n  ')}\nfix what it names and re-run, or override with --force --reason "…" (recorded with who and why)`,
      { details: verdict },
    );
  }
  return { verdict, ...(forced === undefined ? {} : { forced }) };
}

async function push(
  db: Kysely<Database>,
  rules: BuildRules,
  request: BuildRequest & { date: string },
  deps: BuildDeps,
  runId: number,
): Promise<BuildResult> {
  const vertical = request.vertical;
  const date = request.date;
  // Earlier dates first: what Listmonk scheduled is stamped before the selection reads the audience.
  const reconciled = await reconcileEarlierDates(
    db,
    vertical,
    date,
    deps.listmonk,
    request.now,
    rules.listmonkInstance,
  );
  if (reconciled.campaigns.length > 0) deps.onEvent?.({ type: 'reconciled', reconciliation: reconciled });
  const earlier = await listUnfinishedLedger(db, vertical, date);
  const plan = await planBuild(db, rules, request);
  deps.onEvent?.({ type: 'planned', plan, resumed: earlier.length });

  // Resumed campaigns keep their send_at while it is still ahead; a passed one is re-slotted with
  // this run's flags (or refused, naming the fixes) — all before Listmonk is touched.
  const work = new Map<string, CampaignWork>();
  for (const row of earlier) {
    const w = work.get(row.campaignName);
    if (w === undefined) {
      work.set(row.campaignName, {
        name: row.campaignName,
        segment: row.segment,
        zone: isZoneGroup(row.zone) ? row.zone : rules.defaultZone,
        sendAt: row.sendAt,
        rows: [row],
        resumed: true,
      });
    } else w.rows.push(row);
  }
  const earliest = request.now().getTime() + rules.sendAtMarginMinutes * 60_000;
  const late = [...work.values()].filter((w) => w.sendAt.getTime() < earliest);
  if (late.length > 0) {
    const slots = planSendTimes(
      [...new Set(late.map((w) => w.zone))],
      sendTimeRulesOf(rules, request, date, request.now()),
    );
    for (const w of late) w.sendAt = slots.get(w.zone)!.sendAt;
  }
  for (const c of plan.campaigns) {
    work.set(c.name, {
      name: c.name,
      segment: c.segment,
      zone: c.zone,
      sendAt: c.sendAt,
      rows: [],
      resumed: false,
    });
  }

  const segments = new Map(rules.segments.map((s) => [s.id, s]));
  const lintProblems: string[] = [];
  const renderedBySegment = new Map<string, RenderedCampaign>();
  for (const w of work.values()) {
    const segment = segments.get(w.segment);
    if (segment === undefined) {
      throw new BuilderError(
        'BUILD_CONFIG',
        `campaign ${w.name} of an earlier run is for segment ${w.segment}, which is no longer configured; re-enable it to resume`,
      );
    }
    // A segment's campaigns differ by zone only: render (and lint) each segment's content once.
    let rendered = renderedBySegment.get(w.segment);
    if (rendered === undefined) {
      rendered = await renderSegmentContent(rules, segment, date, deps.renderer);
      renderedBySegment.set(w.segment, rendered);
      for (const e of rendered.lintErrors) lintProblems.push(`${w.segment} (${segment.template}): ${e}`);
      const dead = filedLinkProblem(rules, { name: w.segment, template: segment.template }, rendered);
      if (dead !== undefined) lintProblems.push(dead);
    }
    w.rendered = rendered;
  }
  if (lintProblems.length > 0) {
    throw new BuilderError(
      'TEMPLATE_LINT_FAILED',
      `template lint failed; nothing was pushed:\n  ${lintProblems.join('\n  ')}\nfix the template (mailramp lint) and re-run`,
    );
  }

  // The last word before anything is written or pushed: is sending healthy right now?
  const gate =
    deps.gate === undefined
      ? undefined
      : await askGate(db, deps.gate, request, plan.recipients.length + earlier.length, deps.onEvent);

  // From here on the ledger holds every recipient before Listmonk sees any of them.
  await insertLedgerEntries(
    db,
    { id: runId, vertical, date, listmonkInstance: rules.listmonkInstance },
    plan.recipients,
  );
  const rows = await listUnfinishedLedger(db, vertical, date);
  for (const w of work.values()) w.rows = rows.filter((r) => r.campaignName === w.name);
  for (const w of work.values()) {
    if (w.rows.some((r) => r.sendAt.getTime() !== w.sendAt.getTime())) {
      await updateLedgerCampaign(db, { vertical, date, campaignName: w.name }, { sendAt: w.sendAt });
    }
  }

  const list = [...work.values()]
    .filter((w) => w.rows.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  let done = 0;
  const outcomes = await pushCampaigns(db, rules, request, deps.listmonk, list, date, (outcome) => {
    done += 1;
    deps.onEvent?.({ type: 'campaign', outcome, done, total: list.length });
  });
  const stamped = outcomes.reduce((n, o) => n + (o.stamped ?? 0), 0);
  return {
    runId,
    plan,
    resumed: earlier.length,
    reconciled,
    campaigns: outcomes,
    scheduled: outcomes.filter((o) => o.state === 'scheduled').reduce((s, o) => s + (o.stamped ?? 0), 0),
    stamped,
    // An earlier campaign left unreconciled fails the run too: a re-run asks Listmonk again.
    ...(gate === undefined ? {} : { gate }),
    status:
      outcomes.every((o) => o.state !== 'failed') && reconciled.unreconciled === 0 ? 'succeeded' : 'failed',
  };
}
