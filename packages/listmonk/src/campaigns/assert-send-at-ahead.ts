import { ListmonkError } from '../errors.js';

/**
 * Throws SEND_AT_PAST unless `sendAt` is at least `marginMs` after `now`. Listmonk checks send_at on
 * create and update but not when a campaign is scheduled, and starts a past-dated scheduled
 * campaign within seconds — so this runs right before every `scheduled` status change.
 */
export function assertSendAtAhead(sendAt: Date, now: Date, marginMs: number, what = 'the campaign'): void {
  if (Number.isNaN(sendAt.getTime())) {
    throw new ListmonkError('SEND_AT_PAST', `send_at of ${what} is not a valid time`);
  }
  const ahead = sendAt.getTime() - now.getTime();
  if (ahead >= marginMs) return;
  const how =
    ahead < 0
      ? `is already ${formatDuration(-ahead)} past`
      : `is only ${formatDuration(ahead)} ahead (the margin is ${formatDuration(marginMs)})`;
  throw new ListmonkError(
    'SEND_AT_PAST',
    `send_at ${sendAt.toISOString()} of ${what} ${how}; Listmonk would start it at once. Pick a later send_at (or re-plan the send) and try again; ${what} was left as it was`,
  );
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m}min`;
  return `${Math.round(m / 60)}h`;
}
