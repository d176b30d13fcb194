import { SERVICE_RUN_OUTCOMES } from '@mailramp/db';
import type { FastifyInstance } from 'fastify';
import type { ServiceRunCursor } from 'mailramp';
import { z } from 'zod';
import { ServiceError } from '../../errors.js';
import type { HttpServerDeps } from '../create-http-server.js';
import { parseRequest } from '../parse-request.js';

const RunsQuery = z.strictObject({
  job: z.string().min(1).optional(),
  outcome: z.enum(SERVICE_RUN_OUTCOMES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `next` of the previous page. */
  after: z.string().min(1).optional(),
});

/** Encodes where a page ended as an opaque cursor for `?after=`. */
function encodeCursor(cursor: ServiceRunCursor): string {
  return Buffer.from(`${cursor.slot.toISOString()}|${cursor.id}`).toString('base64url');
}

function decodeCursor(text: string): ServiceRunCursor {
  const [slot, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const at = new Date(slot ?? '');
  if (extra !== undefined || Number.isNaN(at.getTime()) || !/^\d+$/.test(id ?? '')) {
    throw new ServiceError(
      'INVALID_INPUT',
      'bad query: after: not a cursor of this API; pass the `next` value of the previous page as it came',
    );
  }
  return { slot: at, id: Number(id) };
}

/**
 * `GET /api/runs?job=&outcome=&limit=&after=`: recorded runs, latest slot first, a page at a time;
 * `POST /api/jobs/:name/run`: runs a job now through the scheduler (202 with the slot it is recorded under).
 */
export function registerRunRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  server.get('/api/runs', async (request) => {
    const query = parseRequest(RunsQuery, request.query, 'query');
    const page = await deps.mailramp.runs.list({
      job: query.job,
      outcome: query.outcome,
      limit: query.limit,
      after: query.after === undefined ? undefined : decodeCursor(query.after),
    });
    return { runs: page.runs, next: page.next === undefined ? null : encodeCursor(page.next) };
  });

  server.post<{ Params: { name: string } }>('/api/jobs/:name/run', async (request, reply) => {
    const { name } = request.params;
    const names = deps.jobs.jobNames();
    if (!names.includes(name)) {
      throw new ServiceError(
        'UNKNOWN_JOB',
        `no job "${name}"; the service runs ${names.length > 0 ? names.join(', ') : 'no jobs'} (service.jobs in mailramp.config.json)`,
      );
    }
    const started = await deps.jobs.runJob(name);
    return reply
      .status(202)
      .send({ job: started.job, slot: started.slot.toISOString(), id: started.id ?? null });
  });
}
