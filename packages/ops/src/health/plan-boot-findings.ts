import { listTransportProblems, type MasterCfFix } from '../postfix/list-transport-problems.js';
import type { MasterCfService } from '../postfix/parse-master-cf.js';
import type { InterfaceStanza } from './parse-interfaces.js';

/** A configured sending IP, as check-boot and the watchdog read it. */
export interface PoolIp {
  address: string;
  prefix: number;
  interface: string;
  /** The master.cf transport bound to it. */
  transport?: string;
  /** The HELO name of that transport (its PTR name). */
  helo?: string;
  /** Where it comes from, for messages (`trucking`). */
  stream?: string;
}

/** One master.cf file and its services. */
export interface MasterCfView {
  path: string;
  services: readonly MasterCfService[];
  /** main.cf's smtp_bind_address_enforce for this instance (`postconf -h`), when it could be read. */
  bindEnforceDefault?: string;
  /**
   * The streams whose transports this instance runs (their `postfix.configDir`). Absent: every
   * configured IP's transport is looked for here (a single-instance host).
   */
  streams?: readonly string[];
}

/** Lines that fix a finding: inserted into `file` after line `afterLine`, or appended when absent. */
export interface BootFix extends MasterCfFix {
  file: string;
}

/** Something that will break at the next reboot (error) or on the next ifdown/ifup (warning). */
export interface BootFinding {
  severity: 'error' | 'warning';
  check: 'interfaces' | 'master_cf';
  subject: string;
  message: string;
  file?: string;
  line?: number;
  /** The lines that fix it (they pass this check once in place), when lines can. */
  fix?: BootFix;
}

const baseName = (iface: string): string => iface.split(':')[0]!;

/**
 * Checks reboot persistence. Interfaces: classic ifupdown applies only the FIRST `address` line of a
 * stanza (the Jun 24 incident), so every later one needs an `up ip addr add` hook (and a `down ip addr
 * del` so ifdown/ifup works), and every configured sending IP must come up at boot. master.cf: every
 * pool transport (configured, or any smtp service with smtp_bind_address) must bind its IP with
 * `smtp_bind_address_enforce=yes`, or Postfix silently sends from the primary when the bind fails.
 */
export function planBootFindings(input: {
  stanzas: readonly InterfaceStanza[];
  ips: readonly PoolIp[];
  masterCfs: readonly MasterCfView[];
  /** The host's primary IP and burned IPs: no sending transport may bind them. */
  primaryIp?: string | undefined;
  retired?: readonly string[];
}): BootFinding[] {
  const findings: BootFinding[] = [];
  const inet = input.stanzas.filter((s) => s.family === 'inet');
  const hooksOf = (iface: string) =>
    inet
      .filter((s) => baseName(s.name) === baseName(iface))
      .flatMap((s) =>
        s.hooks.filter((h) => h.device === undefined || baseName(h.device) === baseName(iface)),
      );
  const flagged = new Set<string>();

  for (const stanza of inet) {
    const hooks = hooksOf(stanza.name);
    for (const extra of stanza.addresses.slice(1)) {
      const up = hooks.some(
        (h) => h.action === 'add' && h.address === extra.address && !h.phase.includes('down'),
      );
      const down = hooks.some(
        (h) => h.action === 'del' && h.address === extra.address && h.phase.includes('down'),
      );
      const cidr = `${extra.address}/${extra.prefix ?? '?'}`;
      const where = { file: stanza.file, line: extra.line, subject: `${stanza.name} ${extra.address}` };
      const upLine = `\tup ip addr add ${cidr} dev ${stanza.name}`;
      const downLine = `\tdown ip addr del ${cidr} dev ${stanza.name} || true`;
      if (!up) {
        flagged.add(extra.address);
        findings.push({
          severity: 'error',
          check: 'interfaces',
          ...where,
          message: `second and later \`address\` lines are ignored by classic ifupdown and no \`up ip addr add ${cidr} dev ${stanza.name}\` hook brings ${extra.address} up: it will be missing after the next reboot`,
          fix: { file: stanza.file, afterLine: extra.line, lines: down ? [upLine] : [upLine, downLine] },
        });
      } else if (!down) {
        findings.push({
          severity: 'warning',
          check: 'interfaces',
          ...where,
          message: `no \`down ip addr del ${cidr} dev ${stanza.name}\` hook: after ifdown the address stays bound and the next ifup fails on "File exists"`,
          fix: { file: stanza.file, afterLine: extra.line, lines: [downLine] },
        });
      }
    }
  }

  for (const ip of input.ips) {
    if (flagged.has(ip.address)) continue;
    const stanzas = inet.filter((s) => baseName(s.name) === ip.interface);
    const subject = `${ip.interface} ${ip.address}${ip.stream === undefined ? '' : ` (${ip.stream})`}`;
    if (stanzas.length === 0) {
      findings.push({
        severity: 'error',
        check: 'interfaces',
        subject,
        message: `no \`iface ${ip.interface} inet\` stanza: nothing binds ${ip.address} at boot (if the host uses netplan or networkd, check it there; the watchdog is the backstop)`,
      });
      continue;
    }
    const first = stanzas.some((s) => s.addresses[0]?.address === ip.address);
    const hook = hooksOf(ip.interface).find(
      (h) => h.action === 'add' && h.address === ip.address && !h.phase.includes('down'),
    );
    if (!first && hook === undefined) {
      findings.push({
        severity: 'error',
        check: 'interfaces',
        subject,
        file: stanzas[0]!.file,
        line: stanzas[0]!.line,
        message: `nothing brings ${ip.address}/${ip.prefix} up at boot: add \`up ip addr add ${ip.address}/${ip.prefix} dev ${ip.interface}\` and \`down ip addr del ${ip.address}/${ip.prefix} dev ${ip.interface}\``,
        fix: {
          file: stanzas[0]!.file,
          afterLine: stanzas[0]!.line,
          lines: [
            `\tup ip addr add ${ip.address}/${ip.prefix} dev ${ip.interface}`,
            `\tdown ip addr del ${ip.address}/${ip.prefix} dev ${ip.interface} || true`,
          ],
        },
      });
    } else if (hook?.prefix !== undefined && hook.prefix !== ip.prefix) {
      findings.push({
        severity: 'warning',
        check: 'interfaces',
        subject,
        file: stanzas[0]!.file,
        line: hook.line,
        message: `the hook adds ${ip.address}/${hook.prefix} but the configuration says /${ip.prefix}`,
      });
    }
  }

  for (const master of input.masterCfs) {
    const ips =
      master.streams === undefined
        ? input.ips
        : input.ips.filter((ip) => ip.stream !== undefined && master.streams!.includes(ip.stream));
    findings.push(...planMasterCfFindings(master, ips, input));
  }
  return findings;
}

