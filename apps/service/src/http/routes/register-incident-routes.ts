import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HttpServerDeps } from '../create-http-server.js';
import { parseRequest } from '../parse-request.js';

const IncidentsQuery = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('all'),
  stream: z.string().min(1).optional(),
});

const IncidentParams = z.strictObject({ id: z.coerce.number().int().positive() });

const ResumeBody = z
  .strictObject({
    dryRun: z.boolean().default(false),
    releaseHold: z.boolean().default(false),
    by: z.string().min(1).max(200).optional(),
  })
  .default({ dryRun: false, releaseHold: false });

/**
 * `GET /api/incidents?status=&stream=`: the guard's incidents, newest first (open ones first for
 * the dashboard: `status=open`). `GET /api/incidents/:id`: one with every action. `POST
 * /api/incidents/:id/resume` `{ dryRun?, releaseHold?, by? }`: lifts it as `mailramp guard resume`
 * does (409 INCIDENT_STILL_ALARMING while a STOP alarm of its stream is open).
 */
export function registerIncidentRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  server.get('/api/incidents', async (request) => {
    const query = parseRequest(IncidentsQuery, request.query, 'query');
    return { incidents: await deps.mailramp.guard.incidents(query) };
  });
  server.get('/api/incidents/:id', async (request) => {
    const { id } = parseRequest(IncidentParams, request.params, 'params');
    return deps.mailramp.guard.incident(id);
  });
  server.post('/api/incidents/:id/resume', async (request) => {
    const { id } = parseRequest(IncidentParams, request.params, 'params');
    const body = parseRequest(ResumeBody, request.body ?? {}, 'body');
    return deps.mailramp.guard.resume(id, { ...body, by: body.by ?? 'api' });
  });
}
