import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpServerDeps } from '../create-http-server.js';
import { parseRequest } from '../parse-request.js';

const AlarmsQuery = z.strictObject({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  alarm: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /api/alarms?status=open|closed|all&alarm=&limit=`: alarm episodes with their evidence, most recently seen first. */
export function registerAlarmRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  server.get('/api/alarms', async (request) => {
    const query = parseRequest(AlarmsQuery, request.query, 'query');
    return { alarms: await deps.mailramp.alarms.list(query) };
  });
}
