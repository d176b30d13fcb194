import type { WarmupApplied, WarmupPlan } from '@mailramp/ops';
import type { Command } from 'commander';
import { isWarmupHealthy as healthy, listWarmupPlanErrors as planErrors } from 'mailramp';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { isoDateArgument } from '../iso-date-argument.js';
import { printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';

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
      'the warm-up day, the rotation pool and the exact transport_maps for each stream; checks master.cf (bind address, smtp_bind_address_enforce=yes, own syslog_name). --apply sets transport_maps with postconf and reloads Postfix, only when it differs (safe from cron and after a reboot), then reads it back and checks it again; it plans every stream first and changes nothing while any plan has an error (a pool transport missing from its instance’s master.cf, binding the primary or a retired IP or another address, or without smtp_bind_address_enforce=yes). Exit codes: 0 ok (warnings may be printed) · 1 master.cf errors, a failed reload or a failed check after applying · 2 bad config, date or stamp file · 4 --apply refused.',
    )
    .option('--date <YYYY-MM-DD>', 'plan for this date (default: today, UTC)', isoDateArgument)
    .option('--stream <name>', 'only this stream (--json then prints that stream alone)')
    .option('--json', 'print the plan as JSON on stdout (day, pool, transportMaps, …)')
    .option(
      '--apply',
      'run postconf + postfix reload when transport_maps differs from the plan; refused (exit 4, nothing changed) while the plan has a master.cf error',
    )
    .action(
      ctx.action(async (opts: WarmupOptions) => {
        const apply = opts.apply === true;
        const {
          date,
          refused,
          streams: results,
          findings,
        } = await (await ctx.mailramp()).warmup.run({ date: opts.date, stream: opts.stream, apply });
        for (const { plan, applied, verified } of results) report(ctx, plan, applied, apply, verified);
        if (refused) {
          const blocked = results.map((r) => r.plan).filter((p) => planErrors(p).length > 0);
          say(
            ctx.io,
            `--apply refused: the plan of ${blocked.map((p) => p.stream).join(', ')} has ${blocked.flatMap(planErrors).length} error(s) above, so no transport enters rotation and Postfix was neither changed nor reloaded. Fix master.cf (or the config), check with \`mailramp ops warmup\`, then re-run with --apply.`,
          );
        }
        if (opts.json) {
          const rows = results.map(({ plan, applied, verified }) => toJson(plan, applied, verified));
          printJson(
            ctx.io,
            opts.stream !== undefined ? { ...rows[0], refused } : { date, refused, streams: rows },
          );
        }
        if (refused) return EXIT.REFUSED;
        return findings ? EXIT.FINDINGS : EXIT.OK;
      }),
    );
}

function toJson(plan: WarmupPlan, applied: WarmupApplied | undefined, verified: WarmupPlan | undefined) {
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
            ...(verified === undefined
              ? {}
              : {
                  verified: {
                    healthy: healthy(verified),
                    transportMaps: verified.currentTransportMaps,
                    problems: verified.problems,
                  },
                }),
          },
        }),
  };
}

function report(
  ctx: CliContext,
  plan: WarmupPlan,
  applied: WarmupApplied | undefined,
  apply: boolean,
  verified?: WarmupPlan,
): void {
  const io = ctx.io;
  const kept = plan.pool.length - plan.target;
  if (plan.started) {
    say(
      io,
      `${plan.stream}: day ${plan.day} since ${plan.start}; pool ${plan.pool.length}${kept > 0 ? ` (the table wants ${plan.target}; ${kept} more already in rotation stay: the pool only grows)` : ` of ${plan.target} wanted`}`,
    );
  } else {
    const inDays = -plan.day;
    say(
      io,
      `${plan.stream}: not started: day 0 is ${plan.start}, in ${inDays} day${inDays === 1 ? '' : 's'}; ${kept > 0 ? `${plan.pool.length} transports are already in rotation and stay (the pool only grows; the table's day-0 pool is ${plan.target}): if the warm-up was restarted on purpose, retire the IPs that must leave` : `the day-0 pool (${plan.target} IPs) applies until then`}`,
    );
  }
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
    say(
      io,
      planErrors(plan).length > 0
        ? '  fix the errors above first: --apply refuses a plan with errors'
        : '  run with --apply to set it and reload Postfix',
    );
  } else if (applied?.changed) {
    say(io, `  changed transport_maps: ${plan.currentTransportMaps || '(unset)'} -> ${plan.transportMaps}`);
    for (const c of applied.commands) say(io, `  ran: ${c.command} ${c.args.join(' ')}`);
    if (!applied.reloaded) {
      say(
        io,
        `  postfix reload failed (${applied.reloadError}); the new value applies when Postfix next starts`,
      );
    }
    if (verified !== undefined) {
      say(
        io,
        healthy(verified)
          ? `  checked: Postfix now reads ${verified.currentTransportMaps}; every pool transport binds its own IP with smtp_bind_address_enforce=yes (the check \`mailramp ops warmup\` runs passes)`
          : `  CHECK FAILED after applying: Postfix reads ${verified.currentTransportMaps || '(unset)'}${verified.changed ? ', not the planned value' : ''}; ${planErrors(verified).join('; ') || 'run `mailramp ops warmup` to see why'}`,
      );
    }
  }
}
