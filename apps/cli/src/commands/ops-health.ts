import type { BootFinding, DnsReport, MasterCfView, WatchdogResult } from '@mailramp/ops';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { INSTALLED_BINARY } from '../installed-binary.js';
import { formatTable, printJson, say } from '../output.js';
import { opsCommand } from './ops-group.js';

/**
 * Watchdog exit codes: what cron, systemd and scripts branch on. A repair is what --apply was asked
 * to do (0; it prints what it did, so cron still mails it); 1 is left for a repair someone must run.
 */
const WATCHDOG_EXIT: Record<WatchdogResult['status'], ExitCode> = {
  healthy: EXIT.OK,
  repaired: EXIT.OK,
  needs_repair: EXIT.FINDINGS,
  failed: EXIT.UNAVAILABLE,
};

/** `mailramp ops watchdog|check-boot|check-dns`: keep the sending IPs bound, reboot-proof and clean. */
export function registerOpsHealthCommands(program: Command, ctx: CliContext): void {
  const ops = opsCommand(program);

  ops
    .command('watchdog')
    .description(
      `re-bind sending IPs missing from their interface (ip -j -4 addr show) and flush the Postfix queue of every instance when it re-bound one or when new "Cannot assign requested address" lines appeared in the mail log since the last run — only once every sending IP is confirmed bound: after a failed re-bind the queue is left alone (a transport without smtp_bind_address_enforce=yes would send the backlog from the primary IP) and the flush waits for the next run. Without --apply it only reports. Silent when healthy (unless --verbose or a terminal), so cron mails only repairs and failures. Exit codes: 0 healthy or repaired (--apply) · 1 repair needed (without --apply) · 2 configuration error · 3 repair failed (an ip/postqueue command failed or is missing; queue left alone).`,
    )
    .option('--apply', 'add the missing addresses (ip addr add IP/PREFIX dev IFACE) and run postqueue -f')
    .option('--json', 'print the result as JSON on stdout')
    .option('--verbose', 'say so when everything is healthy')
    .action(
      ctx.action(async (opts: { apply?: boolean; json?: boolean; verbose?: boolean }) => {
        const result = await (await ctx.mailramp()).health.watchdog({ apply: opts.apply === true });
        if (opts.json) printJson(ctx.io, result);
        else reportWatchdog(ctx, result, opts.verbose === true || ctx.io.isTTY);
        return WATCHDOG_EXIT[result.status];
      }),
    );

  ops
    .command('check-boot')
    .description(
      `check that the sending IPs survive a reboot: every extra \`address\` line of an ifupdown stanza needs \`up ip addr add\` / \`down ip addr del\` hooks (classic ifupdown applies only the first), every sending IP comes up at boot, and each stream's transports in its own instance's master.cf (postfix.configDir) bind their own IP — never the primary or a retired one — with smtp_bind_address_enforce=yes. Each finding that lines can fix prints them (and --json carries them as fix: file, afterLine, lines). --print-units prints the systemd oneshot and the cron entry that run the watchdog instead. Exit codes: 0 reboot-safe (warnings may be printed) · 1 findings · 2 unreadable file or config.`,
    )
    .option(
      '--print-units',
      'print the systemd oneshot and the */5 cron entry that run `ops watchdog --apply`',
    )
    .option('--binary <path>', 'mailramp binary the units run', INSTALLED_BINARY)
    .option('--json', 'print the findings as JSON on stdout')
    .action(
      ctx.action(async (opts: { printUnits?: boolean; binary: string; json?: boolean }) => {
        if (opts.printUnits) {
          const units = await (await ctx.mailramp()).health.watchdogUnits({ binary: opts.binary });
          if (opts.json) printJson(ctx.io, units);
          else ctx.io.stdout(`${units.service}\n${units.cron}`);
          say(
            ctx.io,
            `install: save the first part as /etc/systemd/system/${units.serviceName}, the second as /etc/cron.d/${units.cronName}`,
          );
          return EXIT.OK;
        }
        const { files, masterCfs, findings } = await (await ctx.mailramp()).health.checkBoot();
        if (opts.json) printJson(ctx.io, { files, masterCf: masterCfs.map((m) => m.path), findings });
        else reportBoot(ctx, files, masterCfs, findings);
        return findings.some((f) => f.severity === 'error') ? EXIT.FINDINGS : EXIT.OK;
      }),
    );

  ops
    .command('check-dns')
    .description(
      `check each sending IP and the primary: SPF for the envelope domain (RFC 7208 evaluation), FCrDNS (PTR → A contains the IP, name equals the transport's HELO), DNSBL listings (Spamhaus ZEN/DBL, Barracuda, SpamCop by default; a list is trusted only after its test points answer correctly), and the DKIM key and DMARC record of the envelope domain. Queries go to health.dns.resolver (a local recursive resolver: Spamhaus refuses public ones). Exit codes: 0 clean (warnings may be printed) · 1 findings · 3 resolver unreachable.`,
    )
    .option('--json', 'print the full report as JSON on stdout')
    .option('--domain <domain>', 'envelope domain (default health.dns.envelopeDomain)')
    .option('--selector <selector>', 'DKIM selector (default health.dns.dkimSelector)')
    .option('--resolver <ip>', 'resolver address (default health.dns.resolver.servers)')
    .option('--port <port>', 'resolver port (default health.dns.resolver.port)', (v) =>
      Number.parseInt(v, 10),
    )
    .action(
      ctx.action(
        async (opts: {
          json?: boolean;
          domain?: string;
          selector?: string;
          resolver?: string;
          port?: number;
        }) => {
          const report = await (await ctx.mailramp()).health.checkDns({
            domain: opts.domain,
            selector: opts.selector,
            resolver: opts.resolver,
            port: opts.port,
          });
          if (opts.json) printJson(ctx.io, report);
          else reportDns(ctx, report);
          return report.ok ? EXIT.OK : EXIT.FINDINGS;
        },
      ),
    );
}

