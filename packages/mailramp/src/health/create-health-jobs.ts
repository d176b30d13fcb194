import { join, resolve } from 'node:path';
import type { BootFinding, DnsReport, DnsTarget, MasterCfView, WatchdogResult } from '@mailramp/ops';
import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';

/** What check-boot read and found. */
export interface BootCheckResult {
  files: string[];
  masterCfs: MasterCfView[];
  findings: BootFinding[];
}

/** Options of {@link HealthJobs.checkDns}; each defaults to `health.dns` of the config. */
export interface DnsCheckOptions {
  domain?: string | undefined;
  selector?: string | undefined;
  /** One resolver address instead of the configured servers. */
  resolver?: string | undefined;
  port?: number | undefined;
}

/** Keeping the sending IPs bound, reboot-proof and clean. */
export interface HealthJobs {
  /** Re-binds missing sending IPs and flushes the queues (with `apply`), or reports what it would do. */
  watchdog(options?: { apply?: boolean }): Promise<WatchdogResult>;
  /** The systemd oneshot and cron entry that run `ops watchdog --apply` with this session's config file. */
  watchdogUnits(options: {
    binary: string;
  }): Promise<ReturnType<typeof import('@mailramp/ops').renderWatchdogUnits>>;
  /** Will the sending IPs survive a reboot: ifupdown hooks, and each instance's master.cf bindings. */
  checkBoot(): Promise<BootCheckResult>;
  /** SPF, FCrDNS, DNSBL listings, DKIM and DMARC for every sending IP and the primary. */
  checkDns(options?: DnsCheckOptions): Promise<DnsReport>;
}

/** The health jobs of a session (`configPath`: the file the units should point at). */
export function createHealthJobs(session: Session, configPath: string | undefined): HealthJobs {
  const load = async () => ({
    ...(await import('@mailramp/ops')),
    ...(await import('./list-configured-ips.js')),
  });
  const requireIps = async () => {
    const o = await load();
    const ips = o.listConfiguredIps(session.config);
    if (ips.length === 0) {
      throw new MailrampError(
        'WARMUP_NOT_CONFIGURED',
        'no sending IPs configured; add warmup.streams.<name>.ips to mailramp.config.json (see `mailramp config schema`)',
      );
    }
    return ips;
  };
  const readMasterCf = async (dir: string): Promise<MasterCfView> => {
    const o = await load();
    const path = join(dir, 'master.cf');
    let text: string;
    try {
      text = await session.readTextFile(path);
    } catch (error) {
      throw new o.OpsError('INPUT_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const { services } = o.parseMasterCf(text);
    // main.cf may turn enforcement on for every transport at once; ask Postfix when it is installed.
    let bindEnforceDefault: string | undefined;
    try {
      const answer = await session.runner.run('postconf', ['-c', dir, '-h', 'smtp_bind_address_enforce']);
      if (answer.code === 0 && answer.stdout.trim() !== '') bindEnforceDefault = answer.stdout.trim();
    } catch (error) {
      if (!(error instanceof o.OpsError)) throw error;
    }
    return { path, services, ...(bindEnforceDefault === undefined ? {} : { bindEnforceDefault }) };
  };
  return {
    async watchdog(options = {}) {
      const o = await load();
      const { config } = session;
      return o.runWatchdog({
        runner: session.runner,
        pool: await requireIps(),
        postfixDirs: o.listPostfixInstances(config).map((i) => i.dir),
        apply: options.apply === true,
        mailLog: { path: config.health.mailLog, stateFile: config.health.stateFile },
        now: session.now,
      });
    },
    async watchdogUnits(options) {
      const o = await load();
      return o.renderWatchdogUnits({
        binary: options.binary,
        ...(configPath === undefined ? {} : { configPath: resolve(configPath) }),
      });
    },
    async checkBoot() {
      const o = await load();
      const { config } = session;
      const ips = o.listConfiguredIps(config);
      const { files, stanzas } = await o.readInterfaces(config.health.interfacesFile);
      const masterCfs = await Promise.all(
        o.listPostfixInstances(config).map(async ({ dir, streams }) => ({
          ...(await readMasterCf(dir)),
          ...(streams.length === 0 ? {} : { streams }),
        })),
      );
      const findings = o.planBootFindings({
        stanzas,
        ips,
        masterCfs,
        primaryIp: config.warmup.primaryIp,
        retired: Object.values(config.warmup.streams).flatMap((s) => s.retired),
      });
      return { files, masterCfs, findings };
    },
    async checkDns(options = {}) {
      const o = await load();
      const { config } = session;
      const dns = config.health.dns;
      const domain = options.domain ?? dns.envelopeDomain;
      if (domain === undefined) {
        throw new MailrampError(
          'INVALID_INPUT',
          'no envelope domain: set health.dns.envelopeDomain or pass --domain',
        );
      }
      if (options.port !== undefined && !(options.port > 0 && options.port < 65_536)) {
        throw new MailrampError('INVALID_INPUT', '--port must be a port number (1–65535)');
      }
      const targets: DnsTarget[] = (await requireIps()).map((ip) => ({
        address: ip.address,
        role: 'sending',
        helo: ip.helo,
        label: `${ip.stream}/${ip.transport}`,
      }));
      const primary = config.warmup.primaryIp;
      if (primary !== undefined && !targets.some((t) => t.address === primary)) {
        targets.push({ address: primary, role: 'primary', label: 'primary' });
      }
      const resolver = o.createDnsResolver({
        servers: options.resolver === undefined ? dns.resolver.servers : [options.resolver],
        port: options.port ?? dns.resolver.port,
        timeoutMs: dns.resolver.timeoutMs,
      });
      return o.checkDns({
        domain,
        selector: options.selector ?? dns.dkimSelector,
        targets,
        zones: dns.dnsbls ?? o.DEFAULT_DNSBL_ZONES,
        resolver,
      });
    },
  };
}
