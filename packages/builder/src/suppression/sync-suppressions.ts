import type { Database } from '@mailramp/db';
import { type Kysely, sql } from 'kysely';
import { type BounceSource, type BounceSourceOutcome, readListmonkBounces } from './read-listmonk-bounces.js';
import {
  type BounceRecord,
  classifyFailure,
  createDeadTenantTracker,
  type DeadTenant,
  type DeliveryAttempt,
  dsnInText,
  type SuppressRules,
} from './suppress-rules.js';
import { addSuppressions, type NewSuppression } from './suppression-repository.js';

/** What `syncSuppressions` is given. */
export interface SyncInput {
  /** Delivery attempts from the mail log (all statuses: dead-tenant detection needs the sent ones too). */
  attempts?: AsyncIterable<DeliveryAttempt> | Iterable<DeliveryAttempt>;
  /** Bounces already read (tests, imports); `listmonk` reads them from the instances instead. */
  bounces?: readonly BounceRecord[];
  /** Listmonk instances whose bounces API is read from each one's cursor on. */
  listmonk?: readonly BounceSource[];
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
  /** Addresses newly suppressed as hard bounces (threshold reached, or a Listmonk hard bounce naming a recipient failure). */
  suppressed: string[];
  /** Addresses newly suppressed for a complaint. */
  complaints: string[];
  deadTenants: DeadTenant[];
  /** Dead-tenant domains that were already suppressed (for any reason) before this sync: nothing to do. */
  deadTenantsAlreadySuppressed: string[];
  /** Dead-tenant domains newly suppressed (with applyDeadTenants). */
  deadTenantsSuppressed: string[];
  /** Per Listmonk instance: what was read, or why it could not be (its bounces wait for the next sync). */
  listmonk: BounceSourceOutcome[];
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
 *
 * Listmonk bounces (read through `listmonk` from each instance's cursor, or given as `bounces`):
 * - `complaint` suppresses at once (reason complaint);
 * - `hard` suppresses at once (reason hard_bounce) when its meta names a recipient-failure DSN
 *   (Listmonk already judged it permanent); one whose meta blames the sender (5.7.x, block lists)
 *   never counts; one with no DSN in its meta is a generic 5.0.0 failure that counts toward the
 *   threshold like a log failure, because Listmonk's mailbox scanner calls any 5xx hard;
 * - `soft` is ignored.
 * Every suppression's source names the instance and bounce (`listmonk:trucking:bounce:42`).
 *
 * An instance that cannot be read does not stop the sync: the mail log and the other instances are
 * stored, its cursor stays put so its bounces are read next time, and its outcome in `listmonk`
 * carries the error (the CLI exits 3).
 *
 * @example
 * const result = await syncSuppressions(db, {
 *   attempts,
 *   listmonk: [{ instance: 'trucking', listmonk: client }],
 *   rules: DEFAULT_SUPPRESS_RULES,
 * });
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
    deadTenantsAlreadySuppressed: [],
    deadTenantsSuppressed: [],
    listmonk: [],
  };
  // Read Listmonk before the transaction: no database transaction waits on the network.
  const fetched = await readListmonkBounces(db, input.listmonk ?? []);
  result.listmonk = fetched.outcomes;
  const bounces = [...(input.bounces ?? []), ...fetched.bounces];
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

    const complaints: NewSuppression[] = [];
    const listmonkFailures: FailureRow[] = [];
    const suppressAtOnce = new Map<string, NewSuppression>();
    for (const bounce of bounces) {
      result.bouncesRead += 1;
      const email = bounce.email.toLowerCase();
      const key = `listmonk:${bounce.instance}:${bounce.id}`;
      const source = `listmonk:${bounce.instance}:bounce:${bounce.id}`;
      if (bounce.type === 'complaint') {
        complaints.push({ value: email, reason: 'complaint', source });
        continue;
      }
      if (bounce.type !== 'hard') continue;
      const meta = bounce.meta === undefined || bounce.meta === null ? '' : JSON.stringify(bounce.meta);
      const named = dsnInText(meta);
      const verdict = classifyFailure(named, meta, rules);
      if (named !== undefined && verdict === 'recipient')
        suppressAtOnce.set(key, { value: email, reason: 'hard_bounce', source });
      listmonkFailures.push({
        key,
        email,
        // Listmonk keeps no DSN for many hard bounces; without one it is a generic permanent failure.
        dsn: named ?? '5.0.0',
        policy: verdict === 'policy',
        reply: meta.slice(0, 500),
        relay_host: null,
        source: `listmonk:${bounce.instance}`,
        at: bounce.at,
      });
    }
    await flush();
    for (let i = 0; i < listmonkFailures.length; i += 1000) {
      const rows = await trx
        .insertInto('recipient_failures')
        .values(listmonkFailures.slice(i, i + 1000))
        .onConflict((oc) => oc.column('key').doNothing())
        .returning(['key', 'policy'])
        .execute();
      result.failuresRecorded += rows.length;
      result.policyFailures += rows.filter((r) => r.policy).length;
      // Only a bounce seen for the first time suppresses: a suppression lifted by hand stays lifted.
      const now = rows.flatMap((r) => suppressAtOnce.get(r.key) ?? []);
      result.suppressed.push(...(await addSuppressions(trx, now)));
    }
    result.complaints = await addSuppressions(trx, complaints);

    const codes = rules.recipientFailureCodes;
    if (codes.length > 0) {
      const due = await sql<{ email: string }>`
        select email from recipient_failures
        where not policy and dsn in (${sql.join(codes)})
        group by email having count(*) >= ${rules.threshold}
      `.execute(trx);
      result.suppressed.push(
        ...(await addSuppressions(
          trx,
          due.rows.map((r) => ({ value: r.email, reason: 'hard_bounce' as const, source: 'suppress-sync' })),
        )),
      );
    }

    result.deadTenants = tracker.list();
    if (result.deadTenants.length > 0) {
      const stored = await trx
        .selectFrom('suppressed_domains')
        .select('domain')
        .distinct()
        .where(
          'domain',
          'in',
          result.deadTenants.map((d) => d.domain.toLowerCase()),
        )
        .execute();
      result.deadTenantsAlreadySuppressed = stored.map((r) => r.domain).sort();
    }
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
    for (const outcome of result.listmonk) {
      if (outcome.error !== undefined || outcome.seenUntil === null) continue;
      await trx
        .insertInto('listmonk_bounce_cursors')
        .values({ instance: outcome.instance, seen_until: outcome.seenUntil })
        .onConflict((oc) =>
          oc.column('instance').doUpdateSet({
            seen_until: sql`greatest(listmonk_bounce_cursors.seen_until, excluded.seen_until)`,
            updated_at: sql`now()`,
          }),
        )
        .execute();
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
