import type { Alarm, MailLogSummary, QueueSummary } from '@mailramp/ops/maillog';
import type { Command } from 'commander';
import type { ReportResult, ReportWindow } from 'mailramp';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { onInterruptSay } from '../on-interrupt.js';
import { createMailLogProgress, formatTable, printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';

interface ReportOptions {
  log: string[];
  date?: string;
  since?: string;
  until?: string;
  rotated?: boolean;
  queue?: boolean;
  scanner: boolean;
  store?: boolean;
  json?: boolean;
}

/** `mailramp ops report`: the mail log's delivery mix, per IP and operator, reasons, DKIM and alarms. */
export function registerOpsReportCommands(program: Command, ctx: CliContext): void {
  opsCommand(program)
    .command('report')
    .description(
      'read the Postfix/OpenDKIM mail log in one pass and report the delivery mix per day, hour, sending IP and receiving operator, the top deferral and bounce reasons, bind failures, primary-IP egress and the DKIM signing ratio, then raise the runbook’s reputation alarms (STOP, hold, re-bind, investigate). Exit 1 when an alarm is raised. It reads Postfix’s own syslog lines as the mail log has them (traditional or RFC 3339 time stamps), e.g. "Jun 22 07:31:02 mta05 postfix/out05/smtp[4711]: 4Bx2Yc1Dz3zJQr: to=<ops@example.com>, relay=mx.example.com[192.0.2.5]:25, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 OK)" and OpenDKIM’s "DKIM-Signature field added" lines.',
    )
    .option(
      '--log <path>',
      'mail log to read; repeat for several (default: report.logFiles, /var/log/mail.log); .gz is read as is',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--date <day>', 'only this day of the log’s clock: YYYY-MM-DD, today or yesterday')
    .option('--since <time>', 'from this time of the log’s clock: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]')
    .option('--until <time>', 'up to (not including) this time of the log’s clock')
    .option(
      '--rotated',
      'also read rotated siblings (mail.log.1, mail.log.2.gz, …), oldest first; on by default with --date/--since',
    )
    .option('--no-rotated', 'read only the files named')
    .option('--queue', 'add the queue from `postqueue -j` (size per queue, oldest message, delay reasons)')
    .option(
      '--no-scanner',
      'read every line in TypeScript instead of the WebAssembly scanner `pnpm install` builds (same report, slower)',
    )
    .option(
      '--store',
      'store the run in the database: each log day read replaces its per-day, per IP × operator × outcome and per IP-hour rows (a re-run of the same span overwrites; a read starting mid-day never wipes a fuller one), and alarms open, update and close their episodes',
    )
    .option(
      '--json',
      'print the report as JSON on stdout: totals, byDay, byHour, byIp, byOperator, outcomes, reasons, bindFailures, dkim, alarms',
    )
    .action(
      ctx.action(async (opts: ReportOptions) => {
        const progress = createMailLogProgress(ctx.io);
        if (opts.store) {
          onInterruptSay(
            'nothing was stored (--store writes the whole read in one transaction, after it); run it again',
          );
        }
        const { window, summary, queue, stored } = await (await ctx.mailramp())
          .report(
            {
              log: opts.log,
              date: opts.date,
              since: opts.since,
              until: opts.until,
              rotated: opts.rotated,
              queue: opts.queue,
              scanner: opts.scanner,
              store: opts.store,
            },
            { onEvent: progress.onEvent },
          )
          .finally(progress.done);
        if (stored !== undefined) onInterruptSay('the run was stored; only its printing was cut short');
        if (opts.json) {
          printJson(ctx.io, {
            window: window.label,
            ...summary,
            ...(queue ? { queue } : {}),
            ...(stored ? { stored } : {}),
          });
        } else {
          printReport(ctx, summary, window.label, queue);
          if (stored !== undefined) printStored(ctx, stored);
        }
        return summary.alarms.length > 0 ? EXIT.FINDINGS : EXIT.OK;
      }),
    );
}

const n = (value: number) => value.toLocaleString('en-US');
const pct = (value: number | undefined) => (value === undefined ? '-' : `${(value * 100).toFixed(1)}%`);

function printReport(
  ctx: CliContext,
  s: MailLogSummary,
  window: ReportWindow['label'],
  queue: QueueSummary | undefined,
) {
  const io = ctx.io;
  const lines = `${n(s.lines.total)} lines, ${n(s.lines.malformed)} malformed${s.lines.outsideWindow > 0 ? `, ${n(s.lines.outsideWindow)} outside the window` : ''}`;
  say(io, `mail log: ${s.files.map((f) => f.path).join(', ')} (${lines})`);
  if (window !== undefined) say(io, `window: ${window.since ?? '…'} → ${window.until ?? '…'} (log clock)`);
  const t = s.totals;
  say(
    io,
    `\ndelivery: sent ${n(t.sent)} · deferred ${n(t.deferred)} messages (${n(t.deferrals)} deferrals) · bounced ${n(t.bounced)} · expired ${n(t.expired)} · delivery rate ${pct(t.deliveryRate)}`,
  );
  if (s.byDay.length > 0) {
    say(io, `\nby day (deferred = deferral attempts)`);
    say(
      io,
      formatTable([
        ['day', 'sent', 'deferred', 'bounced', 'expired', 'delivery', 'primary-IP egress'],
        ...s.byDay.map((d) => [
          d.date,
          n(d.sent),
          n(d.deferred),
          n(d.bounced),
          n(d.expired),
          pct(d.deliveryRate),
          n(d.primaryEgress),
        ]),
      ]),
    );
  }
  if (s.byIp.length > 0) {
    say(io, `\nby sending IP`);
    say(
      io,
      formatTable([
        ['ip', 'transports', 'sent', 'deferred', 'bounced', 'bind fallback', 'quoted'],
        ...s.byIp.map((r) => [
          r.ip,
          r.transports.join(','),
          n(r.sent),
          n(r.deferred),
          n(r.bounced),
          n(r.via.bindFallback),
          n(r.via.quoted),
        ]),
      ]),
    );
  }
  if (s.byOperator.length > 0) {
    say(io, `\nby receiving operator`);
    say(
      io,
      formatTable([
        ['operator', 'sent', 'deferred', 'bounced', 'throttled', 'reputation', 'recipient', 'content'],
        ...s.byOperator.map((o) => [
          o.operator,
          n(o.sent),
          n(o.deferred),
          n(o.bounced),
          n(o.outcomes.throttled ?? 0),
          n(o.outcomes.reputation_reject ?? 0),
          n(o.outcomes.recipient_reject ?? 0),
          n(o.outcomes.content_reject ?? 0),
        ]),
      ]),
    );
  }
  for (const status of ['deferred', 'bounced'] as const) {
    const reasons = s.reasons.filter((r) => r.status === status);
    if (reasons.length === 0) continue;
    say(io, `\ntop ${status === 'deferred' ? 'deferral' : 'bounce'} reasons`);
    say(io, formatTable([['count', 'reason'], ...reasons.map((r) => [n(r.count), r.reason])]));
  }
  if (s.bindFailures.length > 0) {
    say(io, `\nbind failures (Cannot assign requested address)`);
    say(
      io,
      formatTable([
        ['ip', 'count', 'first', 'last'],
        ...s.bindFailures.map((b) => [b.ip, n(b.count), b.firstSeen, b.lastSeen]),
      ]),
    );
  }
  const d = s.dkim;
  say(io, `\nDKIM: ${n(d.signed)} signatures for ${n(d.messages)} messages (${pct(d.ratio)})`);
  for (const domain of d.bySenderDomain.slice(0, 10)) {
    say(io, `  ${domain.domain}: ${n(domain.signed)}/${n(domain.messages)} signed (${pct(domain.ratio)})`);
  }
  if (queue !== undefined) {
    const parts = Object.entries(queue.byQueue).map(([name, count]) => `${name} ${n(count)}`);
    say(
      io,
      `\nqueue: ${n(queue.messages)} messages, ${n(queue.recipients)} recipients (${parts.join(', ') || 'empty'})${queue.oldest ? `, oldest ${queue.oldest}` : ''}`,
    );
    for (const r of queue.reasons.slice(0, 5)) say(io, `  ${n(r.recipients)}  ${r.reason}`);
  }
  say(io, '');
  if (s.alarms.length === 0) {
    say(io, 'no alarms');
    return;
  }
  say(io, `${s.alarms.length} alarm${s.alarms.length === 1 ? '' : 's'}:`);
  for (const alarm of s.alarms) printAlarm(ctx, alarm);
}

function printStored(ctx: CliContext, stored: NonNullable<ReportResult['stored']>) {
  const days = stored.days.length > 0 ? stored.days.join(', ') : 'no day';
  const kept =
    stored.kept.length > 0
      ? ` (kept ${stored.kept.join(', ')}: a stored read covered more of ${stored.kept.length === 1 ? 'it' : 'them'})`
      : '';
  const a = stored.alarms;
  say(
    ctx.io,
    `\nstored: ${days}${kept}; alarm episodes opened ${a.opened}, updated ${a.updated}, closed ${a.closed}`,
  );
}

function printAlarm(ctx: CliContext, alarm: Alarm) {
  const io = ctx.io;
  say(io, `\n[${alarm.severity.toUpperCase()}] ${alarm.id}: ${alarm.summary}`);
  const counts = Object.entries(alarm.evidence.counts).map(([k, v]) => `${k} ${n(v)}`);
  if (counts.length > 0) say(io, `  evidence: ${counts.join(', ')}`);
  for (const line of alarm.evidence.samples.slice(0, 3))
    say(io, `    ${line.length > 240 ? `${line.slice(0, 237)}...` : line}`);
  say(io, `  action: ${alarm.action}`);
}
