/** Which moment of an incident a notification tells about. */
export type IncidentEvent = 'opened' | 'actions' | 'resolved';

/** What a notification says: plain data, rendered for a webhook and for mail. */
export interface IncidentNotice {
  event: IncidentEvent;
  incidentId: number;
  stream: string;
  /** The STOP alarms: id and message. */
  alarms: readonly { alarm: string; message: string }[];
  /** Lines saying what was done ("paused campaign 12 'May blast' on trucking"). */
  actions: readonly string[];
  /** When it happened (ISO). */
  at: string;
  /** Who resolved it, for `resolved`. */
  by?: string | undefined;
}

/** A notice as text, Slack-compatible webhook JSON, and a mail subject. */
export interface RenderedNotice {
  subject: string;
  text: string;
  /** `{ text, blocks }`: what Slack's incoming webhooks (and Mattermost, Rocket.Chat) take. */
  webhook: { text: string; blocks: unknown[] };
}

const HEAD: Record<IncidentEvent, string> = {
  opened: 'STOPPED',
  actions: 'acted',
  resolved: 'resumed',
};

/** Renders an incident notice. Pure; no addresses are ever in it (alarm messages are counts and IPs). */
export function renderIncidentMessage(notice: IncidentNotice): RenderedNotice {
  const subject = `[mailramp] incident ${notice.incidentId} ${HEAD[notice.event]}: stream ${notice.stream}`;
  const lines = [subject, `at ${notice.at}${notice.by !== undefined ? ` by ${notice.by}` : ''}`];
  if (notice.alarms.length > 0) {
    lines.push('', 'alarms:', ...notice.alarms.map((a) => `- ${a.alarm}: ${a.message}`));
  }
  if (notice.actions.length > 0) lines.push('', 'actions:', ...notice.actions.map((a) => `- ${a}`));
  if (notice.event !== 'resolved') {
    lines.push(
      '',
      `resume with: mailramp guard resume ${notice.incidentId} (add --release-hold to end the hold)`,
    );
  }
  const text = lines.join('\n');
  return {
    subject,
    text,
    webhook: {
      text: subject,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2900) } }],
    },
  };
}
