import type { MasterCfService } from './parse-master-cf.js';

/** A sending IP as master.cf must carry it. */
export interface TransportBinding {
  address: string;
  transport: string;
  helo?: string | undefined;
}

/** Something wrong with a sending transport in master.cf. */
export interface TransportProblem {
  transport: string;
  /** `error`: the transport cannot send from its IP as intended; `warning`: it can, with a risk. */
  severity: 'error' | 'warning';
  code:
    | 'missing_transport'
    | 'not_smtp'
    | 'bind_address_missing'
    | 'bind_address_wrong'
    | 'bind_enforce_off'
    | 'syslog_name_missing'
    | 'syslog_name_shared'
    | 'helo_mismatch';
  message: string;
}

/**
 * Checks the master.cf transport of each sending IP: it exists as a `unix` smtp service, binds its
 * own address with `smtp_bind_address`, sets `smtp_bind_address_enforce=yes` (without it a missing IP
 * silently sends from the primary — the June 24 outage), has its own `syslog_name` (Postfix never
 * logs the source IP, so the program name is the only per-IP signal) and, when given, HELOs as the
 * IP's PTR name.
 */
export function listTransportProblems(
  services: readonly MasterCfService[],
  bindings: readonly TransportBinding[],
): TransportProblem[] {
  const problems: TransportProblem[] = [];
  const syslogUsers = new Map<string, string[]>();
  for (const s of services) {
    const name = s.options.syslog_name;
    if (name !== undefined) syslogUsers.set(name, [...(syslogUsers.get(name) ?? []), s.service]);
  }
  for (const b of bindings) {
    const add = (severity: TransportProblem['severity'], code: TransportProblem['code'], message: string) =>
      problems.push({ transport: b.transport, severity, code, message: `${b.transport}: ${message}` });
    const service = services.find((s) => s.service === b.transport && s.type === 'unix');
    if (service === undefined) {
      add(
        'error',
        'missing_transport',
        `no "unix" service in master.cf; add \`${b.transport} unix - - n - - smtp -o smtp_bind_address=${b.address} -o smtp_bind_address_enforce=yes -o syslog_name=postfix/${b.transport}\``,
      );
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
    if (bind === undefined) {
      add(
        'error',
        'bind_address_missing',
        `no -o smtp_bind_address (line ${service.line}); it sends from the primary IP — add -o smtp_bind_address=${b.address}`,
      );
    } else if (bind !== b.address) {
      add(
        'error',
        'bind_address_wrong',
        `binds ${bind} but the config says ${b.address} (line ${service.line})`,
      );
    }
    if (service.options.smtp_bind_address_enforce !== 'yes') {
      add(
        'warning',
        'bind_enforce_off',
        `no -o smtp_bind_address_enforce=yes (line ${service.line}); if ${b.address} goes missing (a reboot), Postfix silently sends from the primary IP instead of deferring (Postfix 3.7+)`,
      );
    }
    const syslog = service.options.syslog_name;
    if (syslog === undefined) {
      add(
        'warning',
        'syslog_name_missing',
        `no -o syslog_name (line ${service.line}); its deliveries cannot be told apart in the mail log — add -o syslog_name=postfix/${b.transport}`,
      );
    } else if ((syslogUsers.get(syslog)?.length ?? 0) > 1) {
      add(
        'warning',
        'syslog_name_shared',
        `syslog_name ${syslog} is shared with ${syslogUsers
          .get(syslog)!
          .filter((n) => n !== b.transport)
          .join(', ')}; give each sending transport its own`,
      );
    }
    const helo = service.options.smtp_helo_name;
    if (b.helo !== undefined && helo !== undefined && helo.toLowerCase() !== b.helo.toLowerCase()) {
      add('warning', 'helo_mismatch', `HELOs as ${helo} but the config's PTR name is ${b.helo}`);
    }
  }
  return problems;
}
