import type { RampCapInstanceOutcome, RampCapStreamResult, RampHold } from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT, type ExitCode, exitCodeOf } from '../exit-codes.js';
import { isoDateArgument } from '../iso-date-argument.js';
import { formatTable, printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';

interface RampcapOptions {
  date?: string;
  stream?: string;
  json?: boolean;
  apply?: boolean;
  reload?: boolean;
}

interface HoldOptions {
  stream: string;
  rate: string;
  until: string;
  reason?: string;
  force?: boolean;
  json?: boolean;
}

/** `mailramp ops rampcap …`: the Listmonk sliding window per warm-up day, and holds. */
export function registerOpsRampcapCommands(program: Command, ctx: CliContext): void {
  const rampcap = opsCommand(program)
    .command('rampcap')
    .description(
      "the hourly ramp cap for each stream's warm-up day as the Listmonk sliding window, and holds that freeze it. `mailramp ops rampcap [--stream S] [--date D] [--json] [--apply] [--reload]` is the daily run (`run`, the default subcommand; see `rampcap run --help`).",
    );

  // The daily run is a default subcommand rather than rampcap's own action: commander hands options
  // that follow a subcommand name to the parent first, so a parent --stream/--json would swallow
  // hold's and release's.
  rampcap
    .command('run', { isDefault: true })
    .summary("(default) the daily run: each stream's Listmonk sliding window set to the day's cap")
    .description(
      "(default) the daily run: for each stream the warm-up day, the table's hourly cap and any hold (cap = the lower of the two), as the Listmonk sliding window (on, 1h, rate = cap, matching message_rate) on each of the stream's Listmonk instances. Without --apply it only prints what would change. --apply writes only the ramp keys that differ, through the safe settings update (every other setting and secret kept), and nothing when they are already set (safe from cron and after a reboot). While a campaign runs Listmonk stores the values but applies them only after a reload: reported (exit 1), and reloaded only with --reload. Instances are handled independently: one that fails is reported and the others still get their cap; the exit code is then the first failure's (3: Listmonk unreachable).",
    )
    .option('--date <YYYY-MM-DD>', 'plan for this date (default: today, UTC)', isoDateArgument)
    .option('--stream <name>', 'only this stream (--json then prints that stream alone)')
    .option('--json', 'print per stream day, tableCap, cap, hold and per instance what changed, on stdout')
    .option('--apply', "write the ramp keys that differ to the stream's Listmonk instance(s)")
    .option(
      '--reload',
      'with --apply: reload Listmonk when a running campaign keeps the new values from applying (interrupts that campaign)',
    )
    .action(ctx.action((opts: RampcapOptions) => runRampcapCommand(ctx, opts)));

  rampcap
    .command('hold')
    .description(
      "freeze a stream's hourly cap at RATE through DATE after a bad day (the runbook held 200/h for a week); the daily rampcap run respects it (the cap is the lower of the hold and the table). Setting the same hold again changes nothing; a different one replaces the current hold, which stays in the history (`holds --all`). A rate above today's table cap slows nothing today and is refused (exit 4) without --force.",
    )
    .requiredOption('--stream <name>', 'the warm-up stream')
    .requiredOption(
      '--rate <per-hour>',
      'messages per hour while held (never raises the cap above the table)',
    )
    .requiredOption('--until <YYYY-MM-DD>', 'last day held (inclusive, UTC)', isoDateArgument)
    .option('--reason <text>', 'why (kept with the hold)')
    .option('--force', "accept a rate above today's table cap (it then only bites once the table passes it)")
    .option('--json', 'print the hold as JSON')
    .action(
      ctx.action(async (opts: HoldOptions) => {
        const rate = Number(opts.rate);
        if (!Number.isInteger(rate) || rate <= 0) {
          throw new CliError(
            EXIT.USAGE,
            `--rate must be a whole number of messages per hour, got ${JSON.stringify(opts.rate)}`,
          );
        }
        const { hold, change, replaced, tableCap } = await (await ctx.mailramp()).rampcap.hold({
          stream: opts.stream,
          rate,
          until: opts.until,
          reason: opts.reason,
          force: opts.force,
        });
        if (opts.json) {
          printJson(ctx.io, {
            change,
            hold: holdJson(hold),
            ...(replaced === undefined ? {} : { replaced: holdJson(replaced) }),
          });
        }
        const push = 'run `mailramp ops rampcap --apply` to push it to Listmonk now';
        if (change === 'unchanged') {
          say(
            ctx.io,
            `${hold.stream} is already held at ${hold.rate}/h through ${hold.until}: nothing to do`,
          );
        } else if (replaced !== undefined) {
          say(
            ctx.io,
            `held ${hold.stream} at ${hold.rate}/h through ${hold.until}, replacing the hold at ${replaced.rate}/h through ${replaced.until} (kept in \`mailramp ops rampcap holds --all\`); ${push}`,
          );
        } else {
          say(ctx.io, `held ${hold.stream} at ${hold.rate}/h through ${hold.until}; ${push}`);
        }
        if (rate > tableCap) {
          say(
            ctx.io,
            `note: ${rate}/h is above today's table cap ${tableCap}/h (--force): it slows nothing today`,
          );
        }
        return EXIT.OK;
      }),
    );

  rampcap
    .command('release')
    .description("end a stream's hold now; the next rampcap run follows the warm-up table again")
    .requiredOption('--stream <name>', 'the warm-up stream')
    .option('--json', 'print the released hold as JSON')
    .action(
      ctx.action(async (opts: { stream: string; json?: boolean }) => {
        const released = await (await ctx.mailramp()).rampcap.release(opts.stream);
        if (opts.json) printJson(ctx.io, { released: released === undefined ? null : holdJson(released) });
        say(
          ctx.io,
          released === undefined
            ? `${opts.stream} has no hold: nothing to do`
            : `released ${released.stream}'s hold at ${released.rate}/h (was through ${released.until}); run \`mailramp ops rampcap --apply\` to push the table's cap`,
        );
        return EXIT.OK;
      }),
    );

  rampcap
    .command('holds')
    .description('list holds (unreleased by default)')
    .option('--all', 'include released holds')
    .option('--json', 'print JSON')
    .action(
      ctx.action(async (opts: { all?: boolean; json?: boolean }) => {
        const holds = await (await ctx.mailramp()).rampcap.holds({ includeReleased: opts.all === true });
        if (opts.json) {
          printJson(ctx.io, { holds: holds.map(holdJson) });
          return EXIT.OK;
        }
        if (holds.length === 0) {
          say(ctx.io, 'no holds');
          return EXIT.OK;
        }
        ctx.io.stdout(
          `${formatTable([
            ['id', 'stream', 'rate/h', 'until', 'ended', 'reason'],
            ...holds.map((h) => [
              h.id,
              h.stream,
              h.rate,
              h.until,
              h.releasedAt === null
                ? '-'
                : `${h.releasedAt.toISOString()}${h.replacedBy === null ? '' : ` (replaced by ${h.replacedBy})`}`,
              h.reason ?? '',
            ]),
          ])}\n`,
        );
        return EXIT.OK;
      }),
    );
}

function holdJson(hold: RampHold) {
  return {
    id: hold.id,
    stream: hold.stream,
    rate: hold.rate,
    until: hold.until,
    reason: hold.reason,
    createdAt: hold.createdAt.toISOString(),
    releasedAt: hold.releasedAt?.toISOString() ?? null,
    replacedBy: hold.replacedBy,
  };
}

async function runRampcapCommand(ctx: CliContext, opts: RampcapOptions): Promise<ExitCode> {
  if (opts.reload && !opts.apply) {
    throw new CliError(EXIT.USAGE, '--reload only acts with --apply (a dry run writes and reloads nothing)');
  }
  const mailramp = await ctx.mailramp();
  const apply = opts.apply === true;
  const urls = Object.fromEntries(
    Object.entries(mailramp.config.listmonk.instances).map(([name, i]) => [name, displayUrl(i.url)]),
  );
  const { date, streams: results } = await mailramp.rampcap.run(
    { date: opts.date, stream: opts.stream, apply, reload: opts.reload === true },
    {
      onEvent: (event) => {
        if (event.type === 'stream') reportStream(ctx, event.result, event.listmonk);
        else reportInstance(ctx, event.outcome, urls[event.outcome.instance] ?? '?', apply);
      },
    },
  );
  if (opts.json) {
    const rows = results.map((r) => rampcapJson(r, urls));
    printJson(ctx.io, opts.stream !== undefined ? rows[0] : { date, streams: rows });
  }
  const outcomes = results.flatMap((r) => r.instances);
  const failed = outcomes.find((o) => o.status === 'failed');
  if (failed !== undefined) return exitCodeOf(failed.error);
  return apply && outcomes.some((o) => o.status === 'done' && o.needsRestart) ? EXIT.FINDINGS : EXIT.OK;
}

/** The instance URL for messages: no user or password, no trailing slash. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

function reportStream(ctx: CliContext, r: RampCapStreamResult, feeds: readonly string[]): void {
  const when = r.started ? `day ${r.day} since ${r.start}` : `not started (starts ${r.start}; day-0 cap)`;
  const hold =
    r.hold === undefined
      ? ''
      : `; held at ${r.hold.rate}/h through ${r.hold.until}${r.hold.reason ? ` (${r.hold.reason})` : ''}${r.hold.rate >= r.tableCap ? ', not below the table' : ''}`;
  say(ctx.io, `${r.stream} on ${r.date}: ${when}; table ${r.tableCap}/h${hold} -> cap ${r.cap}/h`);
  if (feeds.length === 0) {
    say(
      ctx.io,
      `  note: ${r.stream} feeds no Listmonk instance, so nothing is set for it; list its instances in warmup.streams.${r.stream}.listmonk`,
    );
  }
}

function reportInstance(ctx: CliContext, o: RampCapInstanceOutcome, url: string, apply: boolean): void {
  const io = ctx.io;
  say(io, `  listmonk ${o.instance} (${url}):`);
  if (o.status === 'failed') {
    const message = o.error instanceof Error ? o.error.message : String(o.error);
    const state = o.mayHaveWritten
      ? 'Some ramp keys may be stored on it but not live yet'
      : 'Nothing was changed on it';
    say(io, `    FAILED: ${message}`);
    say(
      io,
      `    ${state}; once Listmonk answers at ${url} (listmonk.instances.${o.instance}.url), re-run \`mailramp ops rampcap --apply\`: it changes only what still differs`,
    );
    return;
  }
  for (const c of o.changes) say(io, `    ${c.key}: ${show(c.from)} -> ${show(c.to)}`);
  const n = `${o.changes.length} setting${o.changes.length === 1 ? '' : 's'}`;
  if (o.changes.length === 0)
    say(io, `    already set (window ${o.wanted['app.message_sliding_window_rate']}/h): nothing changed`);
  else if (!apply) say(io, `    would change ${n}; run with --apply to set them`);
  else if (o.written && !o.needsRestart && !o.reloaded)
    say(io, `    set ${n}; Listmonk restarted and applies them`);
  else if (o.written) say(io, `    set ${n}`);
  if (o.reloaded) say(io, '    reloaded Listmonk (a campaign was running): the cap is live now');
  if (o.needsRestart) {
    say(
      io,
      apply
        ? '    NOT LIVE YET: a campaign is running, so Listmonk stored the values but applies them only after a reload; re-run with --apply --reload to reload now (interrupts the running campaign), or they apply at its next restart'
        : '    Listmonk has saved settings waiting for a reload (a campaign is running); --apply --reload would reload it',
    );
  }
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

function rampcapJson(r: RampCapStreamResult, urls: Record<string, string>) {
  return {
    stream: r.stream,
    date: r.date,
    start: r.start,
    started: r.started,
    day: r.day,
    tableCap: r.tableCap,
    cap: r.cap,
    hold: r.hold === undefined ? null : { rate: r.hold.rate, until: r.hold.until, reason: r.hold.reason },
    instances: r.instances.map((o) =>
      o.status === 'failed'
        ? {
            instance: o.instance,
            url: urls[o.instance] ?? null,
            status: o.status,
            error: {
              code: (o.error as { code?: unknown }).code ?? null,
              message: o.error instanceof Error ? o.error.message : String(o.error),
            },
            mayHaveWritten: o.mayHaveWritten,
          }
        : {
            instance: o.instance,
            url: urls[o.instance] ?? null,
            status: o.status,
            wanted: o.wanted,
            changes: o.changes,
            written: o.written,
            needsRestart: o.needsRestart,
            reloaded: o.reloaded,
          },
    ),
  };
}
