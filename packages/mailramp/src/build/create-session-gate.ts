import type { PreflightGate } from '@mailramp/builder';
import type { Session } from '../session.js';

/**
 * Ops' pre-flight gate for the session's config (issue 24 §1): the thresholds of `guard.gate` (the
 * DKIM ones default to `report.alarms`), the warm-up streams, the session's command runner for `ip
 * -j addr`, and SPF of `health.dns.envelopeDomain` through the configured resolver.
 */
export async function createSessionGate(session: Session): Promise<PreflightGate> {
  const ops = await import('@mailramp/ops');
  const { config } = session;
  const gate = config.guard.gate;
  const dns = config.health.dns;
  return ops.createPreflightGate({
    runner: session.runner,
    now: session.now,
    thresholds: {
      dkimMinRatio: gate.dkimMinRatio ?? config.report.alarms.dkimMinRatio,
      dkimMinMessages: gate.dkimMinMessages ?? config.report.alarms.dkimMinMessages,
      bindFailureHours: gate.bindFailureHours,
      maxQueue: gate.maxQueue,
      queueMaxAgeHours: gate.queueMaxAgeHours,
      hourlyMargin: gate.hourlyMargin,
    },
    streams: config.warmup.streams,
    primaryIp: config.warmup.primaryIp,
    spf:
      dns.envelopeDomain === undefined
        ? undefined
        : {
            domain: dns.envelopeDomain,
            resolver: ops.createDnsResolver({
              servers: dns.resolver.servers,
              port: dns.resolver.port,
              timeoutMs: dns.resolver.timeoutMs,
            }),
          },
  });
}
