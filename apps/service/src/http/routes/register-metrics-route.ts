import type { FastifyInstance } from 'fastify';
import type { HttpServerDeps } from '../create-http-server.js';
import { createServiceMetrics } from '../metrics/create-service-metrics.js';

/** `GET /metrics`: Prometheus text, read through the SDK at each scrape. */
export function registerMetricsRoute(server: FastifyInstance, deps: HttpServerDeps): void {
  const metrics = createServiceMetrics(deps);
  server.get('/metrics', async (_request, reply) => {
    const text = await metrics.render();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
