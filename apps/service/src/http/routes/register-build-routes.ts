import type { FastifyInstance } from 'fastify';
import type { BuildOptions } from 'mailramp';
import { z } from 'zod';
import type { HttpServerDeps } from '../create-http-server.js';
import { parseRequest } from '../parse-request.js';

// The verticals the builder knows; `satisfies` keeps the list within the SDK's type.
const VERTICALS = ['trucking', 'healthcare'] as const satisfies readonly BuildOptions['vertical'][];

const BuildBody = z.strictObject({
  vertical: z.enum(VERTICALS),
  /** `dry` plans and lints (writes nothing, touches no Listmonk); `live` runs the build through the scheduler. */
  mode: z.enum(['dry', 'live']),
  date: z.iso.date().optional(),
});

/**
 * `POST /api/builds` `{ vertical, mode: 'dry' | 'live', date? }`: a dry build answers its plan's counts
 * (200); a live one is handed to the scheduler, recorded as a run like the scheduled build (202).
 */
export function registerBuildRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  server.post('/api/builds', async (request, reply) => {
    const body = parseRequest(BuildBody, request.body, 'body');
    const { vertical } = body;
    if (body.mode === 'live') {
      const started = await deps.jobs.runBuild({ vertical, date: body.date });
      return reply
        .status(202)
        .send({ job: started.job, slot: started.slot.toISOString(), id: started.id ?? null });
    }
    const { plan, warmup, problems } = await deps.mailramp.build.plan({ vertical, date: body.date });
    // Counts only: the recipients' addresses stay out of responses and logs.
    return {
      mode: 'dry',
      vertical,
      date: plan.date,
      warmup,
      dailyCap: plan.dailyCap,
      recipients: plan.recipients.length,
      campaigns: plan.campaigns.length,
      segments: plan.segments,
      bySegmentOperator: plan.bySegmentOperator,
      heldOperators: plan.heldOperators,
      excluded: plan.excluded,
      capsHit: plan.capsHit,
      problems,
    };
  });
}
