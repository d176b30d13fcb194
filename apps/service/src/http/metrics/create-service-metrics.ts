import { SERVICE_RUN_OUTCOMES } from '@mailramp/db';
import type { Mailramp } from 'mailramp';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { JobRunner } from '../job-runner.js';
import { shareInFlight } from '../share-in-flight.js';

/** The service's Prometheus metrics: a registry of its own (never prom-client's global one). */
export interface ServiceMetrics {
  registry: Registry;
  /** Reads the figures through the SDK and renders them in the text exposition format. */
  render(): Promise<string>;
}

const seconds = (date: Date) => date.getTime() / 1000;

/**
 * Creates the metrics of one server. Values are read afresh at each scrape (the database is the
 * source of truth for every service process); scrapes that overlap share one read, so a burst of
 * them costs one set of queries and no scrape sees another's half-set gauges.
 */
export function createServiceMetrics(deps: {
  mailramp: Mailramp;
  jobs: JobRunner;
  now: () => Date;
}): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const deliveries = gauge(
    'mailramp_deliveries_today',
    "Today's deliveries (UTC) by sending IP, receiving operator and outcome, as the last report run stored them",
    ['ip', 'operator', 'outcome'],
  );
  // prom-client prints an unlabelled gauge as 0 until it is set (and again after reset), so a figure
  // that can be unknown is a gauge of no registry, registered per scrape only when it is known: an
  // alert on a DKIM ratio below 0.9 must not fire for a day without OpenDKIM lines.
  const optional = (name: string, help: string) => ({
    name,
    gauge: new Gauge({ name, help, registers: [] }),
  });
  const deliveryRate = optional(
    'mailramp_delivery_rate',
    "Today's sent / (sent + deferred + bounced) attempts; absent without attempts",
  );
  const dkimRatio = optional(
    'mailramp_dkim_signed_ratio',
    "Today's campaign messages OpenDKIM signed / campaign messages; absent without messages",
  );
  const queueSize = optional(
    'mailramp_queue_size',
    'The last Postfix queue size read today; absent when none was',
  );
  const readUntil = optional(
    'mailramp_report_read_until_timestamp_seconds',
    'The end of the mail-log window today was last read up to; absent without a report today',
  );
  const setOrAbsent = (metric: { name: string; gauge: Gauge }, value: number | null) => {
    registry.removeSingleMetric(metric.name);
    if (value === null) return;
    metric.gauge.set(value);
    registry.registerMetric(metric.gauge);
  };
  const warmupDay = gauge('mailramp_warmup_day', "The stream's warm-up day (days since its start)", [
    'stream',
  ]);
  const poolSize = gauge('mailramp_pool_size', 'Sending IPs in rotation by the pool table today', ['stream']);
  const hourlyCap = gauge(
    'mailramp_hourly_cap',
    'The hourly ramp cap in force (the lower of the table and a hold)',
    ['stream'],
  );
  const tableCap = gauge('mailramp_hourly_cap_table', "The hourly cap the table gives for today's day", [
    'stream',
  ]);
  const holdActive = gauge('mailramp_hold_active', '1 while a hold freezes the stream’s ramp cap', [
    'stream',
  ]);
  const holdRate = gauge('mailramp_hold_rate', 'The rate a hold freezes the cap at (only while held)', [
    'stream',
  ]);
  const streamError = gauge(
    'mailramp_warmup_status_error',
    '1 when the stream’s warm-up status could not be read (e.g. an unreadable stamp file)',
    ['stream'],
  );
  const alarmOpen = gauge('mailramp_alarm_open', '1 per open alarm episode', ['alarm', 'scope', 'severity']);
  const alarmSince = gauge(
    'mailramp_alarm_first_seen_timestamp_seconds',
    'When the open alarm episode was first seen',
    ['alarm', 'scope', 'severity'],
  );
  const lastSuccess = gauge(
    'mailramp_job_last_success_timestamp_seconds',
    "When the job's last successful run ended",
    ['job'],
  );
  const lastRun = gauge('mailramp_job_last_run_timestamp_seconds', "The slot of the job's last run", ['job']);
  const lastDuration = gauge(
    'mailramp_job_last_duration_seconds',
    "How long the job's last finished run took",
    ['job'],
  );
  const lastOutcome = gauge(
    'mailramp_job_last_outcome',
    "1 for the outcome of the job's last run, 0 for the others",
    ['job', 'outcome'],
  );
  const buildRecipients = gauge(
    'mailramp_build_recipients',
    "Recipients of the vertical's latest finished live build: selected, stamped (scheduled in Listmonk), refused",
    ['vertical', 'state'],
  );
  const ours = [
    deliveries,
    warmupDay,
    poolSize,
    hourlyCap,
    tableCap,
    holdActive,
    holdRate,
    streamError,
    alarmOpen,
    alarmSince,
    lastSuccess,
    lastRun,
    lastDuration,
    lastOutcome,
    buildRecipients,
  ];

  // The figures only: one row of today's totals, not /api/status's mix by operator and reasons.
  const scrape = async () => {
    const { mailramp } = deps;
    const today = deps.now().toISOString().slice(0, 10);
    const [warmup, totals, alarms, jobs, counts, builds] = await Promise.all([
      mailramp.warmup.status({ date: today }),
      mailramp.results.day(today),
      mailramp.alarms.list({ status: 'open' }),
      mailramp.runs.latest(deps.jobs.jobNames()),
      mailramp.results.deliveries(today),
      mailramp.results.lastBuilds(),
    ]);
    for (const metric of ours) metric.reset();
    for (const d of counts) deliveries.set({ ip: d.ip, operator: d.operator, outcome: d.outcome }, d.count);
    setOrAbsent(deliveryRate, totals.deliveryRate);
    setOrAbsent(dkimRatio, totals.dkimRatio);
    setOrAbsent(queueSize, totals.queueSize);
    setOrAbsent(readUntil, totals.readUntil === null ? null : Date.parse(totals.readUntil) / 1000);
    for (const s of warmup.streams) {
      const stream = { stream: s.stream };
      if (s.error !== undefined) {
        streamError.set(stream, 1);
        continue;
      }
      streamError.set(stream, 0);
      warmupDay.set(stream, s.day);
      poolSize.set(stream, s.pool.length);
      hourlyCap.set(stream, s.hourlyCap);
      tableCap.set(stream, s.tableCap);
      holdActive.set(stream, s.hold === null ? 0 : 1);
      if (s.hold !== null) holdRate.set(stream, s.hold.rate);
    }
    for (const a of alarms) {
      const labels = { alarm: a.alarm, scope: a.scope, severity: a.severity };
      alarmOpen.set(labels, 1);
      alarmSince.set(labels, seconds(a.firstSeen));
    }
    for (const { job, last, lastOk } of jobs) {
      if (lastOk?.endedAt) lastSuccess.set({ job }, seconds(lastOk.endedAt));
      if (last === null) continue;
      lastRun.set({ job }, seconds(last.slot));
      const durationMs = last.durationMs ?? lastOk?.durationMs ?? null;
      if (durationMs !== null) lastDuration.set({ job }, durationMs / 1000);
      for (const outcome of SERVICE_RUN_OUTCOMES)
        lastOutcome.set({ job, outcome }, outcome === last.outcome ? 1 : 0);
    }
    for (const b of builds) {
      buildRecipients.set({ vertical: b.vertical, state: 'selected' }, b.selected);
      buildRecipients.set({ vertical: b.vertical, state: 'stamped' }, b.stamped);
      buildRecipients.set({ vertical: b.vertical, state: 'refused' }, b.refused);
    }
    return registry.metrics();
  };

  return { registry, render: shareInFlight(scrape) };
}
