import type { Command } from 'commander';
import type { Incident, IncidentAction, ResumeResult } from 'mailramp';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { formatTable, printJson, say } from '../output.js';

/** `mailramp guard …`: the automatic stop's incidents, one cycle by hand, and resume. */
export function registerGuardCommands(program: Command, ctx: CliContext): void {
  const guard = program
    .command('guard')
    .description(
      "the guard's automatic stop: when a STOP alarm is open (Gmail 550-5.7.1 / rate blocks, Yahoo TSS04/TSS05, unsigned DKIM, primary-IP egress, bind failures, runaway volume) the service's report cycle pauses running campaigns and drafts scheduled ones on the stream's Listmonk instances, holds the ramp cap and opens one incident per stream, until a person resumes it",
    );

  guard
    .command('status')
    .description(
      'per stream: stopped (its open incident), stopping (an open STOP alarm the next guard cycle acts on) or sending, and the open STOP alarms. Exit 1 when a stream is stopped or stopping',
    )
    .option('--json', 'print JSON on stdout')
    .action(
      ctx.action(async (opts: { json?: boolean }) => {
        const streams = await (await ctx.mailramp()).guard.status();
        if (opts.json) {
          printJson(ctx.io, {
            streams: streams.map((s) => ({
              stream: s.stream,
              stopped: s.incident !== undefined,
              incident: s.incident === undefined ? null : incidentJson(s.incident),
              stopAlarms: s.stopAlarms,
            })),
          });
        } else if (streams.length === 0) {
          say(ctx.io, 'no warm-up streams configured: the guard has nothing to watch (warmup.streams)');
        } else {
          ctx.io.stdout(
            `${formatTable([
              ['stream', 'state', 'incident', 'open STOP alarms'],
              ...streams.map((s) => [
                s.stream,
                s.incident !== undefined ? 'STOPPED' : s.stopAlarms.length > 0 ? 'STOPPING' : 'sending',
                s.incident === undefined
                  ? '-'
                  : `${s.incident.id} since ${s.incident.openedAt.toISOString()}`,
                s.stopAlarms.join(', ') || '-',
              ]),
            ])}\n`,
          );
          const stopped = streams.find((s) => s.incident !== undefined);
          if (stopped)
            say(
              ctx.io,
              `see \`mailramp guard show ${stopped.incident!.id}\`; lift it with \`mailramp guard resume ${stopped.incident!.id} --dry-run\``,
            );
          const stopping = streams.filter((s) => s.incident === undefined && s.stopAlarms.length > 0);
          if (stopping.length > 0)
            say(
              ctx.io,
              `${stopping.map((s) => s.stream).join(', ')}: an open STOP alarm, not acted on yet — the next guard cycle stops ${stopping.length === 1 ? 'it' : 'them'} (the service's report job, or \`mailramp guard cycle\` now)`,
            );
        }
        return streams.some((s) => s.incident !== undefined || s.stopAlarms.length > 0)
          ? EXIT.FINDINGS
          : EXIT.OK;
      }),
    );

  guard
    .command('incidents')
    .description('incidents, newest first (open and resolved)')
    .option('--open', 'only open incidents')
    .option('--stream <name>', 'only this stream')
    .option('--json', 'print JSON on stdout')
    .action(
      ctx.action(async (opts: { open?: boolean; stream?: string; json?: boolean }) => {
        const incidents = await (await ctx.mailramp()).guard.incidents({
          status: opts.open ? 'open' : 'all',
          ...(opts.stream ? { stream: opts.stream } : {}),
        });
        if (opts.json) {
          printJson(ctx.io, { incidents: incidents.map(incidentJson) });
          return EXIT.OK;
        }
        if (incidents.length === 0) {
          say(ctx.io, 'no incidents');
          return EXIT.OK;
        }
        ctx.io.stdout(
          `${formatTable([
            ['id', 'stream', 'status', 'opened', 'resolved', 'alarms'],
            ...incidents.map((i) => [
              i.id,
              i.stream,
              i.status,
              i.openedAt.toISOString(),
              i.resolvedAt === null ? '-' : `${i.resolvedAt.toISOString()} by ${i.resolvedBy ?? '?'}`,
              alarmNames(i).join(', '),
            ]),
          ])}\n`,
        );
        return EXIT.OK;
      }),
    );

  guard
    .command('show')
    .description('one incident: its alarms and every action the guard took, with what it read back')
    .argument('<id>', 'incident id')
    .option('--json', 'print JSON on stdout')
    .action(
      ctx.action(async (id: string, opts: { json?: boolean }) => {
        const { incident, actions } = await (await ctx.mailramp()).guard.incident(incidentId(id));
        if (opts.json) {
          printJson(ctx.io, { incident: incidentJson(incident), actions: actions.map(actionJson) });
          return EXIT.OK;
        }
        say(
          ctx.io,
          `incident ${incident.id} (${incident.stream}) ${incident.status}, opened ${incident.openedAt.toISOString()}`,
        );
        for (const a of (incident.evidence.alarms as { alarm: string; message: string }[] | undefined) ??
          []) {
          say(ctx.io, `  alarm ${a.alarm}: ${a.message}`);
        }
        ctx.io.stdout(
          `${formatTable([
            ['action', 'kind', 'target', 'status', 'at', 'result'],
            ...actions.map((a) => [
              a.id,
              a.kind,
              a.targetKey,
              a.status,
              (a.doneAt ?? a.plannedAt).toISOString(),
              a.error ?? JSON.stringify(a.result ?? {}),
            ]),
          ])}\n`,
        );
        return EXIT.OK;
      }),
    );

  guard
    .command('cycle')
    .description(
      'run one guard cycle now (the service runs it after each stored report): runaway volume from the stored hours, then stop every stream with an open STOP alarm. Exit 1 when a stream is stopped, 3 when an action failed (Listmonk unreachable: the next cycle retries it)',
    )
    .option('--json', 'print JSON on stdout')
    .action(
      ctx.action(async (opts: { json?: boolean }) => {
        const result = await (await ctx.mailramp()).guard.cycle();
        if (opts.json) {
          printJson(ctx.io, {
            at: result.at,
            runaway: result.runaway,
            streams: result.streams.map((s) => ({ ...s, actions: s.actions.map(actionJson) })),
          });
        }
        for (const r of result.runaway) say(ctx.io, `runaway_volume: ${r.message}`);
        for (const s of result.streams) {
          say(
            ctx.io,
            `${s.stream}: incident ${s.incidentId}${s.opened ? ' opened' : ''}; ${s.actions.length} action(s) this cycle`,
          );
          for (const a of s.actions)
            say(ctx.io, `  ${a.status} ${a.kind} ${a.targetKey}${a.error ? `: ${a.error}` : ''}`);
          for (const e of s.errors) say(ctx.io, `  error: ${e}`);
          if (s.warning !== undefined) say(ctx.io, `  WARNING: ${s.warning}`);
        }
        if (result.streams.length === 0) say(ctx.io, 'no STOP alarm open: nothing stopped');
        if (result.streams.some((s) => s.errors.length > 0)) return EXIT.UNAVAILABLE;
        return result.streams.length > 0 ? EXIT.FINDINGS : EXIT.OK;
      }),
    );

  guard
    .command('resume')
    .description(
      'lift an incident: re-schedule only the campaigns the guard returned to draft whose send_at is still ahead (the others stay as they are and are listed: a past send_at stays draft, a campaign paused while running stays paused); the recipients of a campaign that stays draft were never mailed and go back to the audience (their ledger rows lapse and their stamp is taken back, so a build of a later date may select them again; builds of the same date leave them out, one campaign a day per recipient); keep the ramp hold unless --release-hold, resolve the incident and notify. Refused (exit 4) while a STOP alarm of the stream is still open',
    )
    .argument('<id>', 'incident id')
    .option(
      '--dry-run',
      'show what would be re-scheduled, left and given back to the audience; change nothing',
    )
    .option('--release-hold', 'also end the hold the stop set (default: it runs to its end date)')
    .option('--by <name>', 'who resumes (recorded; default: your user name)')
    .option('--json', 'print JSON on stdout')
    .action(
      ctx.action(
        async (
          id: string,
          opts: { dryRun?: boolean; releaseHold?: boolean; by?: string; json?: boolean },
        ) => {
          const result = await (await ctx.mailramp()).guard.resume(incidentId(id), {
            dryRun: opts.dryRun === true,
            releaseHold: opts.releaseHold === true,
            by: opts.by,
          });
          if (opts.json) printJson(ctx.io, result);
          reportResume(ctx, result);
          return result.left.some((l) => l.failed) ? EXIT.UNAVAILABLE : EXIT.OK;
        },
      ),
    );
}

