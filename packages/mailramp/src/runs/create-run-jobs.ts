import type { Session } from '../session.js';
import type {
  JobLastRuns,
  ListServiceRunsOptions,
  ServiceRunCursor,
  ServiceRunRecord,
} from './service-runs-repository.js';

export type { JobLastRuns, ListServiceRunsOptions, ServiceRunCursor, ServiceRunRecord };

/** The runs `mailramp serve` recorded (`service_runs`), read only. */
export interface RunJobs {
  /**
   * Runs, latest slot first, a page at a time.
   *
   * @example
   * let page = await mailramp.runs.list({ outcome: 'failed' });
   * while (page.next) page = await mailramp.runs.list({ outcome: 'failed', after: page.next });
   */
  list(
    options?: ListServiceRunsOptions,
  ): Promise<{ runs: ServiceRunRecord[]; next: ServiceRunCursor | undefined }>;
  /** Each job's latest and latest successful run: of `jobs`, or of every job that has run. */
  latest(jobs?: readonly string[]): Promise<JobLastRuns[]>;
}

/** The run jobs of a session. */
export function createRunJobs(session: Session): RunJobs {
  const repository = async () => {
    const [db, { createServiceRunsRepository }] = await Promise.all([
      session.db(),
      import('./service-runs-repository.js'),
    ]);
    return createServiceRunsRepository(db);
  };
  return {
    list: async (options) => (await repository()).list(options),
    latest: async (jobs) => (await repository()).latest(jobs),
  };
}