/**
 * master.cf through the warm-up's transport checks (listTransportProblems: enforcement an error, main.cf's
 * default honoured, the primary and retired IPs never bound), for the IPs whose stream this instance
 * runs, and every other smtp service that binds an address held to the enforcement rule.
 */
function planMasterCfFindings(
  master: MasterCfView,
  ips: readonly PoolIp[],
  host: { primaryIp?: string | undefined; retired?: readonly string[] },
): BootFinding[] {
  const enforcedByDefault = master.bindEnforceDefault?.toLowerCase() === 'yes';
  const bindings = ips.flatMap((ip) =>
    ip.transport === undefined ? [] : [{ address: ip.address, transport: ip.transport, helo: ip.helo }],
  );
  const lineOf = (transport: string) =>
    master.services.find((s) => s.service === transport && s.type === 'unix')?.line;
  const findings: BootFinding[] = listTransportProblems(master.services, bindings, {
    primaryIp: host.primaryIp,
    retired: host.retired,
    bindEnforceDefault: master.bindEnforceDefault,
  }).map((p) => {
    const line = lineOf(p.transport);
    return {
      severity: p.severity,
      check: 'master_cf',
      subject: p.transport,
      file: master.path,
      ...(line === undefined ? {} : { line }),
      message: p.message.startsWith(`${p.transport}: `) ? p.message.slice(p.transport.length + 2) : p.message,
      ...(p.fix === undefined ? {} : { fix: { file: master.path, ...p.fix } }),
    };
  });
  const configured = new Set(bindings.map((b) => b.transport));
  for (const service of master.services) {
    if (configured.has(service.service) || service.command !== 'smtp') continue;
    if (service.options.smtp_bind_address === undefined || enforcedByDefault) continue;
    if (service.options.smtp_bind_address_enforce?.toLowerCase() === 'yes') continue;
    findings.push({
      severity: 'error',
      check: 'master_cf',
      subject: service.service,
      file: master.path,
      line: service.line,
      message: `binds ${service.options.smtp_bind_address} without -o smtp_bind_address_enforce=yes; if that IP goes missing Postfix silently sends from the primary IP (Postfix 3.7+ defers instead)`,
      fix: { file: master.path, afterLine: service.lastLine, lines: ['  -o smtp_bind_address_enforce=yes'] },
    });
  }
  return findings;
}
