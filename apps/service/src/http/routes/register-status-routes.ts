import type { FastifyInstance } from 'fastify';
import type { HttpServerDeps } from '../create-http-server.js';
import { readServiceStatus } from '../read-service-status.js';
import { shareInFlight } from '../share-in-flight.js';

/** `GET /api/status`: per stream the warm-up day against the ramp, today's delivery mix, open alarms, the last run of every job. */
export function registerStatusRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  const read = shareInFlight(() => readServiceStatus(deps.mailramp, deps.jobs, deps.now()));
  server.get('/api/status', read);
}
