import type { Database, JsonObject, LedgerState } from '@mailramp/db';
import { normalizeEmail } from '@mailramp/mailbox';
import { type Kysely, sql } from 'kysely';
import type { IsoDate } from '../calendar/calendar-date.js';
import type { Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';

/** What earlier runs already put in the ledger for the day mail leaves. */
export interface LedgerDay {
  /**
   * Live rows (any state but reset) whose campaign sends on the build's sending day, whatever build
   * date queued them: they count against the day's caps.
   */
  total: number;
  /** The same per operator key ('' = no operator yet). */
  byOperator: Record<string, number>;
  /** The same per segment (--max-per-segment holds per segment and sending day). */
  bySegment: Record<string, number>;
  /**
   * Distinct runs that wrote rows for the build date, reset rows included (their campaigns are still
   * in Listmonk): a new batch of campaigns gets the next number.
   */
  runs: number;
}

/** The instants a sending day spans: [from, to) in UTC. */
export interface SendWindow {
  from: Date;
  to: Date;
}

/** The UTC days of the given instants as one window, from the first day's start to the last day's end. */
export function sendWindowOf(instants: readonly Date[]): SendWindow {
  const days = instants.map((d) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return { from: new Date(Math.min(...days)), to: new Date(Math.max(...days) + 86_400_000) };
}

/** The ledger of a sending day for a vertical (caps), and the build date's runs (batch numbering). */
export async function summarizeLedgerDay(
  db: Kysely<Database>,
  vertical: string,
  date: IsoDate,
  window: SendWindow,
): Promise<LedgerDay> {
  const rows = await db
    .selectFrom('send_ledger')
    .select(['operator', 'segment', sql<number>`count(*)::int`.as('n')])
    .where('vertical', '=', vertical)
    .where('send_at', '>=', window.from)
    .where('send_at', '<', window.to)
    // A refused or lapsed row never sends (Listmonk kept the address out, or never took the
    // campaign): it takes no room under a cap.
    .where('state', 'not in', ['reset', 'refused', 'lapsed'])
    .groupBy(['operator', 'segment'])
    .execute();
  const runs = await db
    .selectFrom('send_ledger')
    .select(sql<number>`count(distinct build_run_id)::int`.as('runs'))
    .where('vertical', '=', vertical)
    .where('build_date', '=', date)
    .executeTakeFirst();
  const byOperator: Record<string, number> = {};
  const bySegment: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    byOperator[r.operator ?? ''] = (byOperator[r.operator ?? ''] ?? 0) + r.n;
    bySegment[r.segment] = (bySegment[r.segment] ?? 0) + r.n;
    total += r.n;
  }
  return { total, byOperator, bySegment, runs: runs?.runs ?? 0 };
}

/** A ledger row to write: one recipient in one campaign of the day. */
export interface LedgerEntry {
  recipientKey: string;
  email: string;
  operator: string | null;
  segment: string;
  zone: string;
  cycle: string | null;
  touch: number | null;
  listName: string;
  campaignName: string;
  sendAt: Date;
  subscriber: JsonObject;
}

/** A ledger row as read back for a push or a resume. */
export interface LedgerRecord extends LedgerEntry {
  id: number;
  state: LedgerState;
  listId: number | null;
  campaignId: number | null;
  listmonkInstance: string;
  buildRunId: number;
  buildDate: IsoDate;
}

/**
 * Writes planned rows; rows already in the ledger for the date are left as they are. A recipient
 * whose row of the date a backfill reset gets a new row beside it (migration 0501).
 */
export async function insertLedgerEntries(
  db: Kysely<Database>,
  run: { id: number; vertical: string; date: IsoDate; listmonkInstance: string },
  entries: readonly LedgerEntry[],
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < entries.length; i += 1000) {
    const chunk = entries.slice(i, i + 1000);
    const result = await db
      .insertInto('send_ledger')
      .values(
        chunk.map((e) => ({
          vertical: run.vertical,
          recipient_key: e.recipientKey,
          email: e.email,
          operator: e.operator,
          segment: e.segment,
          build_date: run.date,
          build_run_id: run.id,
          listmonk_instance: run.listmonkInstance,
          list_name: e.listName,
          campaign_name: e.campaignName,
          send_at: e.sendAt,
          state: 'planned' as const,
          zone: e.zone,
          cycle: e.cycle,
          touch: e.touch,
          subscriber: JSON.stringify(e.subscriber),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['vertical', 'recipient_key', 'build_date']).where('state', '<>', 'reset').doNothing(),
      )
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** States of a row Listmonk has not settled yet: a push or a resume works on them. */
const UNFINISHED = ['planned', 'imported', 'failed'] as const;

/** The rows of a date not yet scheduled (planned, imported, failed): what a push or a resume works on. */
export async function listUnfinishedLedger(
  db: Kysely<Database>,
  vertical: string,
  date: IsoDate,
): Promise<LedgerRecord[]> {
  return listUnfinished(db, vertical, '=', date);
}

/**
 * The unfinished rows of every date before `date`: what a build reconciles with Listmonk first
 * (an earlier date's re-run is a different command, so nothing else would ever settle them).
 */
export async function listUnfinishedLedgerBefore(
  db: Kysely<Database>,
  vertical: string,
  date: IsoDate,
): Promise<LedgerRecord[]> {
  return listUnfinished(db, vertical, '<', date);
}

/**
 * Recipient keys and addresses (lower-cased) with an unfinished row of a date before `date`: their
 * campaign may yet be (or already be) scheduled in Listmonk, so no build selects them until a
 * reconcile settles the row.
 */
export async function listUnreconciledRecipients(
  db: Kysely<Database>,
  vertical: string,
  date: IsoDate,
): Promise<{ keys: Set<string>; emails: Set<string> }> {
  const rows = await db
    .selectFrom('send_ledger')
    .select(['recipient_key', 'email'])
    .where('vertical', '=', vertical)
    .where('build_date', '<', date)
    .where('state', 'in', [...UNFINISHED])
    .execute();
  return {
    keys: new Set(rows.map((r) => r.recipient_key)),
    emails: new Set(rows.map((r) => normalizeEmail(r.email))),
  };
}

async function listUnfinished(
  db: Kysely<Database>,
  vertical: string,
  op: '=' | '<',
  date: IsoDate,
): Promise<LedgerRecord[]> {
  const rows = await db
    .selectFrom('send_ledger')
    .selectAll()
    .where('vertical', '=', vertical)
    .where('build_date', op, date)
    .where('state', 'in', [...UNFINISHED])
    .orderBy('build_date')
    .orderBy('campaign_name')
    .orderBy('recipient_key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    recipientKey: r.recipient_key,
    email: r.email,
    operator: r.operator,
    segment: r.segment,
    zone: r.zone ?? '',
    cycle: r.cycle,
    touch: r.touch,
    listName: r.list_name,
    campaignName: r.campaign_name,
    sendAt: r.send_at,
    subscriber: r.subscriber,
    listId: r.list_id,
    campaignId: r.campaign_id,
    listmonkInstance: r.listmonk_instance,
    buildRunId: r.build_run_id,
    buildDate: r.build_date,
  }));
}

/** Records what Listmonk gave a campaign's rows (list id, campaign id) and moves their state. */
export async function updateLedgerCampaign(
  db: Kysely<Database>,
  where: { vertical: string; date: IsoDate; campaignName: string },
  patch: { listId?: number; campaignId?: number; state?: LedgerState; sendAt?: Date },
): Promise<void> {
  await db
    .updateTable('send_ledger')
    .set({
      ...(patch.listId !== undefined ? { list_id: patch.listId } : {}),
      ...(patch.campaignId !== undefined ? { campaign_id: patch.campaignId } : {}),
      ...(patch.state !== undefined ? { state: patch.state } : {}),
      ...(patch.sendAt !== undefined ? { send_at: patch.sendAt } : {}),
      updated_at: sql`now()`,
    })
    .where('vertical', '=', where.vertical)
    .where('build_date', '=', where.date)
    .where('campaign_name', '=', where.campaignName)
    .where('state', 'in', ['planned', 'imported', 'failed'])
    .execute();
}

/**
 * {@link updateLedgerCampaign} for several campaigns of one date in one statement: each campaign's
 * unfinished rows get its own patch (one per push step, not one round trip per campaign).
 */
export async function updateLedgerCampaigns(
  db: Kysely<Database>,
  where: { vertical: string; date: IsoDate },
  patches: ReadonlyArray<{ campaignName: string; listId?: number; campaignId?: number; state?: LedgerState }>,
): Promise<void> {
  if (patches.length === 0) return;
  const names = patches.map((p) => p.campaignName);
  const listIds = patches.map((p) => p.listId ?? null);
  const campaignIds = patches.map((p) => p.campaignId ?? null);
  const states = patches.map((p) => p.state ?? null);
  await sql`update send_ledger l set
      list_id = coalesce(v.list_id, l.list_id),
      campaign_id = coalesce(v.campaign_id, l.campaign_id),
      state = coalesce(v.state, l.state),
      updated_at = now()
    from unnest(${names}::text[], ${listIds}::int[], ${campaignIds}::int[], ${states}::text[])
      as v(campaign_name, list_id, campaign_id, state)
    where l.vertical = ${where.vertical} and l.build_date = ${where.date}
      and l.campaign_name = v.campaign_name and l.state in ('planned', 'imported', 'failed')`.execute(db);
}

/**
 * Records rows Listmonk kept out of their campaign: state `refused` and the reason; they are never
 * stamped and a re-run of the date does not push them again.
 */
export async function refuseLedgerRows(
  db: Kysely<Database>,
  refused: ReadonlyArray<{ id: number; reason: string }>,
  at: Date,
): Promise<void> {
  await closeLedgerRows(db, 'refused', refused, at);
}

/**
 * Records rows a reconcile found Listmonk never took (no campaign, a draft, cancelled, not on the
 * list): state `lapsed` and the reason. They were not mailed and are not resumed.
 */
export async function lapseLedgerRows(
  db: Kysely<Database>,
  lapsed: ReadonlyArray<{ id: number; reason: string }>,
  at: Date,
): Promise<void> {
  await closeLedgerRows(db, 'lapsed', lapsed, at);
}

async function closeLedgerRows(
  db: Kysely<Database>,
  state: 'refused' | 'lapsed',
  rows: ReadonlyArray<{ id: number; reason: string }>,
  at: Date,
): Promise<void> {
  const byReason = new Map<string, number[]>();
  for (const r of rows) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.id]);
  for (const [reason, ids] of byReason) {
    await db
      .updateTable('send_ledger')
      .set({ state, refusal: reason, updated_at: at })
      .where('id', 'in', ids)
      .where('state', 'in', [...UNFINISHED])
      .execute();
  }
}

