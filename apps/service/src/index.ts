/**
 * `mailramp serve` (issue 23): one process that runs every job on schedule through the SDK, records
 * each run, serves the HTTP API, the metrics and the dashboard. First file: `start-service.ts`.
 */

export { createServiceLogger } from './create-service-logger.js';
export { SERVICE_ERROR_CODES, ServiceError, type ServiceErrorCode } from './errors.js';
export { createHttpServer, type HttpServerDeps } from './http/create-http-server.js';
export type { JobRunner, JobRunStarted, LiveBuildOptions } from './http/job-runner.js';
export {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  type HttpListen,
  listenHttpServer,
} from './http/listen-http-server.js';
export {
  BUILD_VERTICALS,
  type BuildVertical,
  createJobCatalogue,
  type JobCatalogue,
  type JobRun,
  SERVICE_REPORT_OPTIONS,
  scheduledJobsOf,
} from './jobs/create-job-catalogue.js';
export {
  renderServeUnit,
  renderSessionServeUnit,
  type ServeUnit,
  type ServeUnitInput,
} from './render-serve-unit.js';
export {
  createLocalScheduler,
  type LocalScheduler,
  type LocalSchedulerOptions,
} from './scheduler/create-local-scheduler.js';
export { createPgScheduler, type PgSchedulerOptions } from './scheduler/create-pg-scheduler.js';
export {
  DEFAULT_STOP_GRACE_MS,
  type JobContext,
  type JobOutcome,
  type RunSummary,
  type ScheduledJob,
  type Scheduler,
} from './scheduler/scheduled-job.js';
export {
  createSchedulerJobRunner,
  type RunningService,
  type StartServiceOptions,
  startService,
} from './start-service.js';
