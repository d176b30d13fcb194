import type { DeliveryHistory, JobLastRuns, Mailramp, WarmupStreamStatus } from 'mailramp';
import type { JobRunner } from './job-runner.js';

/** What `GET /api/status` answers and `/metrics` exports: the sending IPs' health at a glance. */
export interface ServiceStatus {
  now: string;
  /** Today, UTC: the day the figures are for. */
  today: string;
  /** Per warm-up stream: the day against the ramp (pool, hourly cap, hold). */
  streams: WarmupStreamStatus[];
  /** Today's stored delivery mix (totals and rates, by outcome and by operator). */
  deliveries: {
    totals: DeliveryHistory['totals'][number];
    outcomes: DeliveryHistory['last']['outcomes'];
    operators: DeliveryHistory['last']['operators'];
    reasons: DeliveryHistory['last']['reasons'];
  };
  /** Open alarm episodes, most recently seen first. */
  alarms: Awaited<ReturnType<Mailramp['alarms']['list']>>;
  /** The last run (and last success) of every job the scheduler runs, and of any other that ran. */
  jobs: JobLastRuns[];
}

/** Reads the status through the SDK, every part at once. */
export async function readServiceStatus(
  mailramp: Mailramp,
  jobs: JobRunner,
  now: Date,
): Promise<ServiceStatus> {
  const today = now.toISOString().slice(0, 10);
  const [warmup, history, alarms, runs] = await Promise.all([
    mailramp.warmup.status({ date: today }),
    mailramp.history.deliveries({ days: 1, until: today }),
    mailramp.alarms.list({ status: 'open' }),
    mailramp.runs.latest(jobs.jobNames()),
  ]);
  return {
    now: now.toISOString(),
    today,
    streams: warmup.streams,
    deliveries: {
      totals: history.totals[0]!,
      outcomes: history.last.outcomes,
      operators: history.last.operators,
      reasons: history.last.reasons,
    },
    alarms,
    jobs: runs,
  };
}