/**
 * Marks a campaign's verified rows scheduled and stamps exactly those recipients, in one transaction:
 * listmonk_sent_at is set only for recipients whose campaign Listmonk accepted as scheduled, and
 * only once (rows already scheduled are not touched again). Cycle segments record the touch.
 */
export async function stampScheduledCampaign(
  db: Kysely<Database>,
  where: { vertical: string; date: IsoDate; campaignName: string },
  audience: { table: 'fmcsa_carriers' | 'hc_providers'; key: 'dot_number' | 'npi' },
  at: Date,
  /** Only these ledger rows (the recipients the push saw arrive in Listmonk). */
  verifiedRowIds: readonly number[],
): Promise<number> {
  const stamped = await stampScheduledCampaigns(db, where, audience, at, [
    { campaignName: where.campaignName, rowIds: verifiedRowIds },
  ]);
  return stamped.get(where.campaignName) ?? 0;
}

/**
 * {@link stampScheduledCampaign} for several campaigns of one date in one transaction (a handful
 * of statements, not a handful per campaign): all of them are stamped, or none. Returns the rows
 * stamped per campaign name.
 */
export async function stampScheduledCampaigns(
  db: Kysely<Database>,
  where: { vertical: string; date: IsoDate },
  audience: { table: 'fmcsa_carriers' | 'hc_providers'; key: 'dot_number' | 'npi' },
  at: Date,
  campaigns: ReadonlyArray<{ campaignName: string; rowIds: readonly number[] }>,
): Promise<Map<string, number>> {
  const stamped = new Map(campaigns.map((c) => [c.campaignName, 0]));
  const ids = campaigns.flatMap((c) => c.rowIds);
  if (ids.length === 0) return stamped;
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .updateTable('send_ledger')
      .set({ state: 'scheduled', updated_at: at })
      .where('vertical', '=', where.vertical)
      .where('build_date', '=', where.date)
      .where(
        'campaign_name',
        'in',
        campaigns.map((c) => c.campaignName),
      )
      .where('state', 'in', ['planned', 'imported', 'failed'])
      .where(sql<boolean>`id = any(${ids}::bigint[])`)
      .returning(['campaign_name', 'recipient_key', 'segment', 'cycle', 'touch'])
      .execute();
    if (rows.length === 0) return stamped;
    for (const r of rows) stamped.set(r.campaign_name, (stamped.get(r.campaign_name) ?? 0) + 1);
    const keys = rows.map((r) => r.recipient_key);
    const keyList = audience.key === 'dot_number' ? sql`${keys.map(Number)}::bigint[]` : sql`${keys}::text[]`;
    await sql`update ${sql.table(audience.table)} set listmonk_sent_at = ${at}, updated_at = ${at}
      where ${sql.ref(audience.key)} = any(${keyList})`.execute(tx);
    // One touch per recipient: a recipient is in one campaign of a date.
    const touched = [
      ...new Map(
        rows
          .filter((r) => r.cycle !== null && r.touch !== null)
          .map((r) => [`${r.segment}\u0000${r.recipient_key}`, r]),
      ).values(),
    ];
    if (touched.length > 0) {
      await tx
        .insertInto('segment_touches')
        .values(
          touched.map((r) => ({
            vertical: where.vertical,
            segment: r.segment,
            recipient_key: r.recipient_key,
            cycle: r.cycle!,
            touch: r.touch!,
            reminded_at: at,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['vertical', 'segment', 'recipient_key']).doUpdateSet({
            // A new cycle resets the touch; within a cycle it only grows.
            touch: sql`case when segment_touches.cycle = excluded.cycle
              then greatest(segment_touches.touch, excluded.touch) else excluded.touch end`,
            filed_cycle: sql`case when segment_touches.cycle = excluded.cycle then segment_touches.filed_cycle else null end`,
            cycle: sql`excluded.cycle`,
            reminded_at: sql`excluded.reminded_at`,
            updated_at: sql`excluded.updated_at`,
          }),
        )
        .execute();
    }
    return stamped;
  });
}