function reportResume(ctx: CliContext, r: ResumeResult): void {
  if (r.alreadyResolved) {
    say(ctx.io, `incident ${r.incidentId} is already resolved: nothing to do`);
    return;
  }
  const verb = r.dryRun ? 'would re-schedule' : 're-scheduled';
  for (const c of r.scheduled)
    say(ctx.io, `${verb} campaign ${c.campaignId} "${c.name}" on ${c.instance} (send_at ${c.sendAt})`);
  for (const l of r.left)
    say(
      ctx.io,
      `left campaign ${l.campaign.campaignId} "${l.campaign.name}" on ${l.campaign.instance}: ${l.why}`,
    );
  for (const x of r.released)
    say(
      ctx.io,
      `${x.recipients} recipients of campaign ${x.campaign.campaignId} "${x.campaign.name}" on ${x.campaign.instance} were never mailed and ${r.dryRun ? 'would go' : 'go'} back to the audience (a build of a later date may select them; builds of their own date leave them out)`,
    );
  const hold =
    r.hold === 'none'
      ? 'no hold was set'
      : r.hold === 'released'
        ? 'the hold is released'
        : 'the hold stays until its end date (--release-hold ends it)';
  say(ctx.io, `${r.dryRun ? 'dry run: nothing changed; ' : `incident ${r.incidentId} resolved; `}${hold}`);
}

function incidentId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new CliError(
      EXIT.USAGE,
      `incident id must be a positive whole number, got ${JSON.stringify(text)}; list them with \`mailramp guard incidents\``,
    );
  }
  return id;
}

function alarmNames(i: Incident): string[] {
  return ((i.evidence.alarms as { alarm: string }[] | undefined) ?? []).map((a) => a.alarm);
}

function incidentJson(i: Incident) {
  return {
    id: i.id,
    stream: i.stream,
    status: i.status,
    openedAt: i.openedAt.toISOString(),
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    resolvedBy: i.resolvedBy,
    alarmIds: i.alarmIds,
    evidence: i.evidence,
    resolution: i.resolution,
  };
}

function actionJson(a: IncidentAction) {
  return {
    id: a.id,
    kind: a.kind,
    target: a.target,
    status: a.status,
    plannedAt: a.plannedAt.toISOString(),
    doneAt: a.doneAt?.toISOString() ?? null,
    result: a.result,
    error: a.error,
    attempts: a.attempts,
  };
}
