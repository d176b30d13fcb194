import type { InterfaceStanza } from './parse-interfaces.js';

/** A configured sending IP, as check-boot and the watchdog read it. */
export interface PoolIp {
  address: string;
  prefix: number;
  interface: string;
  /** The master.cf transport bound to it. */
  transport?: string;
  /** Where it comes from, for messages (`trucking`). */
  stream?: string;
}

/** The parts of a master.cf service check-boot reads (what `parseMasterCf()` returns). */
export interface MasterCfServiceView {
  service: string;
  command: string;
  options: Readonly<Record<string, string>>;
  line: number;
}

/** One master.cf file and its services. */
export interface MasterCfView {
  path: string;
  services: readonly MasterCfServiceView[];
  /** main.cf's smtp_bind_address_enforce for this instance (`postconf -h`), when it could be read. */
  bindEnforceDefault?: string;
}

/** Something that will break at the next reboot (error) or on the next ifdown/ifup (warning). */
export interface BootFinding {
  severity: 'error' | 'warning';
  check: 'interfaces' | 'master_cf';
  subject: string;
  message: string;
  file?: string;
  line?: number;
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
      if (!up) {
        flagged.add(extra.address);
        findings.push({
          severity: 'error',
          check: 'interfaces',
          ...where,
          message: `second and later \`address\` lines are ignored by classic ifupdown and no \`up ip addr add ${cidr} dev ${stanza.name}\` hook brings ${extra.address} up: it will be missing after the next reboot`,
        });
      } else if (!down) {
        findings.push({
          severity: 'warning',
          check: 'interfaces',
          ...where,
          message: `no \`down ip addr del ${cidr} dev ${stanza.name}\` hook: after ifdown the address stays bound and the next ifup fails on "File exists"`,
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

  for (const master of input.masterCfs) findings.push(...planMasterCfFindings(master, input.ips));
  return findings;
}

function planMasterCfFindings(master: MasterCfView, ips: readonly PoolIp[]): BootFinding[] {
  const findings: BootFinding[] = [];
  const byName = new Map(master.services.map((s) => [s.service, s]));
  const checked = new Set<string>();
  const at = (service: MasterCfServiceView) => ({ file: master.path, line: service.line });
  for (const ip of ips) {
    if (ip.transport === undefined) continue;
    const service = byName.get(ip.transport);
    if (service === undefined) {
      findings.push({
        severity: 'error',
        check: 'master_cf',
        subject: ip.transport,
        file: master.path,
        message: `transport ${ip.transport} (${ip.address}) is not in ${master.path}`,
      });
      continue;
    }
    checked.add(service.service);
    const bind = service.options.smtp_bind_address;
    if (bind !== ip.address) {
      findings.push({
        severity: 'error',
        check: 'master_cf',
        subject: ip.transport,
        ...at(service),
        message:
          bind === undefined
            ? `transport ${ip.transport} has no -o smtp_bind_address=${ip.address}: it sends from the primary IP`
            : `transport ${ip.transport} binds ${bind}, but the configuration gives it ${ip.address}`,
      });
    }
  }
  for (const service of master.services) {
    if (service.command !== 'smtp' && service.command !== 'lmtp') continue;
    if (service.options.smtp_bind_address === undefined && !checked.has(service.service)) continue;
    const enforce = (
      service.options.smtp_bind_address_enforce ??
      master.bindEnforceDefault ??
      'no'
    ).toLowerCase();
    if (enforce !== 'yes') {
      findings.push({
        severity: 'error',
        check: 'master_cf',
        subject: service.service,
        ...at(service),
        message: `transport ${service.service} lacks -o smtp_bind_address_enforce=yes: when its IP is not bound Postfix silently sends from the primary IP (Jun 24 incident); with yes (Postfix 3.7+) it defers instead`,
      });
    }
  }
  return findings;
}
