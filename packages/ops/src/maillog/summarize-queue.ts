import { z } from 'zod';
import { OpsError } from '../errors.js';
import type { CommandRunner } from '../exec/command-runner.js';
import { normalizeReason } from './classify-reply.js';

const QueuedMessage = z.looseObject({
  queue_name: z.string(),
  queue_id: z.string(),
  arrival_time: z.number().optional(),
  message_size: z.number().optional(),
  sender: z.string().optional(),
  recipients: z
    .array(z.looseObject({ address: z.string(), delay_reason: z.string().optional() }))
    .default([]),
});

/** The Postfix queue at a glance: `postqueue -j` summarised. */
export interface QueueSummary {
  messages: number;
  recipients: number;
  /** Messages per queue (`active`, `deferred`, `hold`, `incoming`, `maildrop`). */
  byQueue: Record<string, number>;
  /** Arrival of the oldest queued message, ISO 8601. */
  oldest: string | undefined;
  /** Recipients per domain, most first (top 10). */
  byRecipientDomain: Array<{ domain: string; recipients: number }>;
  /** Normalised delay reasons, most first (top 10). */
  reasons: Array<{ reason: string; recipients: number }>;
}

/**
 * Summarises `postqueue -j` output (Postfix 3.1+: one JSON object per queued message). Pure.
 *
 * @example
 * summarizeQueue((await runner.run('postqueue', ['-j'])).stdout).byQueue.deferred;
 */
export function summarizeQueue(output: string): QueueSummary {
  const byQueue: Record<string, number> = {};
  const domains = new Map<string, number>();
  const reasons = new Map<string, number>();
  let messages = 0;
  let recipients = 0;
  let oldest: number | undefined;
  output.split('\n').forEach((text, i) => {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new OpsError(
        'BAD_QUEUE_OUTPUT',
        `postqueue -j line ${i + 1} is not JSON; is this Postfix 3.1 or later?`,
        {
          cause: error,
        },
      );
    }
    const parsed = QueuedMessage.safeParse(value);
    if (!parsed.success) {
      throw new OpsError(
        'BAD_QUEUE_OUTPUT',
        `postqueue -j line ${i + 1} is not a queued message: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`,
      );
    }
    const m = parsed.data;
    messages += 1;
    byQueue[m.queue_name] = (byQueue[m.queue_name] ?? 0) + 1;
    if (m.arrival_time !== undefined && (oldest === undefined || m.arrival_time < oldest))
      oldest = m.arrival_time;
    for (const r of m.recipients) {
      recipients += 1;
      const domain = r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase();
      domains.set(domain, (domains.get(domain) ?? 0) + 1);
      if (r.delay_reason !== undefined) {
        const reason = normalizeReason(r.delay_reason);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
  });
  const top = <K extends string>(map: Map<string, number>, key: K) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, n]) => ({ [key]: name, recipients: n }) as Record<K, string> & { recipients: number });
  return {
    messages,
    recipients,
    byQueue,
    oldest: oldest === undefined ? undefined : new Date(oldest * 1000).toISOString(),
    byRecipientDomain: top(domains, 'domain'),
    reasons: top(reasons, 'reason'),
  };
}

/** Runs `postqueue -j` through the command runner and summarises the queue. */
export async function readQueue(runner: CommandRunner): Promise<QueueSummary> {
  const result = await runner.run('postqueue', ['-j']);
  if (result.code !== 0) {
    throw new OpsError(
      'COMMAND_FAILED',
      `postqueue -j exited with ${result.code}: ${result.stderr.trim() || 'no message'}; is Postfix running and are you root or in the postdrop group?`,
    );
  }
  return summarizeQueue(result.stdout);
}
