import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import {
  type BounceRecord,
  classifyFailure,
  createDeadTenantTracker,
  type DeadTenant,
  type DeliveryAttempt,
  dsnInText,
  type SuppressRules,
} from './suppress-rules.js';
import { addSuppressions } from './suppression-repository.js';

/** What `syncSuppressions` is given. */
export interface SyncInput {
  /** Delivery attempts from the mail log (all statuses: dead-tenant detection needs the sent ones too). */
  attempts?: AsyncIterable<DeliveryAttempt> | Iterable<DeliveryAttempt>;
  bounces?: readonly BounceRecord[];
  rules: SuppressRules;
  /** Suppress the dead tenants found (as domains); without it they are only reported. */
  applyDeadTenants?: boolean;
  /** Compute everything inside a transaction that is rolled back. */
  dryRun?: boolean;
}

/** What a sync did. Addresses are listed for `--json`; apps print counts. */
export interface SyncResult {
  dryRun: boolean;
  attemptsRead: number;
  bouncesRead: number;
  /** Hard failures newly recorded (a second sync of the same input records none). */
  failuresRecorded: number;
  /** Recorded failures that blame the sender (5.7.x, block lists): they never suppress anyone. */
  policyFailures: number;
  /** Addresses newly suppressed as hard bounces (threshold reached). */
  suppressed: string[];
  /** Addresses newly suppressed for a complaint. */
  complaints: string[];
  deadTenants: DeadTenant[];
  /** Dead-tenant domains newly suppressed (with applyDeadTenants). */
  deadTenantsSuppressed: string[];
}

interface FailureRow {
  key: string;
  email: string;
  dsn: string | null;
  policy: boolean;
  reply: string;
  relay_host: string | null;
  source: string;
  at: Date;
}

class DryRunRollback extends Error {}

/**
 * Pulls hard failures and complaints into `suppressions`. Only recipient-failure DSNs count, an address
 * is suppressed once it has `threshold` of them, and replies that blame the sender never count
 * (SEED-SYSTEM.md: suppressing on the first 5xx killed ~17,000 carriers after one bad blast).
 * Idempotent: failures are stored once per event, so a second sync of the same input adds nothing.
 */
export async function syncSuppressions(db: Kysely<Database>, input: SyncInput): Promise<SyncResult> {
  const { rules } = input;
  const result: SyncResult = {
    dryRun: input.dryRun === true,
    attemptsRead: 0,
    bouncesRead: 0,
    failuresRecorded: 0,
    policyFailures: 0,
    suppressed: [],
    complaints: [],
    deadTenants: [],
    deadTenantsSuppressed: [],
  };
  const run = async (trx: Kysely<Database>) => {
    const tracker = createDeadTenantTracker(rules);
    let pending: FailureRow[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const rows = await trx
        .insertInto('recipient_failures')
        .values(pending)
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('policy')
        .execute();
      result.failuresRecorded += rows.length;
      result.policyFailures += rows.filter((r) => r.policy).length;
      pending = [];
    };
    const record = async (row: FailureRow) => {
      pending.push(row);
      if (pending.length >= 1000) await flush();
    };

    for await (const attempt of input.attempts ?? []) {
      result.attemptsRead += 1;
      tracker.add(attempt);
      if (attempt.status !== 'bounced' && attempt.status !== 'expired') continue;
      const email = attempt.email.toLowerCase();
      if (!email.includes('@')) continue;
      const dsn = attempt.dsn ?? dsnInText(attempt.replyText);
      const at = attempt.at.toISOString();
      await record({
        key: `maillog:${attempt.id ?? ''}:${at}:${email}:${dsn ?? ''}`,
        email,
        dsn: dsn ?? null,
        policy: classifyFailure(dsn, attempt.replyText, rules) === 'policy',
        reply: attempt.replyText.slice(0, 500),
        relay_host: attempt.relayHost ?? null,
        source: 'maillog',
        at: attempt.at,
      });
    }

    const complaints: Array<{ value: string; reason: 'complaint'; source: string }> = [];
    for (const bounce of input.bounces ?? []) {
      result.bouncesRead += 1;
      const email = bounce.email.toLowerCase();
      if (bounce.type === 'complaint') {
        complaints.push({ value: email, reason: 'complaint', source: `listmonk:${bounce.instance}` });
        continue;
      }
      if (bounce.type !== 'hard') continue;
      const meta = bounce.meta === undefined || bounce.meta === null ? '' : JSON.stringify(bounce.meta);
      // Listmonk keeps no DSN for many hard bounces; without one it is a generic permanent failure.
      const dsn = dsnInText(meta) ?? '5.0.0';
      await record({
        key: `listmonk:${bounce.instance}:${bounce.id}`,
        email,
        dsn,
        policy: classifyFailure(dsn, meta, rules) === 'policy',
        reply: meta.slice(0, 500),
        relay_host: null,
        source: `listmonk:${bounce.instance}`,
        at: bounce.at,
      });
    }
    await flush();
    result.complaints = await addSuppressions(trx, complaints);

    const codes = rules.recipientFailureCodes;
    if (codes.length > 0) {
      const due = await sql<{ email: string }>`
        select email from recipient_failures
        where not policy and dsn in (${sql.join(codes)})
        group by email having count(*) >= ${rules.threshold}
      `.execute(trx);
      result.suppressed = await addSuppressions(
        trx,
        due.rows.map((r) => ({ value: r.email, reason: 'hard_bounce' as const, source: 'suppress-sync' })),
      );
    }

    result.deadTenants = tracker.list();
    if (input.applyDeadTenants) {
      result.deadTenantsSuppressed = await addSuppressions(
        trx,
        result.deadTenants.map((d) => ({
          value: d.domain,
          reason: 'dead_tenant' as const,
          source: 'suppress-sync',
        })),
      );
    }
    if (input.dryRun) throw new DryRunRollback();
  };
  try {
    await db.transaction().execute(run);
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  result.suppressed.sort();
  result.complaints.sort();
  return result;
}
