import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../errors.js';
import type { JobRunner } from '../job-runner.js';

/** `POST /api/jobs/:name/run`: runs a job now through the scheduler (202 with the slot it is recorded under). */
export function registerJobRoutes(server: FastifyInstance, jobs: JobRunner): void {
  server.post<{ Params: { name: string } }>('/api/jobs/:name/run', async (request, reply) => {
    const { name } = request.params;
    const names = jobs.jobNames();
    if (!names.includes(name)) {
      throw new ServiceError(
        'UNKNOWN_JOB',
        `no job "${name}"; the service runs ${names.length > 0 ? names.join(', ') : 'no jobs'} (service.jobs in mailramp.config.json)`,
      );
    }
    const started = await jobs.runJob(name);
    return reply
      .status(202)
      .send({ job: started.job, slot: started.slot.toISOString(), id: started.id ?? null });
  });
}
