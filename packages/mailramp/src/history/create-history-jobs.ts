import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';
import type { DeliveryHistory } from './read-delivery-history.js';

/** The most days {@link HistoryJobs.deliveries} reads at once. */
export const MAX_HISTORY_DAYS = 90;

/** Options of {@link HistoryJobs.deliveries}. */
export interface DeliveryHistoryOptions {
  /** How many days, ending `until` (default 14, at most {@link MAX_HISTORY_DAYS}). */
  days?: number | undefined;
  /** The last day, YYYY-MM-DD (default: today, UTC). */
  until?: string | undefined;
}

/** Read-only views of what the report runs stored (report_days, report_hours, report_outcomes). */
export interface HistoryJobs {
  /**
   * The delivery series of the last `days` days per day, per sending IP and per receiving
   * operator, and the last day's mix and top reasons: what the dashboard's charts draw.
   */
  deliveries(options?: DeliveryHistoryOptions): Promise<DeliveryHistory>;
}

/** The history views of a session. */
export function createHistoryJobs(session: Session): HistoryJobs {
  return {
    async deliveries(options = {}) {
      const days = options.days ?? 14;
      if (!Number.isInteger(days) || days < 1 || days > MAX_HISTORY_DAYS) {
        throw new MailrampError(
          'INVALID_INPUT',
          `days must be a whole number from 1 to ${MAX_HISTORY_DAYS}, got ${JSON.stringify(days)}`,
        );
      }
      const until = options.until ?? session.now().toISOString().slice(0, 10);
      const parsed = new Date(`${until}T00:00:00Z`);
      if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== until) {
        throw new MailrampError(
          'INVALID_INPUT',
          `until must be a date YYYY-MM-DD, got ${JSON.stringify(until)}`,
        );
      }
      const { readDeliveryHistory } = await import('./read-delivery-history.js');
      return readDeliveryHistory(await session.db(), { until, days });
    },
  };
}
