import type { MasterCfService } from './parse-master-cf.js';

/** A sending IP as master.cf must carry it. */
export interface TransportBinding {
  address: string;
  transport: string;
  helo?: string | undefined;
}

/** master.cf lines that fix a problem: inserted after `afterLine` (1-based), or appended when absent. */
export interface MasterCfFix {
  afterLine?: number | undefined;
  lines: string[];
}

/** What else {@link listTransportProblems} needs to know about the host. */
export interface TransportCheckOptions {
  /** The host's primary IP: a sending transport that binds it sends bulk mail from the primary. */
  primaryIp?: string | undefined;
  /** Burned IPs: a sending transport that binds one sends from a burned IP. */
  retired?: readonly string[];
  /** main.cf's smtp_bind_address_enforce (`postconf -h`): `yes` there covers every transport. */
  bindEnforceDefault?: string | undefined;
}

/** Something wrong with a sending transport in master.cf. */
export interface TransportProblem {
  transport: string;
  /** `error`: the transport cannot send from its IP as intended; `warning`: it can, with a risk. */
  severity: 'error' | 'warning';
  code:
    | 'missing_transport'
    | 'binds_primary'
    | 'binds_retired'
    | 'not_smtp'
    | 'bind_address_missing'
    | 'bind_address_wrong'
    | 'bind_enforce_off'
    | 'syslog_name_missing'
    | 'syslog_name_shared'
    | 'helo_mismatch';
  message: string;
  /** The master.cf lines that fix it, when lines can (an `-o` added after the service's last line wins). */
  fix?: MasterCfFix | undefined;
}

/** The complete master.cf entry of a sending transport: bound, enforced, its own HELO and syslog name. */
export function renderTransportEntry(b: TransportBinding): string[] {
  return [
    `${b.transport} unix - - n - - smtp`,
    `  -o smtp_bind_address=${b.address}`,
    '  -o smtp_bind_address_enforce=yes',
    ...(b.helo === undefined ? [] : [`  -o smtp_helo_name=${b.helo}`]),
    `  -o syslog_name=postfix/${b.transport}`,
  ];
}

/**
 * Checks the master.cf transport of each sending IP: it exists as a `unix` smtp service, binds its
 * own address with `smtp_bind_address` (never the primary or a retired IP), sets
 * `smtp_bind_address_enforce=yes` (without it a missing IP silently sends from the primary — the
 * June 24 outage; an error unless main.cf sets it for every transport), has its own `syslog_name`
 * (Postfix never logs the source IP, so the program name is the only per-IP signal) and, when given,
 * HELOs as the IP's PTR name. Each problem that lines can fix carries them.
 */
export function listTransportProblems(
  services: readonly MasterCfService[],
  bindings: readonly TransportBinding[],
  options: TransportCheckOptions = {},
): TransportProblem[] {
  const problems: TransportProblem[] = [];
  const retired = new Set(options.retired ?? []);
  const enforcedByDefault = options.bindEnforceDefault?.trim().toLowerCase() === 'yes';
  const syslogUsers = new Map<string, string[]>();
  for (const s of services) {
    const name = s.options.syslog_name;
    if (name !== undefined) syslogUsers.set(name, [...(syslogUsers.get(name) ?? []), s.service]);
  }
  for (const b of bindings) {
    const service = services.find((s) => s.service === b.transport && s.type === 'unix');
    const add = (
      severity: TransportProblem['severity'],
      code: TransportProblem['code'],
      message: string,
      lines?: string[],
    ) =>
      problems.push({
        transport: b.transport,
        severity,
        code,
        message: `${b.transport}: ${message}`,
        ...(lines === undefined ? {} : { fix: { afterLine: service?.lastLine, lines } }),
      });
    if (service === undefined) {
      const entry = renderTransportEntry(b);
      problems.push({
        transport: b.transport,
        severity: 'error',
        code: 'missing_transport',
        message: `${b.transport}: no "unix" service in master.cf; add \`${entry.map((l) => l.trim()).join(' ')}\``,
        fix: { lines: entry },
      });
      continue;
    }
    if (service.command !== 'smtp') {
      add(
        'error',
        'not_smtp',
        `runs ${service.command} (line ${service.line}); a sending transport runs smtp`,
      );
    }
    const bind = service.options.smtp_bind_address;
    const rebind = [`  -o smtp_bind_address=${b.address}`];
    if (bind === undefined) {
      add(
        'error',
        'bind_address_missing',
        `no -o smtp_bind_address (line ${service.line}); it sends from the primary IP — add -o smtp_bind_address=${b.address}`,
        rebind,
      );
    } else if (bind === options.primaryIp) {
      add(
        'error',
        'binds_primary',
        `binds ${bind}, the host's primary IP (line ${service.line}): bulk mail would leave from the primary; the config says ${b.address}`,
        rebind,
      );
    } else if (retired.has(bind)) {
      add(
        'error',
        'binds_retired',
        `binds ${bind}, a retired IP (line ${service.line}): a burned IP never rotates again; the config says ${b.address}`,
        rebind,
      );
    } else if (bind !== b.address) {
      add(
        'error',
        'bind_address_wrong',
        `binds ${bind} but the config says ${b.address} (line ${service.line})`,
        rebind,
      );
    }
    if (service.options.smtp_bind_address_enforce?.toLowerCase() !== 'yes' && !enforcedByDefault) {
      add(
        'error',
        'bind_enforce_off',
        `no -o smtp_bind_address_enforce=yes (line ${service.line}); if ${b.address} goes missing (a reboot), Postfix silently sends from the primary IP instead of deferring (Postfix 3.7+)`,
        ['  -o smtp_bind_address_enforce=yes'],
      );
    }
    const syslog = service.options.syslog_name;
    const ownSyslog = [`  -o syslog_name=postfix/${b.transport}`];
    if (syslog === undefined) {
      add(
        'warning',
        'syslog_name_missing',
        `no -o syslog_name (line ${service.line}); its deliveries cannot be told apart in the mail log — add -o syslog_name=postfix/${b.transport}`,
        ownSyslog,
      );
    } else if ((syslogUsers.get(syslog)?.length ?? 0) > 1) {
      add(
        'warning',
        'syslog_name_shared',
        `syslog_name ${syslog} is shared with ${syslogUsers
          .get(syslog)!
          .filter((n) => n !== b.transport)
          .join(', ')}; give each sending transport its own`,
        ownSyslog,
      );
    }
    const helo = service.options.smtp_helo_name;
    if (b.helo !== undefined && helo !== undefined && helo.toLowerCase() !== b.helo.toLowerCase()) {
      add('warning', 'helo_mismatch', `HELOs as ${helo} but the config's PTR name is ${b.helo}`, [
        `  -o smtp_helo_name=${b.helo}`,
      ]);
    }
  }
  return problems;
}
