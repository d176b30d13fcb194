import type { CommandRunner } from '../exec/command-runner.js';
import type { RenderedNotice } from './render-incident-message.js';

/** A webhook endpoint and how hard to try it. */
export interface WebhookTarget {
  url: string;
  timeoutMs: number;
  attempts: number;
  /** Wait before the 2nd attempt; doubles after each. */
  backoffMs: number;
}

/** How one channel went: delivered after `attempts`, or not, with the last error. */
export interface NoticeOutcome {
  ok: boolean;
  attempts: number;
  error?: string;
}

/**
 * POSTs the notice's Slack-compatible JSON, retrying a network error, a timeout, a 429 or a 5xx
 * with exponential backoff; a 4xx other than 429 is final (the URL or payload is wrong). Never
 * throws; the URL (a credential) never appears in the outcome.
 */
export async function sendWebhookNotice(
  notice: RenderedNotice,
  target: WebhookTarget,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<NoticeOutcome> {
  let error = '';
  for (let attempt = 1; attempt <= target.attempts; attempt++) {
    if (attempt > 1) await sleep(target.backoffMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notice.webhook),
        signal: AbortSignal.timeout(target.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) return { ok: false, attempts: attempt, error };
    } catch (cause) {
      const name = (cause as Error).name;
      error = name === 'TimeoutError' ? `no answer within ${target.timeoutMs} ms` : `unreachable (${name})`;
    }
  }
  return { ok: false, attempts: target.attempts, error };
}

/** The local MTA's sendmail and who mail goes from and to. */
export interface MailTarget {
  sendmail: string;
  from: string;
  to: readonly string[];
}

/**
 * Mails the notice through the local MTA: `sendmail -i -f FROM -- TO…` as an argument array through
 * the runner (no shell), the message on standard input. Never throws.
 */
export async function sendMailNotice(
  notice: RenderedNotice,
  target: MailTarget,
  runner: CommandRunner,
  now: Date,
): Promise<NoticeOutcome> {
  const message = [
    `From: ${target.from}`,
    `To: ${target.to.join(', ')}`,
    `Subject: ${notice.subject}`,
    `Date: ${now.toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Auto-Submitted: auto-generated',
    '',
    notice.text,
    '',
  ].join('\n');
  try {
    const result = await runner.run(target.sendmail, ['-i', '-f', target.from, '--', ...target.to], {
      input: message,
    });
    if (result.code === 0) return { ok: true, attempts: 1 };
    return {
      ok: false,
      attempts: 1,
      error: `sendmail exited ${result.code}: ${result.stderr.trim().slice(0, 300)}`,
    };
  } catch (cause) {
    return { ok: false, attempts: 1, error: (cause as Error).message };
  }
}
