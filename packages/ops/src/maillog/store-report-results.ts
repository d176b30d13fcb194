import type { Database } from '@mailramp/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type AlarmEpisode, toAlarmEpisode } from './alarm-episodes-repository.js';
import type { AlarmEpisodePlan } from './plan-alarm-episodes.js';
import type { ReportDay } from './plan-report-days.js';

/** What {@link storeReportResults} writes. */
export interface StoreReportInput {
  days: readonly ReportDay[];
  /** The alarm plan, made from the open episodes read inside the transaction (plan-alarm-episodes.ts). */
  planAlarms: (open: AlarmEpisode[]) => AlarmEpisodePlan;
  /** `postqueue -j` messages, stored on `queueDay` when the queue was read. */
  queue?: { day: string; size: number } | undefined;
  /** The run's time: first and last seen of the alarm episodes. */
  now: Date;
}

/** What {@link storeReportResults} did. */
export interface StoredReport {
  /** Days whose rows this run wrote (replacing what was stored). */
  days: string[];
  /** Days left as stored: an earlier run had read more of them than this one. */
  kept: string[];
  alarms: { opened: number; updated: number; closed: number };
}

/** Serialises report stores: two runs at once would both open the same episode. */
const STORE_LOCK = 0x6d72_7270; // 'mrrp'
const CHUNK = 1000;

/**
 * Stores a report run in one transaction: each day's `report_days` row and its `report_outcomes`
 * and `report_hours` rows are replaced whole (a re-run of the same span overwrites, never adds) —
 * unless the stored read of the day covers time this one does not (it started earlier or ended
 * later), so a window starting mid-day never wipes a fuller read; then the alarm plan is applied
 * to `alarms`. The queue size goes on its day's row and stays there when a later run without the
 * queue replaces the day.
 *
 * @example
 * await storeReportResults(db, { days: planReportDays(report, span, now), planAlarms: (open) => planAlarmEpisodes(open, scoped, span), now: new Date() });
 */
export async function storeReportResults(
  db: Kysely<Database>,
  input: StoreReportInput,
): Promise<StoredReport> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${STORE_LOCK})`.execute(trx);
    const result: StoredReport = { days: [], kept: [], alarms: { opened: 0, updated: 0, closed: 0 } };
    const names = input.days.map((d) => d.day);
    const stored = new Map(
      names.length === 0
        ? []
        : (
            await trx
              .selectFrom('report_days')
              .select(['day', 'read_from', 'read_until'])
              .where('day', 'in', names)
              .execute()
          ).map((r) => [r.day, r]),
    );
    for (const day of input.days) {
      const before = stored.get(day.day);
      if (
        before?.read_from != null &&
        before.read_until != null &&
        (before.read_from.getTime() < day.readFrom || before.read_until.getTime() > day.readUntil)
      ) {
        result.kept.push(day.day);
        continue;
      }
      await replaceDay(trx, day, input.now);
      result.days.push(day.day);
    }
    if (input.queue !== undefined) {
      await trx
        .insertInto('report_days')
        .values({ day: input.queue.day, queue_size: input.queue.size, updated_at: input.now })
        .onConflict((oc) =>
          oc.column('day').doUpdateSet({ queue_size: input.queue!.size, updated_at: input.now }),
        )
        .execute();
    }

    const open = (
      await trx.selectFrom('alarms').selectAll().where('status', '=', 'open').forUpdate().execute()
    ).map(toAlarmEpisode);
    const plan = input.planAlarms(open);
    const seen = (a: AlarmEpisodePlan['open'][number]) => ({
      severity: a.severity,
      message: a.message,
      action: a.action,
      evidence: JSON.stringify(a.evidence),
      last_seen: input.now,
    });
    for (const a of plan.open) {
      await trx
        .insertInto('alarms')
        .values({ alarm: a.alarm, scope: a.scope, first_seen: input.now, ...seen(a) })
        .execute();
    }
    for (const a of plan.update) {
      await trx.updateTable('alarms').set(seen(a)).where('id', '=', a.id).execute();
    }
    if (plan.close.length > 0) {
      await trx
        .updateTable('alarms')
        .set({ status: 'closed', closed_at: input.now })
        .where('id', 'in', plan.close)
        .where('status', '=', 'open')
        .execute();
    }
    result.alarms = { opened: plan.open.length, updated: plan.update.length, closed: plan.close.length };
    return result;
  });
}

/** Replaces one day's rows in the three tables. */
async function replaceDay(trx: Transaction<Database>, day: ReportDay, now: Date): Promise<void> {
  const figures = {
    sent: day.mix.sent,
    deferred: day.mix.deferred,
    bounced: day.mix.bounced,
    expired: day.mix.expired,
    egress: day.egress,
    primary_egress: day.primaryEgress,
    dkim_signed: day.dkimSigned,
    dkim_messages: day.dkimMessages,
    read_from: new Date(day.readFrom),
    read_until: new Date(day.readUntil),
    updated_at: now,
  };
  await trx
    .insertInto('report_days')
    .values({ day: day.day, ...figures })
    .onConflict((oc) => oc.column('day').doUpdateSet(figures))
    .execute();
  await trx.deleteFrom('report_outcomes').where('day', '=', day.day).execute();
  await trx.deleteFrom('report_hours').where('day', '=', day.day).execute();
  for (let i = 0; i < day.outcomes.length; i += CHUNK) {
    await trx
      .insertInto('report_outcomes')
      .values(day.outcomes.slice(i, i + CHUNK).map((o) => ({ day: day.day, ...o })))
      .execute();
  }
  for (let i = 0; i < day.hours.length; i += CHUNK) {
    await trx
      .insertInto('report_hours')
      .values(day.hours.slice(i, i + CHUNK).map((h) => ({ day: day.day, ...h })))
      .execute();
  }
}
