import type { PreflightGate } from '@mailramp/builder';
import type { JsonObject } from '@mailramp/db';
import type { Session } from '../session.js';

/**
 * Ops' pre-flight gate for the session's config (issue 24 §1): the thresholds of `guard.gate` (the
 * DKIM ones default to `report.alarms`), the warm-up streams, the session's command runner for `ip
 * -j addr`, SPF of `health.dns.envelopeDomain` through the configured resolver, and the guard's
 * open incidents.
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
    // The guard's open incidents (automatic stops): a stopped stream is not built until resumed.
    incidents: {
      async listOpenIncidents(db) {
        const { createIncidentsRepository } = await import('../guard/incidents-repository.js');
        const open = await createIncidentsRepository(db).list({ status: 'open' });
        return open.map((incident) => ({
          id: incident.id,
          stream: incident.stream,
          summary: summaryOf(incident.evidence),
          openedAt: incident.openedAt,
        }));
      },
    },
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

/** An incident's STOP alarms in a few words (its evidence: `{ alarms: [{ alarm, scope, message }] }`). */
function summaryOf(evidence: JsonObject): string {
  const alarms = Array.isArray(evidence.alarms)
    ? (evidence.alarms as Array<{ alarm?: unknown; scope?: unknown }>)
    : [];
  const named = alarms
    .filter((a) => typeof a.alarm === 'string')
    .map((a) =>
      typeof a.scope === 'string' && a.scope !== '' ? `${a.alarm} (${a.scope})` : String(a.alarm),
    );
  return named.length === 0 ? 'stopped by the guard' : `stopped by the guard on ${named.join(', ')}`;
}
