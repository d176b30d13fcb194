import { hostname } from 'node:os';
import { ConfigError, parseListenAddress } from '@mailramp/config';
import { DbError } from '@mailramp/db';
import type { FastifyInstance } from 'fastify';
import type { Mailramp } from 'mailramp';
import type { Logger } from 'pino';
import { ServiceError } from './errors.js';
import { createHttpServer } from './http/create-http-server.js';
import type { JobRunner } from './http/job-runner.js';
import { listenHttpServer } from './http/listen-http-server.js';
import {
  BUILD_VERTICALS,
  type BuildVertical,
  createJobCatalogue,
  type JobCatalogue,
  scheduledJobsOf,
} from './jobs/create-job-catalogue.js';
import { createLocalScheduler } from './scheduler/create-local-scheduler.js';
import { createPgScheduler } from './scheduler/create-pg-scheduler.js';
import { compileSchedule } from './scheduler/cron-slots.js';
import { DEFAULT_STOP_GRACE_MS, type ScheduledJob, type Scheduler } from './scheduler/scheduled-job.js';

/** Options of {@link startService}. */
export interface StartServiceOptions {
  /** The SDK session every job and route goes through. */
  mailramp: Mailramp;
  /** JSON-lines logger (pino). */
  logger: Logger;
  /** `host:port` to listen on (default `service.listen`); `false`: no HTTP server. */
  listen?: string | false | undefined;
  /** The clock (default: the system clock). */
  now?: () => Date;
  /** The jobs to schedule (default: `service.jobs` of the config mapped to the SDK). */
  jobs?: readonly ScheduledJob[] | undefined;
  /** PostgreSQL only: graphile-worker's poll interval and the dead-run sweep interval (tests shorten them). */
  pollInterval?: number | undefined;
  sweepInterval?: number | undefined;
}

