import type {
  BuildPlan,
  BuildRequest,
  BuildResult,
  CampaignOutcome,
  GateOverride,
  GateVerdict,
  Reconciliation,
  Vertical,
} from '@mailramp/builder';
import type { ListmonkVersion } from '@mailramp/listmonk';
import { whoOf } from '../backfill/create-backfill-jobs.js';
import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';
import { resolveTemplatesDir } from '../templates/resolve-templates-dir.js';
import { createSessionGate } from './create-session-gate.js';
import type { BuildWarmup } from './resolve-build-warmup.js';

/** What a build is asked for; every field but `vertical` is optional. */
export interface BuildOptions {
  vertical: Vertical;
  /** Build date YYYY-MM-DD (default: today, UTC, by the session's clock). */
  date?: string | undefined;
  onlySegment?: string | undefined;
  maxPerSegment?: number | undefined;
  /** Send every campaign at this UTC hour instead of each zone's local morning. */
  sendHour?: number | undefined;
  sendMinute?: number | undefined;
  /** Move send times that have passed to the next future slot instead of failing. */
  nextSlot?: boolean | undefined;
  /** The warm-up day to cap by (default: from the vertical's warm-up stream). */
  warmupDay?: number | undefined;
  /**
   * Push even when the pre-flight gate fails: who overrides it (default: $SUDO_USER, $USER or
   * $LOGNAME of the session's environment, else the process's OS user) and why (required). Recorded in build_runs.options and
   * shown in the result; a passing gate leaves it unused.
   */
  force?: { by?: string | undefined; reason: string } | undefined;
}

/** A planned build: the plan, the warm-up day it used, and what the live run would stop on. */
export interface BuildPlanResult {
  plan: BuildPlan;
  warmup: BuildWarmup;
  /** Render and lint problems of the planned campaigns: the live run would stop before Listmonk. */
  problems: string[];
  /** The pre-flight gate's verdict now: a live run would refuse when it is not ok (unless forced). */
  gate: GateVerdict;
}

/** A live build's progress: the plan once made, then each campaign's outcome. */
export type BuildEvent =
  | { type: 'reconciled'; reconciliation: Reconciliation }
  | { type: 'planned'; plan: BuildPlan; resumed: number; warmup: BuildWarmup }
  | { type: 'gate'; verdict: GateVerdict; forced?: GateOverride }
  | { type: 'campaign'; outcome: CampaignOutcome; done: number; total: number };

/** A live build: what the builder did, and the warm-up day it capped by. */
export interface BuildRunResult extends BuildResult {
  warmup: BuildWarmup;
}

/** The daily build's jobs. */
export interface BuildJobs {
  /** Plans the build, then renders and lints every planned campaign; writes nothing, touches no Listmonk. */
  plan(options: BuildOptions): Promise<BuildPlanResult>;
  /** Plans and pushes every campaign to the vertical's Listmonk, stamping what Listmonk scheduled. */
  run(options: BuildOptions, progress?: { onEvent?: (event: BuildEvent) => void }): Promise<BuildRunResult>;
}

