import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Mailramp } from 'mailramp';
import type { Logger } from 'pino';
import { dashboardPlugin } from '../dashboard/dashboard-plugin.js';
import { ServiceError } from '../errors.js';
import { checkBearerToken } from './check-bearer-token.js';
import { describeHttpError } from './describe-http-error.js';
import type { JobRunner } from './job-runner.js';
import { registerAlarmRoutes } from './routes/register-alarm-routes.js';
import { registerBuildRoutes } from './routes/register-build-routes.js';
import { registerIncidentRoutes } from './routes/register-incident-routes.js';
import { registerMetricsRoute } from './routes/register-metrics-route.js';
import { registerRunRoutes } from './routes/register-run-routes.js';
import { registerStatusRoutes } from './routes/register-status-routes.js';

/** What the HTTP server needs; the scheduler's `start-service.ts` builds it from the config. */
export interface HttpServerDeps {
  /** The SDK session every route reads through (the service imports no package below the SDK). */
  mailramp: Mailramp;
  /** The bearer token mutations need (`service.token`); undefined refuses every mutation. */
  token: string | undefined;
  /** JSON-lines logger; requests are logged without headers, so never with the token. */
  logger: Logger;
  /** The clock that decides "today". */
  now: () => Date;
  /** Runs jobs and live builds on demand, recorded like scheduled runs. */
  jobs: JobRunner;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Creates the service's HTTP server (not listening yet: see `listenHttpServer`). Every method but
 * GET/HEAD/OPTIONS is a mutation and needs `Authorization: Bearer <token>`, including routes other
 * parts register later with `server.register(plugin)` (the dashboard, the guard).
 *
 * @example
 * const server = createHttpServer({ mailramp, token, logger, now: () => new Date(), jobs });
 * await server.register(dashboardPlugin);
 * await listenHttpServer(server, { port: 9025 });
 */
export function createHttpServer(deps: HttpServerDeps): FastifyInstance {
  const server = Fastify({
    loggerInstance: deps.logger,
    // The service sits behind nothing: a body larger than this is not an API call of ours.
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;

  server.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (deps.token === undefined || deps.token === '') {
      throw new ServiceError(
        'TOKEN_NOT_CONFIGURED',
        'this service has no API token, so it refuses every change; set service.token in mailramp.config.json (or MAILRAMP_SERVICE_TOKEN) and restart it',
      );
    }
    if (!checkBearerToken(request.headers.authorization, deps.token)) {
      reply.header('WWW-Authenticate', 'Bearer realm="mailramp"');
      throw new ServiceError(
        'UNAUTHORIZED',
        'this request changes something and needs the service token: send Authorization: Bearer <service.token>',
      );
    }
  });

  server.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, code, message } = describeHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code, status }, message);
    return reply.status(status).send({ error: { code, message } });
  });

  server.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );

  server.get('/healthz', async () => ({ ok: true, now: deps.now().toISOString() }));
  registerMetricsRoute(server, deps);
  registerStatusRoutes(server, deps);
  registerRunRoutes(server, deps);
  registerAlarmRoutes(server, deps);
  registerBuildRoutes(server, deps);
  registerIncidentRoutes(server, deps);
  server.register(dashboardPlugin, { mailramp: deps.mailramp });

  return server;
}
