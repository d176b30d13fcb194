import type { AlarmEpisode, EpisodeEvidence } from './alarm-episodes-repository.js';
import { ALARM_IDS, type Alarm, type AlarmSeverity } from './list-alarms.js';
import type { MailLogReport } from './report-types.js';

const DAY = 86_400_000;

/** An alarm as a report run raised it for one scope: what an episode row holds. */
export interface ScopedAlarm {
  alarm: string;
  /** The sending IP for per-IP alarms (`bind_failure`, `primary_ip_egress`), '' for host-wide ones. */
  scope: string;
  severity: AlarmSeverity;
  message: string;
  action: string;
  evidence: EpisodeEvidence;
}

/** What the run read: the window asked for and the report's span, `Date.UTC` ms of the log's clock. */
export interface ReadSpan {
  since: number | undefined;
  until: number | undefined;
  firstTime: number | undefined;
  lastTime: number | undefined;
}

/** What to write to `alarms`: episodes to open, open ones to move on, open ones to close. */
export interface AlarmEpisodePlan {
  open: ScopedAlarm[];
  update: Array<ScopedAlarm & { id: number }>;
  close: number[];
}

/** The parts of a report the scopes and log days of its alarms come from. */
export type ScopeSource = Pick<MailLogReport, 'primaryIp' | 'bindFailures' | 'byDay' | 'dkim'>;

const sortedDays = (days: Iterable<string>) => [...new Set(days)].sort();

/**
 * Splits a run's alarms into scopes. `bind_failure` is one alarm per IP that failed to bind (the
 * re-bind is per address), `primary_ip_egress` is scoped to the primary IP it names; every other
 * alarm is about the host's mail as a whole (a receiver's reply, the DKIM signer, a day's delivery
 * mix), scope ''. Each gets the log days it tripped on: the days of its per-day evidence, the days
 * of an IP's bind failures, else every day the run read.
 *
 * @example
 * scopeAlarms(summary.alarms, summary); // [{ alarm: 'bind_failure', scope: '203.0.113.94', … }]
 */
export function scopeAlarms(alarms: readonly Alarm[], report: ScopeSource): ScopedAlarm[] {
  const readDays = sortedDays([...report.byDay.map((d) => d.date), ...report.dkim.byDay.map((d) => d.date)]);
  const scoped: ScopedAlarm[] = [];
  for (const a of alarms) {
    const base = { alarm: a.id, severity: a.severity, action: a.action };
    if (a.id === 'bind_failure') {
      for (const b of report.bindFailures) {
        scoped.push({
          ...base,
          scope: b.ip,
          message: `${b.count} bind failure${b.count === 1 ? '' : 's'} (Cannot assign requested address) for ${b.ip}`,
          evidence: {
            counts: { [b.ip]: b.count },
            samples: b.samples,
            logDays: sortedDays([b.firstSeen.slice(0, 10), b.lastSeen.slice(0, 10)]),
          },
        });
      }
      continue;
    }
    const days = a.evidence.days === undefined ? readDays : sortedDays(Object.keys(a.evidence.days));
    scoped.push({
      ...base,
      scope: a.id === 'primary_ip_egress' ? (report.primaryIp ?? '') : '',
      message: a.summary,
      evidence: { ...a.evidence, logDays: days },
    });
  }
  return scoped;
}

/**
 * Whether a run that read `span` would have seen an alarm trip on log day `date` again: it read that
 * day from its start (or began after the day, the window having moved past it) and reached it. A run
 * that starts in the middle of the day, or ends before it, cannot tell.
 */
export function coversDay(span: ReadSpan, date: string): boolean {
  const start = Date.parse(`${date}T00:00:00Z`);
  const from = span.since ?? span.firstTime;
  const to = span.until ?? (span.lastTime === undefined ? undefined : span.lastTime + 1000);
  if (from === undefined || to === undefined || Number.isNaN(start)) return false;
  return to > start && (from <= start || from >= start + DAY);
}

const latest = (days: readonly string[]) =>
  days.reduce<string | undefined>((m, d) => (m === undefined || d > m ? d : m), undefined);

/**
 * Plans the `alarms` rows of a report run against the open episodes. An alarm raised for a scope
 * with no open episode opens one; one with an open episode updates it (last seen, message,
 * evidence) — unless this run only saw days older than the episode's, which would put old evidence
 * over new. An open episode the run did not raise is closed when the run covers (see
 * {@link coversDay}) the last log day it tripped on; episodes of alarms this code does not raise
 * (another writer's) are left alone. Pure.
 *
 * @example
 * const plan = planAlarmEpisodes(open, scopeAlarms(summary.alarms, summary), span);
 */
export function planAlarmEpisodes(
  open: readonly AlarmEpisode[],
  raised: readonly ScopedAlarm[],
  span: ReadSpan,
): AlarmEpisodePlan {
  const plan: AlarmEpisodePlan = { open: [], update: [], close: [] };
  const key = (alarm: string, scope: string) => `${alarm}\u0000${scope}`;
  const openByKey = new Map(open.map((e) => [key(e.alarm, e.scope), e]));
  const seen = new Set<string>();
  for (const a of raised) {
    const k = key(a.alarm, a.scope);
    if (seen.has(k)) continue;
    seen.add(k);
    const episode = openByKey.get(k);
    if (episode === undefined) {
      plan.open.push(a);
      continue;
    }
    const before = latest(episode.evidence.logDays);
    const now = latest(a.evidence.logDays);
    if (before !== undefined && now !== undefined && now < before) continue;
    plan.update.push({ ...a, id: episode.id });
  }
  const owned = new Set<string>([...ALARM_IDS, ...raised.map((a) => a.alarm)]);
  for (const episode of open) {
    if (seen.has(key(episode.alarm, episode.scope)) || !owned.has(episode.alarm)) continue;
    const day = latest(episode.evidence.logDays);
    const covered =
      day === undefined ? span.lastTime !== undefined || span.until !== undefined : coversDay(span, day);
    if (covered) plan.close.push(episode.id);
  }
  return plan;
}
