import { isIP } from 'node:net';
import { z } from 'zod';

/** Where `mailramp serve` listens when neither the config nor `--listen` says: loopback only. */
export const DEFAULT_SERVICE_LISTEN = '127.0.0.1:9025';

/** A `host:port` the service can bind, split; `[::1]:9025` for IPv6. Undefined when it is not one. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+)):(\d{1,5})$/i.exec(value);
  if (m === null) return undefined;
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65_535) return undefined;
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}

const ListenAddress = z
  .string()
  .refine((v) => parseListenAddress(v) !== undefined, 'must be host:port, e.g. 127.0.0.1:9025 or [::1]:9025');

/**
 * What the service does with a slot it was down for: `record` writes it as a `missed` run; `run-once`
 * also runs the job once at start-up (one run however many slots were missed).
 */
export const ON_MISSED = ['record', 'run-once'] as const;
/** One of {@link ON_MISSED}. */
export type OnMissed = (typeof ON_MISSED)[number];

/**
 * A five-field cron expression in UTC (minute hour day-of-month month day-of-week). Only its shape is
 * checked here; the service parses it with graphile-worker's own cron parser at start-up.
 */
const CronExpression = z
  .string()
  .trim()
  .regex(/^\S+\s+\S+\s+\S+\s+\S+\s+\S+$/, 'must be a five-field cron expression in UTC, e.g. "17 7 * * *"');

function job(schedule: string, onMissed: OnMissed, what: string) {
  return z
    .strictObject({
      schedule: CronExpression.default(schedule).describe(`Cron expression, UTC (default "${schedule}")`),
      enabled: z.boolean().default(true),
      onMissed: z
        .enum(ON_MISSED)
        .default(onMissed)
        .describe(
          `A slot the service was down for: "record" writes it missed; "run-once" also runs the job once at start-up (default "${onMissed}")`,
        ),
    })
    .prefault({})
    .describe(what);
}

/**
 * The jobs `mailramp serve` runs and their default schedules, from the runbook's crontabs: the warm-up
 * pool at 07:17 and the ramp cap at 07:20 (pw-mta-warmup, pw-listmonk-rampcap), each vertical's build
 * after both and hours before the first 09:00-local send slot (13:00 UTC at the earliest, US
 * eastern daylight time), the IP watchdog every 5 minutes (pw-mail-ip-watchdog), the mail-log report
 * and its alarms every 15 minutes, Listmonk bounces into suppressions hourly (scrub hard bounces
 * immediately), and MX classification of untagged domains before the builds.
 */
const JOBS = {
  warmup: job('17 7 * * *', 'run-once', 'Warm-up pool of every stream (mailramp warmup run)'),
  rampcap: job('20 7 * * *', 'run-once', 'Listmonk ramp cap of every stream (mailramp ops rampcap run)'),
  'build-trucking': job('30 7 * * *', 'record', 'The daily trucking build, live (mailramp build)'),
  'build-healthcare': job('35 7 * * *', 'record', 'The daily healthcare build, live (mailramp build)'),
  watchdog: job('*/5 * * * *', 'record', 'Sending-IP watchdog with repair (mailramp ops watchdog --apply)'),
  report: job('*/15 * * * *', 'record', 'Mail-log report, stored, and its alarms (mailramp ops report)'),
  'suppress-sync': job('10 * * * *', 'record', 'Listmonk bounces into suppressions (mailramp suppress sync)'),
  'classify-mx': job(
    '0 6 * * *',
    'record',
    'MX classification of untagged domains (mailramp audience classify-mx)',
  ),
};
export const ServiceJobsSection = z.strictObject(JOBS).prefault({});

/** The name of a job the service runs (a key of `service.jobs`). */
export type ServiceJobName = keyof z.output<typeof ServiceJobsSection>;

/** Every job name, in the order the defaults run in a day. */
export const SERVICE_JOB_NAMES = Object.keys(JOBS) as ServiceJobName[];

/** `service`: `mailramp serve` — where it listens, who may change things, what runs when. */
export const ServiceSection = z
  .strictObject({
    listen: ListenAddress.default(DEFAULT_SERVICE_LISTEN).describe(
      'host:port of the HTTP API and dashboard (default 127.0.0.1:9025, loopback only; --listen wins)',
    ),
    token: z
      .string()
      .min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)')
      .optional()
      .describe(
        'Bearer token the HTTP API asks of every change (POST); absent: changes are refused. Env: MAILRAMP_SERVICE_TOKEN.',
      ),
    jobs: ServiceJobsSection,
  })
  .describe('mailramp serve: HTTP listen address, API token, job schedules');
