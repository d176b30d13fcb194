import { MailrampError } from '../errors.js';

const DAY = 86_400_000;
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The part of the mail log a report reads, on the log's wall clock as `Date.UTC` milliseconds. */
export interface ReportWindow {
  since: number | undefined;
  until: number | undefined;
  /** The window as ISO wall-clock times, for people and `--json`; undefined when unbounded. */
  label: { since?: string; until?: string } | undefined;
}

/** What a report window is asked for: one day (YYYY-MM-DD, `today`, `yesterday`) or since/until. */
export interface ReportWindowInput {
  date?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** A wall-clock time of the log as `Date.UTC` milliseconds; with `day`, a date without a time. */
function parseTime(value: string, flag: string, day = false): number {
  const m = TIME.exec(value.trim());
  const ms =
    m === null
      ? Number.NaN
      : Date.UTC(
          Number(m[1]),
          Number(m[2]) - 1,
          Number(m[3]),
          Number(m[4] ?? 0),
          Number(m[5] ?? 0),
          Number(m[6] ?? 0),
        );
  const back = new Date(ms);
  if (
    m === null ||
    Number.isNaN(ms) ||
    back.getUTCDate() !== Number(m[3]) ||
    back.getUTCMonth() + 1 !== Number(m[2]) ||
    (day && m[4] !== undefined)
  ) {
    throw new MailrampError(
      'INVALID_INPUT',
      day
        ? `${flag} ${value} is not a day; use YYYY-MM-DD, today or yesterday`
        : `${flag} ${value} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]`,
    );
  }
  return ms;
}

/**
 * The window a report reads. `today` and `yesterday` are days of the host's clock, because the log's
 * timestamps are the host's local wall clock.
 */
export function planReportWindow(input: ReportWindowInput, now: Date): ReportWindow {
  if (input.date !== undefined && (input.since !== undefined || input.until !== undefined)) {
    throw new MailrampError('INVALID_INPUT', 'give either --date or --since/--until, not both');
  }
  let since: number | undefined;
  let until: number | undefined;
  if (input.date !== undefined) {
    const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    since =
      input.date === 'today'
        ? today
        : input.date === 'yesterday'
          ? today - DAY
          : parseTime(input.date, '--date', true);
    until = since + DAY;
  } else {
    if (input.since !== undefined) since = parseTime(input.since, '--since');
    if (input.until !== undefined) until = parseTime(input.until, '--until');
  }
  if (since !== undefined && until !== undefined && until <= since) {
    throw new MailrampError('INVALID_INPUT', '--until must be later than --since');
  }
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const label =
    since === undefined && until === undefined
      ? undefined
      : {
          ...(since !== undefined ? { since: iso(since) } : {}),
          ...(until !== undefined ? { until: iso(until) } : {}),
        };
  return { since, until, label };
}
