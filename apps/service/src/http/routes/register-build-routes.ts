import type { FastifyInstance } from 'fastify';
import { type BuildOptions, MailrampError } from 'mailramp';
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
  /** Move send times that have passed to the next future slot (CLI --next-slot). */
  nextSlot: z.boolean().optional(),
  /** Send every campaign at this UTC time instead of each zone's morning (CLI --send-hour/--send-minute). */
  sendHour: z.number().int().min(0).max(23).optional(),
  sendMinute: z.number().int().min(0).max(59).optional(),
  /** Live only: push although the pre-flight gate refuses; `reason` is recorded with `by` (who). */
  force: z
    .strictObject({
      reason: z.string().trim().min(1, 'force.reason must say why'),
      by: z.string().trim().min(1).optional(),
    })
    .optional(),
});

/** The date and send-time options of a request, as the SDK's BuildOptions take them. */
function slotOptions(body: z.infer<typeof BuildBody>) {
  return {
    date: body.date,
    nextSlot: body.nextSlot,
    sendHour: body.sendHour,
    sendMinute: body.sendMinute,
  };
}

/**
 * `POST /api/builds` `{ vertical, mode: 'dry' | 'live', date?, nextSlot?, sendHour?, sendMinute?, force?: { reason, by? } }`: a dry build
 * answers its plan's counts and the pre-flight gate's verdict (200); a live one is handed to the
 * scheduler, recorded as a run like the scheduled build (202) — a refusal of the gate ends that run
 * `failed` with the failing checks in its summary; `force` overrides the gate for that run.
 */
export function registerBuildRoutes(server: FastifyInstance, deps: HttpServerDeps): void {
  server.post('/api/builds', async (request, reply) => {
    const body = parseRequest(BuildBody, request.body, 'body');
    const { vertical } = body;
    if (body.mode === 'live') {
      const started = await deps.jobs.runBuild({ vertical, ...slotOptions(body), force: body.force });
      return reply
        .status(202)
        .send({ job: started.job, slot: started.slot.toISOString(), id: started.id ?? null });
    }
    if (body.force !== undefined) {
      throw new MailrampError(
        'INVALID_INPUT',
        'force is for a live build ("mode": "live"): a dry build pushes nothing',
      );
    }
    const { plan, warmup, problems, gate } = await deps.mailramp.build.plan({
      vertical,
      ...slotOptions(body),
    });
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
      // What a live build would stop on now: every check with its evidence.
      gate,
    };
  });
}
