import type { AlarmEpisode, ListAlarmEpisodesOptions } from '@mailramp/ops/maillog';
import type { Session } from '../session.js';

export type { AlarmEpisode, ListAlarmEpisodesOptions };

/** Alarm episodes the stored report runs opened and closed (`ops report --store`, the service). */
export interface AlarmJobs {
  /**
   * Episodes, most recently seen first: `{ status: 'open' }` for what is tripping now. Read only.
   *
   * @example
   * const open = await mailramp.alarms.list({ status: 'open' });
   * if (open.some((a) => a.severity === 'critical')) stopSending();
   */
  list(options?: ListAlarmEpisodesOptions): Promise<AlarmEpisode[]>;
}

/** The alarm jobs of a session. */
export function createAlarmJobs(session: Session): AlarmJobs {
  return {
    async list(options = {}) {
      const [db, { createAlarmEpisodesRepository }] = await Promise.all([
        session.db(),
        import('@mailramp/ops/maillog'),
      ]);
      return createAlarmEpisodesRepository(db).list(options);
    },
  };
}
