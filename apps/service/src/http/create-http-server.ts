import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { type Mailramp, MailrampError, type MailrampErrorCode } from 'mailramp';
import type { Logger } from 'pino';
import { ServiceError, type ServiceErrorCode } from '../errors.js';
import { checkBearerToken } from './check-bearer-token.js';
import type { JobRunner } from './job-runner.js';
import { registerJobRoutes } from './routes/register-job-routes.js';

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

/** The HTTP status of each service error code: a new code does not compile until it is mapped. */
const SERVICE_STATUS: Record<ServiceErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  TOKEN_NOT_CONFIGURED: 403,
  UNKNOWN_JOB: 404,
  JOB_BUSY: 409,
};

/** The HTTP status of each SDK error code. */
const MAILRAMP_STATUS: Record<MailrampErrorCode, number> = {
  LISTMONK_NOT_CONFIGURED: 409,
  WARMUP_NOT_CONFIGURED: 409,
  INVALID_INPUT: 400,
  HOLD_ABOVE_TABLE: 409,
  HOLD_TABLE_NOT_FIRST: 409,
  INCIDENT_NOT_FOUND: 404,
  INCIDENT_STILL_ALARMING: 409,
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Creates the service's HTTP server (not listening yet: see `listenHttpServer`). Every method but
 * GET/HEAD/OPTIONS is a mutation and needs `Authorization: Bearer <token>`, including routes other
 * parts register later with `server.register(plugin)` (the dashboard, the guard).
 *
 * @example
 * const server = createHttpServer({ mailramp, token, logger, now: () => new Date(), jobs });
 * await server.register(dashboardPlugin);
 * await listenHttpServer(server, { port: 8425 });
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
    const { status, code, message } = describeError(error);
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
  registerJobRoutes(server, deps.jobs);

  return server;
}

/** The status, code and message a failed request answers with; unknown errors say nothing of themselves. */
function describeError(error: FastifyError | Error): { status: number; code: string; message: string } {
  if (error instanceof ServiceError) {
    return { status: SERVICE_STATUS[error.code], code: error.code, message: error.message };
  }
  if (error instanceof MailrampError) {
    return { status: MAILRAMP_STATUS[error.code], code: error.code, message: error.message };
  }
  const statusCode = (error as FastifyError).statusCode;
  // Fastify's own 4xx (a body that is not JSON, too large, a bad content type) say what was wrong.
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, code: 'INVALID_INPUT', message: error.message };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error; the service log has the details' };
}