/** A running `mailramp serve`. */
export interface RunningService {
  /** `host:pid`, as written in `service_runs.worker`. */
  readonly worker: string;
  readonly engine: 'postgres' | 'pglite';
  /** Where the HTTP server listens (`http://127.0.0.1:9025`), when it does. */
  readonly url: string | undefined;
  readonly scheduler: Scheduler;
  /** Stops taking requests and slots, lets runs in progress end (at most `graceMs`), then resolves. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `mailramp serve`: the scheduler — graphile-worker's cron on PostgreSQL (any number of
 * processes), one in-process timer on the embedded database (one process: the data-directory lock
 * refuses a second) — and the HTTP server, whose job and build requests run through the same
 * scheduler and land in `service_runs` like scheduled runs.
 *
 * @example
 * const mailramp = await openMailramp('/etc/mailramp/mailramp.config.json');
 * const service = await startService({ mailramp, logger: pino() });
 * process.once('SIGTERM', () => void service.stop().then(() => mailramp.close()));
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { mailramp, logger } = options;
  const now = options.now ?? (() => new Date());
  const { config } = mailramp;
  const catalogue = createJobCatalogue(mailramp);
  const jobs = options.jobs ?? scheduledJobsOf(config, catalogue);
  const problems = jobs.flatMap((job) => {
    try {
      compileSchedule(job.name, job.schedule);
      return [];
    } catch (error) {
      return [`service.jobs.${job.name}.schedule: ${(error as Error).message}`];
    }
  });
  if (problems.length > 0) {
    throw new ConfigError('INVALID', `the job schedules are invalid:\n  ${problems.join('\n  ')}`, problems);
  }
  const listen = options.listen ?? config.service.listen;
  const address = listen === false ? undefined : parseListenAddress(listen);
  if (listen !== false && address === undefined) {
    const port = /:(\d+)$/.exec(listen)?.[1];
    throw new ConfigError(
      'INVALID',
      port !== undefined && Number(port) > 65_535
        ? `--listen ${listen}: port ${port} is out of range (0-65535; 0 picks a free one)`
        : `--listen ${listen} is not host:port (e.g. 127.0.0.1:9025)`,
    );
  }

  // Opening the database first: on the embedded engine this takes the data-directory lock, so a
  // second service on the same directory is refused before it schedules anything.
  const db = await mailramp.db();
  const pending = (await mailramp.database.migrationStatus()).filter((m) => m.state === 'pending');
  if (pending.length > 0) {
    throw new DbError(
      'NOT_MIGRATED',
      `the database has ${pending.length} migration${pending.length === 1 ? '' : 's'} to apply (${pending[0]?.name}${pending.length > 1 ? ', …' : ''}); run mailramp db migrate, then start the service`,
    );
  }
  const worker = `${hostname()}:${process.pid}`;
  const url = config.database.url;
  const engine = url === undefined || url === '' ? 'pglite' : 'postgres';

  // The port is bound before the scheduler starts: a busy or forbidden port is a configuration
  // error (exit 2) that must stop the start-up before any job runs or any run row is written.
  let server: FastifyInstance | undefined;
  let serverUrl: string | undefined;
  let ready: (scheduler: Scheduler) => void = () => undefined;
  const schedulerReady = new Promise<Scheduler>((resolveReady) => {
    ready = resolveReady;
  });
  if (address !== undefined) {
    const deferred: Scheduler = {
      worker,
      runNow: async (job, slot) => (await schedulerReady).runNow(job, slot),
      stop: async (graceMs) => (await schedulerReady).stop(graceMs),
    };
    server = createHttpServer({
      mailramp,
      token: config.service.token,
      logger,
      now,
      jobs: createSchedulerJobRunner(deferred, jobs, catalogue.build, now),
    });
    serverUrl = await listenOrExplain(server, address, listen as string);
    if (config.service.token === undefined) {
      logger.warn(
        { listen: serverUrl },
        'no service token (MAILRAMP_SERVICE_TOKEN or service.token): the API reads and the dashboard work, but every change (POST /api/builds, /api/jobs/:name/run, /api/incidents/:id/resume) answers 403 until one is set',
      );
    }
    if (!isLoopback(address.host)) {
      logger.warn(
        { listen: serverUrl },
        `the API listens on ${address.host}, reachable from the network: only the bearer token protects the mutations; bind 127.0.0.1 unless a firewall or proxy guards the port`,
      );
    }
  }

  let scheduler: Scheduler;
  try {
    scheduler =
      engine === 'postgres'
        ? await createPgScheduler({
            connectionString: url as string,
            db,
            jobs,
            logger,
            worker,
            now,
            ...(options.pollInterval === undefined ? {} : { pollInterval: options.pollInterval }),
            ...(options.sweepInterval === undefined ? {} : { sweepInterval: options.sweepInterval }),
          })
        : await createLocalScheduler({ db, jobs, logger, worker, now });
  } catch (error) {
    await server?.close();
    throw error;
  }
  ready(scheduler);
  logger.info(
    { worker, engine, url: serverUrl, jobs: jobs.filter((j) => j.enabled).map((j) => j.name) },
    'mailramp serve started',
  );

  return {
    worker,
    engine,
    url: serverUrl,
    scheduler,
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      logger.info({ worker, graceMs }, 'stopping');
      await server?.close();
      await scheduler.stop(graceMs);
    },
  };
}

/** Whether `host` is reachable only from this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Binds the HTTP server; a port in use or not permitted becomes a configuration error naming the
 * address and how to change it (the CLI exits 2, and systemd does not restart into the same wall).
 */
async function listenOrExplain(
  server: FastifyInstance,
  address: { host: string; port: number },
  listen: string,
): Promise<string> {
  try {
    return await listenHttpServer(server, address);
  } catch (error) {
    await server.close();
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const why =
        code === 'EADDRINUSE'
          ? 'is in use by another process'
          : code === 'EACCES'
            ? 'is not permitted to this user (ports below 1024 need root or CAP_NET_BIND_SERVICE)'
            : 'is not an address of this host';
      throw new ConfigError(
        'INVALID',
        `cannot listen on ${listen}: the address ${why} (${code}); choose another with --listen host:port or service.listen`,
        [`service.listen: ${listen} ${why}`],
        { cause: error },
      );
    }
    throw error;
  }
}

/** The HTTP API's job runner on a scheduler: on-demand runs are recorded under the current time. */
export function createSchedulerJobRunner(
  scheduler: Scheduler,
  jobs: readonly ScheduledJob[],
  build: JobCatalogue['build'],
  now: () => Date,
): JobRunner {
  const find = (name: string) => {
    const job = jobs.find((j) => j.name === name);
    if (job === undefined) throw new ServiceError('UNKNOWN_JOB', `no job "${name}"`);
    return job;
  };
  const start = async (job: ScheduledJob) => {
    const slot = now();
    const { id } = await scheduler.runNow(job, slot);
    return { job: job.name, slot, id: String(id) };
  };
  return {
    jobNames: () => jobs.map((j) => j.name),
    runJob: (name) => start(find(name)),
    runBuild: ({ vertical, ...request }) => {
      if (!(BUILD_VERTICALS as readonly string[]).includes(vertical)) {
        throw new ServiceError(
          'INVALID_INPUT',
          `no vertical "${vertical}"; one of ${BUILD_VERTICALS.join(', ')}`,
        );
      }
      return start({ ...find(`build-${vertical}`), run: build(vertical as BuildVertical, request) });
    },
  };
}
