import { SERVICE_JOB_NAMES } from '@mailramp/config';
import type { Mailramp } from 'mailramp';
import { pino } from 'pino';
import { createHttpServer } from '../../http/create-http-server.js';
import type { JobRunner } from '../../http/job-runner.js';
import { listenHttpServer } from '../../http/listen-http-server.js';

/** A job runner with the default jobs that runs none: the dashboard only reads. */
const NO_JOBS: JobRunner = {
  jobNames: () => SERVICE_JOB_NAMES,
  runJob: () => Promise.reject(new Error('the dashboard test server runs no job')),
  runBuild: () => Promise.reject(new Error('the dashboard test server runs no build')),
};

/**
 * The service's real HTTP server (every route, the dashboard's included) on 127.0.0.1 and a free
 * port, logging nothing, for the dashboard's browser test and benchmark.
 */
export async function startTestServer(
  mailramp: Mailramp,
  now: () => Date,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createHttpServer({
    mailramp,
    token: 'dashboard-test-token-0123456789',
    logger: pino({ level: 'silent' }),
    now,
    jobs: NO_JOBS,
  });
  const url = await listenHttpServer(server, { port: 0 });
  return { url, close: () => server.close() };
}
