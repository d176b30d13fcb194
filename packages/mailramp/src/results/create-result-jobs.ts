import type { HistoryDay } from '../history/read-delivery-history.js';
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
  /**
   * The stored totals of log day `date` (default today, UTC, by the session's clock): sent,
   * deferred, bounced, delivery rate, DKIM ratio, queue size, how far the log was read — one row,
   * what `history.deliveries()` gives as a day of `totals`; `reported: false` when no report stored it.
   *
   * @example
   * const { dkimRatio } = await mailramp.results.day();
   */
  day(date?: string): Promise<HistoryDay>;
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
    async day(date) {
      const [{ toUtcDate }, { readHistoryDay }, db] = await Promise.all([
        import('@mailramp/ops'),
        import('../history/read-delivery-history.js'),
        session.db(),
      ]);
      return readHistoryDay(db, toUtcDate(date ?? session.now()));
    },
    lastBuilds: async () => (await repository()).lastBuilds(),
  };
}