/** The build jobs of a session. */
export function createBuildJobs(session: Session): BuildJobs {
  const prepare = async (options: BuildOptions) => {
    const [
      builder,
      { createDomainFamilies },
      { listmonkInstanceOf },
      { parseListmonkVersion },
      { resolveBuildWarmup },
    ] = await Promise.all([
      import('@mailramp/builder'),
      import('@mailramp/mailbox'),
      import('../listmonk/listmonk-instance-of.js'),
      import('@mailramp/listmonk'),
      import('./resolve-build-warmup.js'),
    ]);
    const { config } = session;
    const families = createDomainFamilies(config.mailbox.families);
    const rules = {
      ...builder.resolveBuildRules(options.vertical, config.build, families),
      listmonkInstance: listmonkInstanceOf(config, options.vertical),
    };
    if (options.force !== undefined) {
      const { by, reason } = options.force;
      if (typeof reason !== 'string' || reason.trim() === '' || (by !== undefined && by.trim() === '')) {
        throw new MailrampError(
          'INVALID_INPUT',
          'force needs why the pre-flight gate is overridden: { reason, by? } with a non-empty reason (CLI: --force --reason "…")',
        );
      }
    }
    const date = options.date ?? session.now().toISOString().slice(0, 10);
    const warmup = await resolveBuildWarmup(config, {
      vertical: options.vertical,
      instance: rules.listmonkInstance,
      date,
      override: options.warmupDay,
      readTextFile: session.readTextFile,
    });
    const request: BuildRequest = {
      vertical: options.vertical,
      date,
      warmupDay: warmup.day,
      stream: warmup.stream,
      onlySegment: options.onlySegment,
      maxPerSegment: options.maxPerSegment,
      sendHour: options.sendHour,
      sendMinute: options.sendMinute,
      nextSlot: options.nextSlot,
      force:
        options.force === undefined
          ? undefined
          : { by: whoOf(session.env, options.force.by?.trim()), reason: options.force.reason.trim() },
      now: () => session.now(),
    };
    // The lint accepts the TrackLink forms of the instance's configured version (none: every v2–v6).
    const version = config.listmonk.instances[rules.listmonkInstance]?.version;
    const configured = version === undefined ? undefined : parseListmonkVersion(version);
    const renderer = async (versions: () => Promise<readonly ListmonkVersion[] | undefined>) => {
      const dir = await resolveTemplatesDir(session.cwd, config.templates.dir, builder.STOCK_TEMPLATES_DIR);
      const set = await builder.loadTemplateSet(dir).catch((error: unknown) => {
        // A build takes its templates from the config only: say so, not what a path argument would do.
        if (!(error instanceof builder.BuilderError) || error.code !== 'TEMPLATE_NOT_FOUND') throw error;
        throw new builder.BuilderError(
          'TEMPLATE_NOT_FOUND',
          `${dir} does not exist; set templates.dir in mailramp.config.json to your templates directory (without it, ./templates or else the shipped templates are used)`,
          { cause: error },
        );
      });
      const listmonkVersions = await versions();
      return builder.createTemplateRenderer(set, listmonkVersions === undefined ? {} : { listmonkVersions });
    };
    return { builder, rules, request, warmup, renderer, configured };
  };
  return {
    async plan(options) {
      const { builder, rules, request, warmup, renderer, configured } = await prepare(options);
      const plan = await builder.planBuild(await session.db(), rules, request);
      // A real preflight: every planned campaign is rendered and linted as the live run would.
      const problems = await builder.preflightCampaigns(
        rules,
        plan,
        await renderer(async () => (configured === undefined ? undefined : [configured])),
      );
      // The gate's verdict as the live run would get it now; a dry run shows it and refuses nothing.
      const gate = await (await createSessionGate(session)).check(
        {
          vertical: request.vertical,
          date: plan.date,
          warmupDay: request.warmupDay,
          stream: request.stream,
          recipients: plan.recipients.length,
        },
        await session.db(),
      );
      return { plan, warmup, problems, gate };
    },
    async run(options, progress = {}) {
      const { builder, rules, request, warmup, renderer, configured } = await prepare(options);
      const instance = session.config.listmonk.instances[rules.listmonkInstance];
      if (instance === undefined) {
        // Advise only what works: with no instance in the file the LISTMONK_* variables define the
        // one every vertical uses; with some, an unprefixed variable is refused.
        const names = Object.keys(session.config.listmonk.instances);
        const named = session.config.build.verticals?.[options.vertical]?.listmonkInstance !== undefined;
        throw new builder.BuilderError(
          'BUILD_CONFIG',
          `no Listmonk instance "${rules.listmonkInstance}" for the ${options.vertical} build; ${
            names.length === 0 && !named
              ? `set LISTMONK_URL, LISTMONK_USERNAME and LISTMONK_TOKEN (the one instance every vertical uses), or add listmonk.instances.${rules.listmonkInstance}`
              : `add listmonk.instances.${rules.listmonkInstance}${names.length === 0 ? '' : `, or set build.verticals.${options.vertical}.listmonkInstance to one of ${names.join(', ')}`}`
          }`,
        );
      }
      // The one place a client is built from an instance's config (auth, sendAtMarginMs, …).
      const client = await session.listmonk(rules.listmonkInstance);
      // The lint accepts the TrackLink forms of the version configured, else of the one detected.
      const rendering = await renderer(async () =>
        configured === undefined ? [(await client.getServerInfo()).version] : [configured],
      );
      const result = await builder.runBuild(await session.db(), rules, request, {
        listmonk: builder.createListmonkPort(client),
        renderer: rendering,
        gate: await createSessionGate(session),
        onEvent: (event) => progress.onEvent?.(event.type === 'planned' ? { ...event, warmup } : event),
      });
      return { ...result, warmup };
    },
  };
}
