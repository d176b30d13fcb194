/**
 * `mailramp serve` (issue 23): one process that runs every job on schedule through the SDK, records
 * each run, serves the HTTP API, the metrics and the dashboard. Parts land here one by one.
 */
export { SERVICE_ERROR_CODES, ServiceError, type ServiceErrorCode } from './errors.js';
export { createHttpServer, type HttpServerDeps } from './http/create-http-server.js';
export type { JobRunner, JobRunStarted, LiveBuildOptions } from './http/job-runner.js';
export {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  type HttpListen,
  listenHttpServer,
} from './http/listen-http-server.js';
