import type { Session } from '../session.js';
import type { DeliveryCount, DeliveryDay, LastBuild } from './stored-results-repository.js';

export type { DeliveryCount, DeliveryDay, LastBuild };

/** Stored results: the report runs' days and the builds' counts, read only. */
export interface ResultJobs {
  /**
   * The stored log day `date` (default today, UTC, by the session's clock): delivery mix, DKIM,
   * queue size and deliveries by IP × operator × outcome; undefined when no report run stored it.
   *
   * @example
   * const today = await mailramp.results.day();
   * if (today && (today.deliveryRate ?? 1) < 0.8) console.log('delivery is down');
   */
  day(date?: string): Promise<DeliveryDay | undefined>;
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
    async day(date) {
      const { toUtcDate } = await import('@mailramp/ops');
      return (await repository()).findDay(toUtcDate(date ?? session.now()));
    },
    lastBuilds: async () => (await repository()).lastBuilds(),
  };
}
