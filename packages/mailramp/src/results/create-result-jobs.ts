import type { Session } from '../session.js';
import type { DeliveryCount, LastBuild } from './stored-results-repository.js';

export type { DeliveryCount, LastBuild };

/** Stored results: a day's deliveries by IP × operator × outcome and the builds' counts, read only. */
export interface ResultJobs {
  /**
   * The stored log day `date` (default today, UTC, by the session's clock) by sending IP ×
   * receiving operator × outcome, reasons summed, largest first; [] when no report stored it. The
   * day's totals and rates are in `history.deliveries()`.
   *
   * @example
   * const today = await mailramp.results.deliveries();
   * const rejected = today.filter((d) => d.outcome === 'reputation_reject');
   */
  deliveries(date?: string): Promise<DeliveryCount[]>;
  /** Each vertical's latest finished live build and its recipient counts. */
  lastBuilds(): Promise<LastBuild[]>;
}

/** The result jobs of a session. */
export function createResultJobs(session: Session): ResultJobs {
  const repository = async () => {
    const [db, { createStoredResultsRepository }] = await Promise.all([
      session.db(),
      import('./stored-results-repository.js'),
    ]);
    return createStoredResultsRepository(db);
  };
  return {
    async deliveries(date) {
      const { toUtcDate } = await import('@mailramp/ops');
      return (await repository()).listDeliveries(toUtcDate(date ?? session.now()));
    },
    lastBuilds: async () => (await repository()).lastBuilds(),
  };
}
