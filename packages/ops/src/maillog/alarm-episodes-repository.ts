import type { AlarmsTable, Database } from '@mailramp/db';
import type { Kysely, Selectable } from 'kysely';
import type { AlarmEvidence, AlarmSeverity } from './list-alarms.js';

/** Whether an alarm episode is still tripping (`open`) or ended (`closed`). */
export type AlarmEpisodeStatus = 'open' | 'closed';

/** What an episode's evidence holds: the last run's evidence and the log days it tripped on. */
export interface EpisodeEvidence extends AlarmEvidence {
  /** The log days (YYYY-MM-DD, the log's clock) the alarm tripped on in the run that last saw it. */
  logDays: string[];
}

/**
 * One alarm episode (table `alarms`): from the first report run that raised an alarm for a scope to
 * the run that no longer did. `scope` is the sending IP for per-IP alarms, '' for host-wide ones
 * (see plan-alarm-episodes.ts).
 */
export interface AlarmEpisode {
  id: number;
  alarm: string;
  scope: string;
  severity: AlarmSeverity;
  status: AlarmEpisodeStatus;
  message: string;
  action: string | null;
  evidence: EpisodeEvidence;
  firstSeen: Date;
  lastSeen: Date;
  closedAt: Date | null;
}

/** Filters of `AlarmEpisodesRepository.list()`. */
export interface ListAlarmEpisodesOptions {
  /** `open`, `closed`, or both (default `all`). */
  status?: AlarmEpisodeStatus | 'all' | undefined;
  /** Only this alarm id (e.g. `bind_failure`). */
  alarm?: string | undefined;
  /** At most this many, most recently seen first (default 500). */
  limit?: number | undefined;
}

/** Alarm episodes kept in `alarms`: read by the service, the dashboard and the guard. */
export interface AlarmEpisodesRepository {
  /** Episodes, most recently seen first. */
  list(options?: ListAlarmEpisodesOptions): Promise<AlarmEpisode[]>;
}

/** The row as the domain object; evidence written before `logDays` existed reads as no days. */
export function toAlarmEpisode(row: Selectable<AlarmsTable>): AlarmEpisode {
  const evidence = row.evidence as Partial<EpisodeEvidence>;
  return {
    id: Number(row.id),
    alarm: row.alarm,
    scope: row.scope,
    severity: row.severity,
    status: row.status,
    message: row.message,
    action: row.action,
    evidence: {
      counts: evidence.counts ?? {},
      ...(evidence.days !== undefined ? { days: evidence.days } : {}),
      samples: evidence.samples ?? [],
      logDays: evidence.logDays ?? [],
    },
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    closedAt: row.closed_at,
  };
}

/**
 * Creates the alarm episodes repository.
 *
 * @example
 * const open = await createAlarmEpisodesRepository(db).list({ status: 'open' });
 */
export function createAlarmEpisodesRepository(db: Kysely<Database>): AlarmEpisodesRepository {
  return {
    async list(options = {}) {
      let query = db.selectFrom('alarms').selectAll();
      const status = options.status ?? 'all';
      if (status !== 'all') query = query.where('status', '=', status);
      if (options.alarm !== undefined) query = query.where('alarm', '=', options.alarm);
      const rows = await query
        .orderBy('last_seen', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 500)
        .execute();
      return rows.map(toAlarmEpisode);
    },
  };
}