function reportWatchdog(ctx: CliContext, result: WatchdogResult, verbose: boolean): void {
  const bound = result.bound
    .map((b) => `${b.interface}: ${b.addresses.map((a) => a.address).join(' ')}`)
    .join('; ');
  if (result.status === 'healthy') {
    if (verbose) say(ctx.io, `healthy: every sending IP is bound (${bound})`);
    return;
  }
  const stamp = result.checkedAt;
  for (const ip of result.missing) {
    say(ctx.io, `${stamp} ${ip.address}/${ip.prefix} was not bound on ${ip.interface}`);
  }
  if (result.mailLog !== undefined && !result.mailLog.found) {
    say(ctx.io, `${stamp} mail log ${result.mailLog.path} not found; set health.mailLog`);
  }
  for (const reason of result.flushReasons) say(ctx.io, `${stamp} flush needed: ${reason}`);
  if (result.mailLog?.scan?.lastBindFailure !== undefined) {
    say(ctx.io, `${stamp} last bind failure: ${result.mailLog.scan.lastBindFailure}`);
  }
  for (const action of result.actions) {
    say(
      ctx.io,
      `${stamp} ${action.ok ? 'done' : 'FAILED'}: ${action.command}${action.detail ? ` (${action.detail})` : ''}`,
    );
  }
  for (const problem of result.problems) say(ctx.io, `${stamp} problem: ${problem}`);
  if (result.status === 'needs_repair') say(ctx.io, 'run `mailramp ops watchdog --apply` to repair');
  if (result.status === 'repaired') {
    say(
      ctx.io,
      `repaired; now bound: ${bound}${result.missing.length > 0 ? ' (`mailramp ops check-boot` says whether they come back after the next reboot)' : ''}`,
    );
  }
  if (result.status === 'failed') {
    say(ctx.io, 'repair FAILED: fix the problems above by hand (the watchdog needs root for ip addr add)');
  }
}

function reportBoot(
  ctx: CliContext,
  files: string[],
  masterCfs: MasterCfView[],
  findings: BootFinding[],
): void {
  say(ctx.io, `read ${[...files, ...masterCfs.map((m) => m.path)].join(', ')}`);
  for (const f of findings) {
    const where = f.file === undefined ? '' : ` ${f.file}${f.line === undefined ? '' : `:${f.line}`}`;
    say(ctx.io, `${f.severity}${where} ${f.subject}: ${f.message}`);
    if (f.fix !== undefined) {
      const at =
        f.fix.afterLine === undefined
          ? `at the end of ${f.fix.file}`
          : `after line ${f.fix.afterLine} of ${f.fix.file}`;
      say(ctx.io, `  fix: add ${at}:`);
      for (const line of f.fix.lines) say(ctx.io, `    ${line.replace(/^\t/, '')}`);
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  say(
    ctx.io,
    errors === 0
      ? `reboot-safe${findings.length > 0 ? ` (${findings.length} warning(s))` : ''}`
      : `${errors} problem(s) will bite at the next reboot; the watchdog (\`mailramp ops check-boot --print-units\`) is the backstop, not the fix`,
  );
}

function reportDns(ctx: CliContext, report: DnsReport): void {
  say(ctx.io, `envelope domain ${report.domain}, resolver ${report.resolver}`);
  say(
    ctx.io,
    formatTable([
      ['ip', 'role', 'spf', 'fcrdns', 'dnsbl'],
      ...report.ips.map(({ target, spf, fcrdns, dnsbl }) => [
        target.label === undefined ? target.address : `${target.address} (${target.label})`,
        target.role,
        spf.result,
        fcrdns.status === 'pass' ? `pass ${fcrdns.confirmed.join(',')}` : fcrdns.status,
        dnsbl
          .filter((l) => l.status === 'listed')
          .map((l) => l.name)
          .join(', ') ||
          `clean on ${dnsbl.filter((l) => l.status === 'clean').length} of ${dnsbl.length} list(s)`,
      ]),
    ]),
  );
  // Failures are among the findings below; say what passed so the reader sees it was checked.
  if (report.dkim.status === 'pass') say(ctx.io, `dkim: ${report.dkim.detail}`);
  if (report.dmarc.status === 'pass') say(ctx.io, `dmarc: ${report.dmarc.detail}`);
  for (const f of report.findings) say(ctx.io, `${f.severity} ${f.check} ${f.subject}: ${f.message}`);
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  say(ctx.io, errors === 0 ? 'dns: clean' : `dns: ${errors} problem(s)`);
}
