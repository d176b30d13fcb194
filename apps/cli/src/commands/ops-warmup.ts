import { applyWarmup, planWarmup, readWarmupState, type WarmupApplied, type WarmupPlan } from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';
import { dateOption, selectStreams } from './warmup-streams.js';

interface WarmupOptions {
  date?: string;
  stream?: string;
  json?: boolean;
  apply?: boolean;
}

/** `mailramp ops warmup`: the day's rotation pool and transport_maps, applied with --apply. */
export function registerOpsWarmupCommands(program: Command, ctx: CliContext): void {
  opsCommand(program)
    .command('warmup')
    .description(
      'the warm-up day, the rotation pool and the exact transport_maps for each stream; checks master.cf (bind address, smtp_bind_address_enforce=yes, own syslog_name). --apply sets transport_maps with postconf and reloads Postfix, only when it differs (safe from cron and after a reboot). Exit 1 when master.cf needs attention or the reload failed.',
    )
    .option('--date <YYYY-MM-DD>', 'plan for this date (default: today, UTC)')
    .option('--stream <name>', 'only this stream (--json then prints that stream alone)')
    .option('--json', 'print the plan as JSON on stdout (day, pool, transportMaps, …)')
    .option('--apply', 'run postconf + postfix reload when transport_maps differs from the plan')
    .action(
      ctx.action(async (opts: WarmupOptions) => {
        const config = await ctx.config();
        const date = dateOption(opts.date, ctx.io.now);
        const host = { runner: ctx.io.runner, readFile: ctx.io.readTextFile };
        const results: { plan: WarmupPlan; applied?: WarmupApplied }[] = [];
        for (const stream of selectStreams(config, opts.stream)) {
          const plan = planWarmup(stream, await readWarmupState(stream, host), date);
          const applied = opts.apply ? await applyWarmup(plan, stream.postfix, ctx.io.runner) : undefined;
          results.push(applied === undefined ? { plan } : { plan, applied });
          report(ctx, plan, applied, opts.apply === true);
        }
        if (opts.json) {
          const rows = results.map(({ plan, applied }) => toJson(plan, applied));
          printJson(ctx.io, opts.stream !== undefined ? rows[0] : { date, streams: rows });
        }
        const findings = results.some(
          ({ plan, applied }) => plan.problems.length > 0 || (applied?.changed === true && !applied.reloaded),
        );
        return findings ? EXIT.FINDINGS : EXIT.OK;
      }),
    );
}

function toJson(plan: WarmupPlan, applied: WarmupApplied | undefined) {
  const ip = (p: WarmupPlan['pool'][number]) => ({
    address: p.address,
    transport: p.transport,
    helo: p.helo,
  });
  return {
    stream: plan.stream,
    date: plan.date,
    start: plan.start,
    day: plan.day,
    started: plan.started,
    target: plan.target,
    pool: plan.pool.map(ip),
    added: plan.added.map(ip),
    dropped: plan.dropped,
    shortfall: plan.shortfall,
    transportMaps: plan.transportMaps,
    currentTransportMaps: plan.currentTransportMaps,
    changed: plan.changed,
    problems: plan.problems,
    notes: plan.notes,
    ...(applied === undefined
      ? {}
      : {
          applied: {
            changed: applied.changed,
            commands: applied.commands.map((c) => [c.command, ...c.args]),
            reloaded: applied.reloaded,
            ...(applied.reloadError === undefined ? {} : { reloadError: applied.reloadError }),
          },
        }),
  };
}

function report(ctx: CliContext, plan: WarmupPlan, applied: WarmupApplied | undefined, apply: boolean): void {
  const io = ctx.io;
  const when = plan.started ? `day ${plan.day}` : `not started (starts ${plan.start}; day-0 pool planned)`;
  say(io, `${plan.stream}: ${when} since ${plan.start}; pool ${plan.pool.length} of ${plan.target} wanted`);
  for (const p of plan.pool) {
    say(
      io,
      `  ${p.transport.padEnd(10)} ${p.address.padEnd(15)} ${p.helo}${plan.added.includes(p) ? '  (joins)' : ''}`,
    );
  }
  say(io, `  transport_maps = ${plan.transportMaps}`);
  for (const note of plan.notes) say(io, `  note: ${note}`);
  for (const problem of plan.problems) say(io, `  ${problem.severity}: ${problem.message}`);
  if (!plan.changed) {
    say(io, '  Postfix already has this transport_maps: nothing to do');
  } else if (!apply) {
    say(io, `  Postfix has: ${plan.currentTransportMaps || '(unset)'}`);
    say(io, '  run with --apply to set it and reload Postfix');
  } else if (applied?.changed) {
    say(io, `  changed transport_maps: ${plan.currentTransportMaps || '(unset)'} -> ${plan.transportMaps}`);
    for (const c of applied.commands) say(io, `  ran: ${c.command} ${c.args.join(' ')}`);
    if (!applied.reloaded) {
      say(
        io,
        `  postfix reload failed (${applied.reloadError}); the new value applies when Postfix next starts`,
      );
    }
  }
}
