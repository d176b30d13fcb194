import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import type { IsoDate } from '../calendar/calendar-date.js';
import type { ListmonkCampaignState, ListmonkPort } from '../push/listmonk-port.js';
import { settleCampaignByName } from '../push/settle-campaign-by-name.js';
import {
  attributesRead,
  type ListmonkMember,
  verifyCampaignAudience,
} from '../push/verify-campaign-audience.js';
import type { Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';
import {
  type LedgerRecord,
  lapseLedgerRows,
  listUnfinishedLedgerBefore,
  stampScheduledCampaign,
} from './ledger-repository.js';
import { importSubscriberOf } from './push-campaigns.js';
import { recordRefusals } from './record-refusals.js';

/** What a reconcile did with one campaign of an earlier date. */
export interface ReconciledCampaign {
  date: IsoDate;
  name: string;
  /** Unfinished rows of the campaign the reconcile looked at. */
  recipients: number;
  /** The campaign's status in Listmonk; undefined when Listmonk has none of that name or did not answer. */
  status?: ListmonkCampaignState['status'] | undefined;
  campaignId?: number | undefined;
  /**
   * `stamped`: Listmonk has it scheduled (or sending, or sent) and its verified recipients were
   * stamped; `lapsed`: Listmonk never took it, its rows lapsed; `unreconciled`: Listmonk could not
   * be asked, the rows stay as they were and their recipients are left out of selection.
   */
  outcome: 'stamped' | 'lapsed' | 'unreconciled';
  stamped: number;
  refused: number;
  lapsed: number;
  /** Why rows lapsed, or why the campaign stays unreconciled. */
  reason?: string | undefined;
}

/** What a build's reconcile of earlier dates did. */
export interface Reconciliation {
  campaigns: ReconciledCampaign[];
  stamped: number;
  refused: number;
  lapsed: number;
  /** Rows left unreconciled (Listmonk did not answer for their campaign). */
  unreconciled: number;
}

// Listmonk took these: a scheduled campaign sends at send_at; running, paused and finished ones
// have sent (some of) their mail already.
const TAKEN = new Set<ListmonkCampaignState['status']>(['scheduled', 'running', 'paused', 'finished']);

/**
 * Settles every unfinished ledger row of a date before `date` with Listmonk: each campaign is found
 * by name (duplicate drafts of the name removed), and when Listmonk has it scheduled, sending or
 * sent, the rows verified on its list — subscribed, not blocklisted, attributes as imported, the
 * push's own check — are stamped, those Listmonk kept out for a named reason refused, and the
 * rest lapse. A campaign Listmonk does not have, or has only as a draft (deleted: nobody may
 * schedule it later) or cancelled, lapses all its rows. A campaign Listmonk could not be asked
 * about stays unreconciled, and the selection leaves its recipients alone.
 *
 * Status changes that reached Listmonk after the client gave up, or a crash between scheduling and
 * stamping, leave exactly such rows behind; a re-run of the date would resume them, but after
 * midnight the next build is another date.
 */
export async function reconcileEarlierDates(
  db: Kysely<Database>,
  vertical: Vertical,
  date: IsoDate,
  listmonk: ListmonkPort,
  now: () => Date,
  /** The Listmonk instance `listmonk` talks to: rows queued through another stay unreconciled. */
  instance?: string,
): Promise<Reconciliation> {
  const rows = await listUnfinishedLedgerBefore(db, vertical, date);
  const groups = new Map<string, LedgerRecord[]>();
  for (const r of rows) {
    const k = `${r.listmonkInstance}\n${r.buildDate}\n${r.campaignName}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const result: Reconciliation = { campaigns: [], stamped: 0, refused: 0, lapsed: 0, unreconciled: 0 };
  let domainBlocklist: Promise<string[] | undefined> | undefined;
  for (const group of groups.values()) {
    const first = group[0]!;
    const done: ReconciledCampaign = {
      date: first.buildDate,
      name: first.campaignName,
      recipients: group.length,
      outcome: 'unreconciled',
      stamped: 0,
      refused: 0,
      lapsed: 0,
    };
    if (instance !== undefined && first.listmonkInstance !== instance) {
      // Another server's campaign: not finding it here says nothing, and lapsing its rows could
      // mail them twice.
      done.reason = `queued through Listmonk instance ${first.listmonkInstance}, and this build talks to ${instance}: a build of ${vertical} whose listmonkInstance is ${first.listmonkInstance} reconciles it`;
      result.campaigns.push(done);
      result.unreconciled += done.recipients;
      continue;
    }
    try {
      const campaign = await settleCampaignByName(listmonk, first.campaignName);
      done.status = campaign?.status;
      done.campaignId = campaign?.id;
      if (campaign === undefined || !TAKEN.has(campaign.status)) {
        const why =
          campaign === undefined
            ? `Listmonk has no campaign ${first.campaignName}`
            : `Listmonk has campaign ${first.campaignName} (id ${campaign.id}) ${campaign.status}, never scheduled`;
        // A draft left behind could still be scheduled by hand (or by a late status change) and
        // mail recipients the ledger no longer holds: it goes.
        if (campaign?.status === 'draft') await listmonk.deleteCampaign(campaign.id);
        await lapseLedgerRows(
          db,
          group.map((r) => ({ id: r.id, reason: `reconciled on ${date}: ${why}` })),
          now(),
        );
        Object.assign(done, { outcome: 'lapsed', lapsed: group.length, reason: why });
      } else {
        domainBlocklist ??= listmonk.readDomainBlocklist();
        Object.assign(
          done,
          await settleTaken(db, vertical, date, listmonk, group, campaign, domainBlocklist, now),
        );
      }
    } catch (error) {
      done.reason = `Listmonk could not be asked about ${first.campaignName}: ${(error as Error).message}`;
    }
    result.campaigns.push(done);
    result.stamped += done.stamped;
    result.refused += done.refused;
    result.lapsed += done.lapsed;
    if (done.outcome === 'unreconciled') result.unreconciled += done.recipients;
  }
  return result;
}

/** A campaign Listmonk took: stamp its verified rows, refuse the refused, lapse the missing. */
async function settleTaken(
  db: Kysely<Database>,
  vertical: Vertical,
  date: IsoDate,
  listmonk: ListmonkPort,
  group: readonly LedgerRecord[],
  campaign: ListmonkCampaignState,
  domainBlocklist: Promise<string[] | undefined>,
  now: () => Date,
): Promise<Partial<ReconciledCampaign>> {
  const first = group[0]!;
  const listIds = campaign.listIds ?? (first.listId === null ? [] : [first.listId]);
  const members = new Map<string, ListmonkMember>();
  for (const list of (await listmonk.listMembersOfLists(listIds)).values()) {
    for (const m of list) members.set(m.email, m);
  }
  const content = campaign.content;
  const keys = content === undefined ? [] : attributesRead(content.subject, content.body, content.altbody);
  const check = verifyCampaignAudience(
    group.map((r) => ({ rowId: r.id, email: r.email, attribs: importSubscriberOf(r).attribs })),
    [...members.values()],
    members,
    keys,
    await domainBlocklist,
  );
  await recordRefusals(db, check, now());
  const stamped = await stampScheduledCampaign(
    db,
    { vertical, date: first.buildDate, campaignName: first.campaignName },
    AUDIENCE_TABLES[vertical],
    now(),
    check.verified.map((r) => r.rowId),
  );
  if (check.missing.length > 0) {
    await lapseLedgerRows(
      db,
      check.missing.map((m) => ({
        id: m.recipient.rowId,
        reason: `reconciled on ${date}: ${m.why} of scheduled campaign ${first.campaignName} (id ${campaign.id})`,
      })),
      now(),
    );
  }
  return {
    outcome: 'stamped',
    stamped,
    refused: check.refused.length,
    lapsed: check.missing.length,
    ...(check.missing.length > 0
      ? { reason: `${check.missing.length} recipients were not on its list as imported` }
      : {}),
  };
}