/** A Listmonk campaign whose stamped rows may have to be taken back. */
export interface StampedCampaign {
  instance: string;
  campaignId: number;
}

/** Stamped (`scheduled`) ledger rows of a campaign: what {@link releaseUnmailedCampaign} would release. */
export async function countStampedRows(db: Kysely<Database>, campaign: StampedCampaign): Promise<number> {
  const row = await db
    .selectFrom('send_ledger')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('listmonk_instance', '=', campaign.instance)
    .where('campaign_id', '=', campaign.campaignId)
    .where('state', '=', 'scheduled')
    .executeTakeFirst();
  return row?.n ?? 0;
}

/** Ledger rows of a campaign lapsed with `reason` (what a release did, counted again on a re-run). */
export async function countLapsedRows(
  db: Kysely<Database>,
  campaign: StampedCampaign,
  reason: string,
): Promise<number> {
  const row = await db
    .selectFrom('send_ledger')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('listmonk_instance', '=', campaign.instance)
    .where('campaign_id', '=', campaign.campaignId)
    .where('state', '=', 'lapsed')
    .where('refusal', '=', reason)
    .executeTakeFirst();
  return row?.n ?? 0;
}

/**
 * Takes back the stamp of a campaign Listmonk holds but will never send (returned to draft and
 * left there): in one transaction its `scheduled` rows become `lapsed` with `reason`, and each
 * recipient's `listmonk_sent_at` and cycle touch are put back to what the recipient's other
 * scheduled rows say (none: cleared) — only where this campaign's stamp is the one it holds, so a
 * later campaign's stamp stays. A later date's build selects them again (the lapsed row keeps them
 * out of their own date's builds). Rows already lapsed are left
 * alone: a re-run changes nothing. Returns the rows released now.
 */
