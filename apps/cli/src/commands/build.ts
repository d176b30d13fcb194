import {
  BuilderError,
  type BuildPlan,
  type BuildResult,
  type CampaignOutcome,
  type GateOverride,
  type GateVerdict,
  type Reconciliation,
  VERTICALS,
  type Vertical,
} from '@mailramp/builder';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { BuildOptions } from 'mailramp';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { isoDateArgument } from '../iso-date-argument.js';
import { counted, formatTable, printJson, say } from '../output.js';

interface BuildFlags {
  vertical: Vertical;
  onlySegment?: string;
  maxPerSegment?: number;
  date?: string;
  sendHour?: number;
  sendMinute?: number;
  nextSlot?: boolean;
  warmupDay?: number;
  dryRun?: boolean;
  json?: boolean;
  listRecipients?: boolean;
  force?: boolean;
  reason?: string;
  who?: string;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number ${min}–${max}`);
    return n;
  };
}

/** `mailramp build`: the daily build (plan with --dry-run). */
export function registerBuildCommands(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description(
      "pick today's recipients for a vertical under every sending rule and create scheduled Listmonk campaigns (--dry-run: print the plan, write nothing)",
    )
    .addOption(
      new Option('--vertical <vertical>', 'audience to build').choices(VERTICALS).makeOptionMandatory(),
    )
    .option('--only-segment <segment>', 'build only this segment')
    .option('--max-per-segment <n>', 'at most N recipients per segment', wholeNumber(1, 100_000))
    .option('--date <YYYY-MM-DD>', 'build date (default: today, UTC)', isoDateArgument)
    .option(
      '--send-hour <H>',
      'send every campaign at this UTC hour instead of each zone’s local morning',
      wholeNumber(0, 23),
    )
    .option('--send-minute <M>', 'minute for --send-hour (UTC)', wholeNumber(0, 59))
    .option('--next-slot', 'move send times that have passed to the next future slot instead of failing')
    .option(
      '--warmup-day <n>',
      'warm-up day to cap by (default: from the warm-up stream)',
      wholeNumber(0, 10_000),
    )
    .option(
      '--dry-run',
      'print the plan and render and lint every campaign it plans, as the live run would; write nothing, touch no Listmonk; exit 1 naming what to fix when a campaign would not render or lint, exit 4 as the live run when a send time has passed (add --next-slot)',
    )
    .option(
      '--force',
      'push even when the pre-flight gate fails (needs --reason); who and why are recorded in build_runs and printed',
    )
    .option('--reason <text>', 'why --force overrides the pre-flight gate (required with --force)')
    .option('--who <name>', 'who forces, for the record (default: $SUDO_USER / $USER)')
    .option('--json', 'print the plan/result as JSON on stdout')
    .option(
      '--list-recipients',
      'also list who is selected (key, address, segment, campaign): a table on stderr, or "selected" in --json',
    )
    .addHelpText(
      'after',
      `
One address gets at most one campaign a day per vertical, its most important one: where several
USDOT numbers (NPIs) share an address, the key in the highest-priority segment (then the lowest
key) is mailed, and the others are counted under "excluded" as shared_address, as is an address a
run earlier in the day already queued under another key. A lower segment's key gets the address
only when a cap (--max-per-segment, an operator's or the day's) turns the higher one away.
Listmonk keeps one subscriber per address: its attributes (lp_link, dot/npi) are those of the key
that was mailed.

Before a live build pushes anything, the pre-flight gate checks that sending is healthy: the DKIM
ratio of the last 24 h, every pool IP of the vertical's stream bound, no bind failure within
guard.gate.bindFailureHours, no open STOP alarm (or guard incident) for the stream or the host, SPF
of health.dns.envelopeDomain passing every pool IP, the Postfix queue under guard.gate.maxQueue, and
today's sends within the stream's ramp. A failing check refuses the build (exit 4) with its
evidence; --force --reason "…" overrides it and records who and why. --dry-run shows the verdict.

Exit codes: 0 built (or planned) · 2 bad flags or config · 3 database/Listmonk unavailable ·
4 refused (the pre-flight gate, a send_at already passed, another build of the vertical running) ·
1 lint errors, or a dry run whose live run the gate would refuse.

Examples:
  mailramp build --vertical trucking --dry-run
  mailramp build --vertical trucking --only-segment mcs150 --max-per-segment 100 --send-hour 17 --send-minute 30
  mailramp build --vertical trucking --force --reason "SPF change propagating; checked by hand"`,
    )
    .action(
      ctx.action(async (flags: BuildFlags) => {
        if (flags.force === true && (flags.reason === undefined || flags.reason.trim() === '')) {
          throw new CliError(EXIT.USAGE, '--force needs --reason "why the pre-flight gate is overridden"');
        }
        if (flags.force !== true && (flags.reason !== undefined || flags.who !== undefined)) {
          throw new CliError(EXIT.USAGE, '--reason and --who go with --force; add --force or drop them');
        }
        const mailramp = await ctx.mailramp();
        const options: BuildOptions = {
          vertical: flags.vertical,
          date: flags.date,
          onlySegment: flags.onlySegment,
          maxPerSegment: flags.maxPerSegment,
          sendHour: flags.sendHour,
          sendMinute: flags.sendMinute,
          nextSlot: flags.nextSlot,
          warmupDay: flags.warmupDay,
          ...(flags.force === true ? { force: { by: flags.who, reason: flags.reason ?? '' } } : {}),
        };
        if (flags.dryRun) {
          const { plan, warmup, problems, gate } = await mailramp.build.plan(options);
          if (flags.json)
            printJson(ctx.io, {
              ...planToJson(plan, true, flags.listRecipients === true),
              problems,
              gate: gateToJson(gate),
            });
          printPlan(ctx.io, plan, warmup.source, true);
          if (flags.listRecipients && !flags.json) printRecipients(ctx.io, plan);
          printGate(ctx.io, gate, undefined, true);
          if (problems.length === 0 && gate.ok) return EXIT.OK;
          if (problems.length > 0)
            say(
              ctx.io,
              `the live run would stop before Listmonk on ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`,
            );
          if (!gate.ok)
            say(
              ctx.io,
              `the pre-flight gate would refuse the live run${flags.force === true ? ' (--force would override it)' : ''}`,
            );
          return EXIT.FINDINGS;
        }
        let gateShown = false;
        const result = await mailramp.build
          .run(options, {
            onEvent: (event) => {
              if (event.type === 'gate') {
                gateShown = true;
                printGate(ctx.io, event.verdict, event.forced, false);
                return;
              }
              if (event.type === 'reconciled') {
                printReconciliation(ctx.io, event.reconciliation);
                return;
              }
              if (event.type === 'planned') {
                printPlan(ctx.io, event.plan, event.warmup.source, false);
                if (flags.listRecipients && !flags.json) printRecipients(ctx.io, event.plan);
                if (event.resumed > 0)
                  say(ctx.io, `resuming ${event.resumed} recipients of an earlier run of ${event.plan.date}`);
                return;
              }
              const o = event.outcome;
              say(ctx.io, `[${event.done}/${event.total}] ${o.name}: ${describeOutcome(o)}`);
            },
          })
          .catch((error: unknown) => {
            // A refusal keeps its evidence: the verdict on stdout with --json (the message follows on stderr).
            if (error instanceof BuilderError && error.code === 'GATE_REFUSED') {
              const verdict = error.details as GateVerdict;
              if (flags.json)
                printJson(ctx.io, {
                  vertical: flags.vertical,
                  status: 'refused',
                  gate: gateToJson(verdict),
                });
              if (!gateShown) printGate(ctx.io, verdict, undefined, false);
            }
            throw error;
          });
        if (flags.json) printJson(ctx.io, resultToJson(result, flags.listRecipients === true));
        say(
          ctx.io,
          `${result.status}: ${result.campaigns.filter((c) => c.state === 'scheduled').length}/${result.campaigns.length} campaigns scheduled, ${result.stamped} recipients stamped (build run ${result.runId})`,
        );
        if (result.status === 'failed') {
          say(ctx.io, 'nothing failed was stamped; re-run the same command to resume the failed campaigns');
          return EXIT.UNAVAILABLE;
        }
        return EXIT.OK;
      }),
    );
}

const MARK = { pass: 'ok  ', fail: 'FAIL', not_judged: '--  ' } as const;

/** The gate's verdict, one line per check; a failed check's evidence follows it as JSON. */
function printGate(io: CliIo, verdict: GateVerdict, forced: GateOverride | undefined, dryRun: boolean): void {
  const head = verdict.ok
    ? 'passed'
    : forced !== undefined
      ? `FAILED — overridden by ${forced.by} with --force: "${forced.reason}"`
      : dryRun
        ? 'FAILED — the live run would be refused'
        : 'FAILED — build refused, nothing pushed';
  say(io, `\npre-flight gate (${verdict.checkedAt.toISOString()}): ${head}`);
  for (const c of verdict.checks) {
    say(io, `  ${MARK[c.status]} ${c.id}: ${c.status === 'not_judged' ? 'not judged: ' : ''}${c.message}`);
    if (c.status === 'fail') say(io, `       evidence: ${JSON.stringify(c.evidence)}`);
  }
}

/** The gate's verdict as JSON: ok, when, each check with its evidence, and the override if one was used. */
function gateToJson(verdict: GateVerdict, forced?: GateOverride): Record<string, unknown> {
  return {
    ok: verdict.ok,
    checkedAt: verdict.checkedAt.toISOString(),
    checks: verdict.checks,
    ...(forced === undefined ? {} : { forced }),
  };
}

/** What the build settled of earlier dates before it planned (nothing when nothing was open). */
function printReconciliation(io: CliIo, r: Reconciliation): void {
  if (r.campaigns.length === 0) return;
  const n = r.campaigns.length;
  say(
    io,
    `reconciled ${n} unfinished campaign${n === 1 ? '' : 's'} of earlier dates with Listmonk: ${r.stamped} recipients stamped (scheduled there and verified), ${r.lapsed} lapsed (never scheduled), ${r.refused} refused${r.unreconciled > 0 ? `, ${r.unreconciled} left unreconciled and out of today's selection` : ''}`,
  );
  for (const c of r.campaigns) {
    const what =
      c.outcome === 'stamped'
        ? `${c.status} in Listmonk: ${c.stamped} stamped${c.refused > 0 ? `, ${c.refused} refused` : ''}${c.lapsed > 0 ? `, ${c.lapsed} lapsed` : ''}`
        : c.outcome === 'lapsed'
          ? `${c.lapsed} lapsed: ${c.reason}`
          : `unreconciled: ${c.reason}; the next build asks again`;
    say(io, `  ${c.date} ${c.name}: ${what}`);
  }
}

/** The plan as the documented JSON object: `campaigns` (name, segment, sendAt, recipients) and `excluded`. */
export function planToJson(
  plan: BuildPlan,
  dryRun: boolean,
  listRecipients = false,
): Record<string, unknown> {
  return {
    vertical: plan.vertical,
    date: plan.date,
    dryRun,
    warmupDay: plan.warmupDay,
    dailyCap: plan.dailyCap,
    ...(plan.streamCap ? { streamCap: plan.streamCap } : {}),
    alreadyToday: plan.alreadyToday,
    recipients: plan.recipients.length,
    campaigns: plan.campaigns.map((c) => ({
      name: c.name,
      list: c.listName,
      segment: c.segment,
      zone: c.zone,
      sendAt: c.sendAt.toISOString(),
      ...(c.movedFrom ? { movedFrom: c.movedFrom.toISOString() } : {}),
      recipients: c.recipients,
      template: c.template,
      landingPage: c.landingPage,
      ...(c.touch !== undefined ? { cycle: c.cycle, touch: c.touch } : {}),
    })),
    bySegmentOperator: plan.bySegmentOperator,
    excluded: plan.excluded,
    alreadyMailed: plan.alreadyMailed,
    unreconciled: plan.unreconciled,
    capsHit: plan.capsHit,
    heldOperators: plan.heldOperators,
    releasedOperators: plan.releasedOperators,
    catchAll: plan.catchAll,
    segments: plan.segments,
    ...(listRecipients
      ? {
          selected: plan.recipients.map((r) => ({
            key: r.recipientKey,
            email: r.email,
            segment: r.segment,
            campaign: r.campaignName,
            operator: r.operator,
          })),
        }
      : {}),
  };
}

/** Who the plan selects, one line each: key, address, segment, campaign. */
function printRecipients(io: CliIo, plan: BuildPlan): void {
  say(io, '\nrecipients');
  say(
    io,
    formatTable([
      ['key', 'address', 'segment', 'campaign'],
      ...plan.recipients.map((r) => [r.recipientKey, r.email, r.segment, r.campaignName]),
    ]),
  );
}

/** A live build's result as JSON: the plan's fields plus each campaign's outcome. */
function resultToJson(result: BuildResult, listRecipients: boolean): Record<string, unknown> {
  return {
    ...planToJson(result.plan, false, listRecipients),
    runId: result.runId,
    status: result.status,
    ...(result.gate === undefined ? {} : { gate: gateToJson(result.gate.verdict, result.gate.forced) }),
    resumed: result.resumed,
    reconciled: {
      ...result.reconciled,
      campaigns: result.reconciled.campaigns.map((c) => ({
        date: c.date,
        name: c.name,
        recipients: c.recipients,
        status: c.status ?? null,
        campaignId: c.campaignId ?? null,
        outcome: c.outcome,
        stamped: c.stamped,
        refused: c.refused,
        lapsed: c.lapsed,
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
      })),
    },
    stamped: result.stamped,
    outcomes: result.campaigns.map((c) => ({
      name: c.name,
      segment: c.segment,
      zone: c.zone,
      sendAt: c.sendAt.toISOString(),
      recipients: c.recipients,
      state: c.state,
      listId: c.listId,
      campaignId: c.campaignId,
      ...(c.failedAt ? { failedAt: c.failedAt, error: c.error } : {}),
    })),
  };
}

function printPlan(io: CliIo, plan: BuildPlan, warmupSource: string, dryRun: boolean): void {
  const n = (x: number) => x.toLocaleString('en-US');
  say(
    io,
    `${dryRun ? 'dry run — nothing written. ' : ''}${plan.vertical} build for ${plan.date}: ${counted(plan.recipients.length, 'recipient')} in ${counted(plan.campaigns.length, 'campaign')}`,
  );
  say(
    io,
    `warm-up day ${plan.warmupDay} (${warmupSource}); daily cap ${n(plan.dailyCap)}${
      plan.streamCap === undefined
        ? ''
        : ` (stream ${plan.streamCap.stream}: ${n(plan.streamCap.hourly)}/h × ${plan.streamCap.sendingHours} sending hours${plan.streamCap.hold ? `, held at ${n(plan.streamCap.hold.rate)}/h until ${plan.streamCap.hold.until}` : ''})`
    }${plan.alreadyToday > 0 ? `, ${n(plan.alreadyToday)} already queued for the same sending day` : ''}`,
  );
  say(io, `held-out operators: ${plan.heldOperators.length === 0 ? 'none' : plan.heldOperators.join(', ')}`);
  if (plan.releasedOperators.length > 0) {
    say(
      io,
      `warning: build.excludeOperators / MAIN_EXCLUDE_OPERATORS replaces the warm-up hold before day 30, so ${counted(plan.releasedOperators.length, 'operator')} the warm-up would hold ${plan.releasedOperators.length === 1 ? 'is' : 'are'} mailed today: ${plan.releasedOperators.join(', ')}; list them too to keep them held`,
    );
  }
  say(io, `catch-all results: ${plan.catchAll.included ? 'included' : 'excluded'} (${plan.catchAll.why})`);
  if (plan.campaigns.length > 0) {
    say(io, '\ncampaigns');
    say(
      io,
      formatTable([
        ['campaign', 'segment', 'zone', 'send_at (UTC)', 'recipients'],
        ...plan.campaigns.map((c) => [
          c.name,
          c.segment,
          c.zone,
          `${c.sendAt.toISOString().slice(0, 16).replace('T', ' ')}${c.movedFrom ? ` (moved from ${movedFromText(c.movedFrom, c.sendAt)})` : ''}`,
          n(c.recipients),
        ]),
      ]),
    );
    say(io, '\nrecipients per segment × operator');
    say(
      io,
      formatTable([
        ['segment', 'operator', 'recipients'],
        ...plan.bySegmentOperator.map((r) => [r.segment, r.operator, n(r.recipients)]),
      ]),
    );
  }
  const excluded = Object.entries(plan.excluded).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  say(io, '\nexcluded among candidates examined');
  say(
    io,
    excluded.length === 0
      ? '  none'
      : formatTable([['reason', 'count'], ...excluded.map(([reason, count]) => [reason, n(count ?? 0)])]),
  );
  if ((plan.excluded.shared_address ?? 0) > 0) {
    say(
      io,
      `  shared_address: another ${plan.vertical === 'trucking' ? 'USDOT number' : 'NPI'} behind the same address is in a campaign of the day (one address, one campaign a day)`,
    );
  }
  say(io, `  (plus ${n(plan.alreadyMailed)} already mailed — listmonk_sent_at set — never re-selected)`);
  if (plan.unreconciled > 0) {
    say(
      io,
      `  (and ${n(plan.unreconciled)} recipients of earlier dates whose campaign is not yet reconciled with Listmonk — left out until a live build settles them)`,
    );
  }
  const bit: string[] = [];
  if (plan.capsHit.daily) bit.push(`daily cap ${n(plan.dailyCap)}`);
  for (const s of plan.capsHit.segments) bit.push(`--max-per-segment on ${s}`);
  for (const [op, turned] of Object.entries(plan.capsHit.operators)) {
    bit.push(`operator cap ${op === '' ? '(unclassified)' : op} (${n(turned)} turned away)`);
  }
  say(io, `\ncaps that bit: ${bit.length === 0 ? 'none' : bit.join('; ')}`);
  say(io, '\nsegments (by priority)');
  say(
    io,
    formatTable([
      ['segment', 'priority', 'recipients', 'taken by a higher segment'],
      ...plan.segments.map((s) => [s.id, String(s.priority), n(s.recipients), n(s.takenByHigher)]),
    ]),
  );
  const idle = plan.segments.filter((s) => s.recipients === 0).map((s) => s.id);
  if (idle.length > 0) say(io, `segments with no recipients today: ${idle.join(', ')}`);
}

/** One campaign's line of progress: what Listmonk got, and who it kept out. */
function describeOutcome(o: CampaignOutcome): string {
  const refused = o.refused ? `, ${o.refused} refused by Listmonk (see send_ledger.refusal)` : '';
  if (o.state === 'scheduled')
    return `scheduled at ${o.sendAt.toISOString()} for ${counted(o.stamped ?? o.recipients, 'recipient')}${refused}`;
  if (o.state === 'refused') return `not made: Listmonk refused all ${o.recipients} recipients${refused}`;
  return `FAILED at ${o.failedAt}: ${o.error}${refused}`;
}

/** The slot --next-slot moved a campaign from: its time, with its date when that is another day. */
function movedFromText(from: Date, sendAt: Date): string {
  const iso = from.toISOString();
  return iso.slice(0, 10) === sendAt.toISOString().slice(0, 10)
    ? iso.slice(11, 16)
    : `${iso.slice(0, 16).replace('T', ' ')}, a day already over`;
}