export async function releaseUnmailedCampaign(
  db: Kysely<Database>,
  campaign: StampedCampaign,
  reason: string,
  at: Date,
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('send_ledger')
      .select(['id', 'vertical'])
      .where('listmonk_instance', '=', campaign.instance)
      .where('campaign_id', '=', campaign.campaignId)
      .where('state', '=', 'scheduled')
      .forUpdate()
      .execute();
    if (rows.length === 0) return 0;
    const ids = sql`${rows.map((r) => r.id)}::bigint[]`;
    // A scheduled row's updated_at is its stamp (stampScheduledCampaign sets both to one instant);
    // compared in SQL, to the microsecond. What the recipient's other scheduled rows say replaces it.
    const others = (column: 'updated_at' | 'touch', cycle: boolean) =>
      sql`(select max(${sql.ref(`o.${column}`)}) from send_ledger o where o.vertical = s.vertical
        and o.recipient_key = s.recipient_key and o.state = 'scheduled' and o.id <> all(${ids})
        ${cycle ? sql`and o.segment = s.segment and o.cycle = s.cycle` : sql``})`;
    for (const vertical of new Set(rows.map((r) => r.vertical))) {
      const audience = AUDIENCE_TABLES[vertical as Vertical];
      if (audience === undefined) continue;
      const key =
        audience.key === 'dot_number'
          ? sql`c.dot_number = s.recipient_key::bigint`
          : sql`c.npi = s.recipient_key`;
      await sql`update ${sql.table(audience.table)} c
        set listmonk_sent_at = ${others('updated_at', false)}, updated_at = ${at}
        from send_ledger s
        where s.id = any(${ids}) and s.vertical = ${vertical} and ${key}
          and c.listmonk_sent_at = s.updated_at`.execute(tx);
    }
    await sql`update segment_touches st
      set touch = coalesce(${others('touch', true)}, 0), reminded_at = ${others('updated_at', true)},
        updated_at = ${at}
      from send_ledger s
      where s.id = any(${ids}) and s.cycle is not null and s.touch is not null
        and st.vertical = s.vertical and st.segment = s.segment and st.recipient_key = s.recipient_key
        and st.cycle = s.cycle and st.touch = s.touch and st.reminded_at = s.updated_at`.execute(tx);
    await tx
      .updateTable('send_ledger')
      .set({ state: 'lapsed', refusal: reason, updated_at: at })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.length;
  });
}
