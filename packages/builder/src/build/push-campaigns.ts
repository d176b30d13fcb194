import type { Database } from '@mailramp/db';
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import { BuilderError } from '../errors.js';
import { bindPreviewSubscriber, findBrokenRender } from '../push/check-listmonk-render.js';
import type {
  ImportSubscriber,
  ListmonkCampaignState,
  ListmonkPort,
  RenderedCampaign,
} from '../push/listmonk-port.js';
import { settleCampaignByName, settleCampaigns } from '../push/settle-campaign-by-name.js';
import {
  type AudienceCheck,
  attributesRead,
  describeMissing,
  type ListmonkMember,
  type PlannedRecipient,
  verifyCampaignAudience,
} from '../push/verify-campaign-audience.js';
import type { ZoneGroup } from '../schedule/time-zones.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';
import {
  type LedgerRecord,
  stampScheduledCampaigns,
  updateLedgerCampaign,
  updateLedgerCampaigns,
} from './ledger-repository.js';
import type { BuildRequest } from './plan-build.js';
import { recordRefusals } from './record-refusals.js';
import type { BuildRules } from './resolve-build-rules.js';

/** The push steps, in order; a fault at any of them leaves the rows for a re-run to resume. */
export const PUSH_STEPS = ['list', 'import', 'verify', 'create', 'render', 'schedule', 'stamp'] as const;
export type PushStep = (typeof PUSH_STEPS)[number];

/** What happened to one campaign. */
export interface CampaignOutcome {
  name: string;
  segment: string;
  zone: string;
  sendAt: Date;
  /** Rows of the campaign the push worked on. */
  recipients: number;
  /** Recipients Listmonk kept out for a named reason (recorded as refused, never stamped). */
  refused?: number | undefined;
  /** Recipients stamped as sent: exactly those verified on the campaign's list. */
  stamped?: number | undefined;
  listId?: number | undefined;
  campaignId?: number | undefined;
  /** `refused`: Listmonk kept every recipient out for a named reason; no campaign was made. */
  state: 'scheduled' | 'failed' | 'refused';
  /** The step that failed, and why. */
  failedAt?: PushStep | undefined;
  error?: string | undefined;
  /** Rows resumed from an earlier run of the date. */
  resumed: boolean;
}

/** One campaign of the date with its rows and rendered content. */
export interface CampaignWork {
  name: string;
  segment: string;
  zone: ZoneGroup;
  sendAt: Date;
  rows: LedgerRecord[];
  rendered?: RenderedCampaign;
  resumed: boolean;
}

/** Campaigns pushed at once, per step. */
const PUSH_CONCURRENCY = 4;

/**
 * What one Listmonk search for a date's campaigns and lists asks for: the start every campaign
 * name of the date shares ({@link campaignNameOf}). Listmonk matches it as a substring (ILIKE) and,
 * v2.5+, as a full-text phrase that our names' tokens also match; a name without it is looked up
 * alone.
 */
export function buildSearchOf(vertical: string, date: string): string {
  return `mailramp-${vertical}-${date}`;
}

/** The name of the list a build's one import goes to (its members are the date's recipients). */
export function importListName(vertical: string, date: string): string {
  return `mailramp-import-${vertical}-${date}`;
}

interface Pushing {
  work: CampaignWork;
  outcome: CampaignOutcome;
  where: { vertical: string; date: string; campaignName: string };
  tags: string[];
  listId?: number;
  campaign?: ListmonkCampaignState | undefined;
  /** The campaign this run created (settled again once every create is done). */
  created?: ListmonkCampaignState | undefined;
  check?: AudienceCheck;
  /** The import step put the campaign's recipients on its list. */
  subscribed?: boolean;
}

class StepFailure extends Error {}

/**
 * Pushes a date's campaigns with a fixed number of Listmonk requests per campaign and one import
 * for the whole build: every campaign's list is found or made; every recipient whose campaign is
 * not yet past draft goes into one import (onto the date's import list, attributes overwritten);
 * each campaign's list then gets its recipients by id in one request. Nothing is stamped on
 * Listmonk's word that an import `finished`: each campaign's list is read back, and only recipients
 * on it, subscribed, not blocklisted and with the attributes the template reads are stamped.
 * Recipients Listmonk kept out for a reason it has (blocklisted subscriber → suppression, domain
 * blocklist, e-mail rules) are recorded as refused; any other shortfall fails the campaign naming
 * the addresses. Before scheduling, Listmonk renders each segment's content (HTML and text) once,
 * with one verified recipient's values, and a campaign whose render failed or shows `#ZgotmplZ`,
 * `<no value>` or `@TrackLink` is not scheduled.
 */
export async function pushCampaigns(
  db: Kysely<Database>,
  rules: BuildRules,
  request: BuildRequest,
  listmonk: ListmonkPort,
  works: readonly CampaignWork[],
  date: string,
  onOutcome: (outcome: CampaignOutcome) => void = () => {},
): Promise<CampaignOutcome[]> {
  const vertical = request.vertical;
  const pushing: Pushing[] = works.map((work) => ({
    work,
    where: { vertical, date, campaignName: work.name },
    tags: ['mailramp', vertical, work.segment, date],
    outcome: {
      name: work.name,
      segment: work.segment,
      zone: work.zone,
      sendAt: work.sendAt,
      recipients: work.rows.length,
      state: 'failed',
      resumed: work.resumed,
    },
  }));
  let live = pushing;
  const fail = (p: Pushing, step: PushStep, error: unknown): void => {
    p.outcome.failedAt = step;
    p.outcome.error = error instanceof Error ? error.message : String(error);
  };
  /** Runs a step for every campaign still live; a campaign whose step throws drops out. */
  // Campaigns are independent: a step runs for several at once (Listmonk answers one request in a
  // few ms; the time goes in round trips, not in work).
  const limit = pLimit(PUSH_CONCURRENCY);
  const each = async (step: PushStep, fn: (p: Pushing) => Promise<void>): Promise<void> => {
    await Promise.all(
      live.map((p) =>
        limit(async () => {
          try {
            await fn(p);
          } catch (error) {
            fail(p, step, error);
          }
        }),
      ),
    );
    live = live.filter((p) => p.outcome.failedAt === undefined);
  };
  /**
   * Writes a step's result to the ledger for every campaign that has one, in one statement (not
   * a round trip per campaign); a failed write fails those campaigns at the step.
   */
  const record = async (
    step: PushStep,
    campaigns: readonly Pushing[],
    patchOf: (p: Pushing) => { listId?: number; campaignId?: number; state?: 'imported' } | undefined,
  ): Promise<void> => {
    const patched = campaigns.flatMap((p) => {
      const patch = patchOf(p);
      return patch === undefined ? [] : [{ p, patch: { campaignName: p.work.name, ...patch } }];
    });
    try {
      await updateLedgerCampaigns(
        db,
        { vertical, date },
        patched.map((x) => x.patch),
      );
    } catch (error) {
      for (const { p } of patched) if (p.outcome.failedAt === undefined) fail(p, step, error);
      live = live.filter((p) => p.outcome.failedAt === undefined);
    }
  };

  // The date's lists and campaigns are read by one search each, not one per campaign: a re-run
  // finds by exact name what an interrupted run made (and a create whose answer was lost).
  const search = buildSearchOf(vertical, date);
  const searched = (p: Pushing): boolean => p.work.name.includes(search);
  const names = pushing.filter(searched).map((p) => p.work.name);
  let found: { lists: Map<string, { id: number }>; campaigns: Map<string, ListmonkCampaignState[]> };
  try {
    const [lists, campaigns] =
      names.length === 0
        ? [new Map(), new Map()]
        : await Promise.all([
            listmonk.findListsByNames(search, names),
            listmonk.listCampaignsByNames(search, names),
          ]);
    found = { lists, campaigns };
  } catch (error) {
    for (const p of pushing.filter(searched)) fail(p, 'list', error);
    live = live.filter((p) => p.outcome.failedAt === undefined);
    found = { lists: new Map(), campaigns: new Map() };
  }
  await each('list', async (p) => {
    // Found by exact name, or created.
    if (searched(p)) {
      p.listId = found.lists.get(p.work.name)?.id ?? (await listmonk.addList(p.work.name, p.tags)).id;
    } else {
      p.listId = (await listmonk.createList(p.work.name, p.tags)).id;
    }
    p.outcome.listId = p.listId;
    p.campaign = searched(p)
      ? await settleCampaigns(listmonk, found.campaigns.get(p.work.name) ?? [])
      : await settleCampaignByName(listmonk, p.work.name);
    if (p.campaign?.status === 'cancelled') {
      throw new StepFailure(
        `campaign ${p.work.name} (id ${p.campaign.id}) was cancelled in Listmonk; its recipients stay unstamped`,
      );
    }
  });
  // Every list id found or made, in one write (the ledger's rows name their list before the import).
  await record('list', pushing, (p) => (p.listId === undefined ? undefined : { listId: p.listId }));

  // A campaign already past draft has its recipients: never import into its list again.
  const importing = live.filter(
    (p) => p.campaign === undefined || p.campaign.status === 'draft' || p.campaign.status === 'paused',
  );
  const known = new Map<string, ListmonkMember>();
  if (importing.length > 0) {
    try {
      const members = await importOnce(listmonk, vertical, date, importing);
      for (const m of members) known.set(m.email, m);
    } catch (error) {
      for (const p of importing) fail(p, 'import', error);
      live = live.filter((p) => p.outcome.failedAt === undefined);
    }
    const imported = new Set(importing);
    await each('import', async (p) => {
      if (!imported.has(p)) return;
      const ids = p.work.rows
        .map((r) => known.get(r.email.trim().toLowerCase()))
        .filter((m): m is ListmonkMember => m !== undefined && m.status !== 'blocklisted')
        .map((m) => m.id);
      await listmonk.subscribeToList([...new Set(ids)], p.listId!);
      p.subscribed = true;
    });
    await record('import', live, (p) => (p.subscribed === true ? { state: 'imported' } : undefined));
  }

  // Every campaign's list read back at once, after every subscribe: what arrived, not what was sent.
  let domainBlocklist: string[] | undefined;
  let onLists = new Map<number, ListmonkMember[]>();
  if (live.length > 0) {
    try {
      [domainBlocklist, onLists] = await Promise.all([
        listmonk.readDomainBlocklist(),
        listmonk.listMembersOfLists(live.map((p) => p.listId!)),
      ]);
    } catch (error) {
      for (const p of live) fail(p, 'verify', error);
      live = [];
    }
  }
  await each('verify', async (p) => {
    const rendered = p.work.rendered!;
    const members = onLists.get(p.listId!) ?? [];
    const planned: PlannedRecipient[] = p.work.rows.map((r) => ({
      rowId: r.id,
      email: r.email,
      attribs: importSubscriberOf(r).attribs,
    }));
    const keys = attributesRead(rendered.subject, rendered.body, rendered.altbody);
    p.check = verifyCampaignAudience(planned, members, known, keys, domainBlocklist);
    await recordRefusals(db, p.check, request.now());
    p.outcome.refused = p.check.refused.length;
    if (p.check.missing.length > 0) {
      throw new StepFailure(
        `${p.check.missing.length} of ${planned.length} recipients did not arrive on list ${p.work.name} (id ${p.listId}) in Listmonk although the import reported no error: ${describeMissing(p.check.missing)}; nothing of this campaign is scheduled or stamped. Check GET /api/import/subscribers/logs, fix, and re-run the date`,
      );
    }
    if (p.check.verified.length === 0) {
      p.outcome.state = 'refused';
      p.outcome.stamped = 0;
    }
  });
  // Nobody left to send to: nothing to make in Listmonk, and nothing failed.
  live = live.filter((p) => p.outcome.state !== 'refused');

  // Every campaign of a vertical shares its Listmonk template: made or updated once per build, not
  // once per campaign (campaigns created at once would each find none and make one each).
  const templates = new Map<string, Promise<{ id: number }>>();
  const ensureTemplate = (t: { name: string; body: string }): Promise<{ id: number }> => {
    let made = templates.get(t.name);
    if (made === undefined) {
      made = listmonk.ensureCampaignTemplate(t.name, t.body);
      // A failure fails the campaigns waiting on it; the next campaign tries again.
      made.catch(() => templates.delete(t.name));
      templates.set(t.name, made);
    }
    return made;
  };
  await each('create', async (p) => {
    const rendered = p.work.rendered!;
    let template: { id: number } | undefined;
    if (p.campaign === undefined) {
      template =
        rendered.baseTemplate === undefined ? undefined : await ensureTemplate(rendered.baseTemplate);
      try {
        p.created = await listmonk.createCampaign({
          name: p.work.name,
          subject: rendered.subject,
          listIds: [p.listId!],
          fromEmail: rules.fromEmail,
          body: rendered.body,
          altbody: rendered.altbody,
          sendAt: p.work.sendAt,
          tags: p.tags,
          templateId: template?.id,
        });
        p.campaign = p.created;
      } catch (error) {
        // A create is not retried (it is not idempotent), but its answer can be lost after Listmonk
        // made the campaign: look the name up before calling it failed.
        p.campaign = await settleCampaignByName(listmonk, p.work.name).catch(() => undefined);
        if (p.campaign === undefined) throw error;
      }
    }
    p.outcome.campaignId = p.campaign!.id;
  });
  await record('create', live, (p) => ({ campaignId: p.campaign!.id }));
  // Settled again after the creates, by one search: a create of an earlier run whose answer was
  // lost may have landed since the list step looked; the duplicate draft beside ours goes.
  const made = live.filter((p) => p.created !== undefined);
  if (made.length > 0) {
    let again: Map<string, ListmonkCampaignState[]> | undefined;
    const named = made.filter(searched).map((p) => p.work.name);
    try {
      again = named.length > 0 ? await listmonk.listCampaignsByNames(search, named) : new Map();
    } catch (error) {
      for (const p of made) fail(p, 'create', error);
    }
    await each('create', async (p) => {
      if (p.created === undefined || again === undefined) return;
      const kept = searched(p)
        ? await settleCampaigns(listmonk, again.get(p.work.name) ?? [], p.created.id)
        : await settleCampaignByName(listmonk, p.work.name, p.created.id);
      if (kept !== undefined && kept.id !== p.campaign!.id) {
        p.campaign = kept;
        p.outcome.campaignId = kept.id;
        await updateLedgerCampaign(db, p.where, { campaignId: kept.id });
      }
    });
  }

  // Campaigns of one segment share their content (they differ by zone and send time only): Listmonk
  // renders it once, for the first verified recipient of the first of them, and the verdict holds
  // for them all.
  const renders = new Map<RenderedCampaign, Promise<{ email: string; problems: string[] }>>();
  const renderCheck = async (p: Pushing): Promise<{ email: string; problems: string[] }> => {
    const rendered = p.work.rendered!;
    const first = p.check!.verified[0]!;
    const row = p.work.rows.find((r) => r.id === first.rowId)!;
    const subscriber = { email: row.email, ...importSubscriberOf(row) };
    const problems: string[] = [];
    for (const [part, render] of [
      [
        'HTML',
        () => listmonk.previewCampaign(p.campaign!.id, bindPreviewSubscriber(rendered.body, subscriber)),
      ],
      [
        'text',
        () =>
          listmonk.previewCampaignText(p.campaign!.id, bindPreviewSubscriber(rendered.altbody, subscriber)),
      ],
    ] as const) {
      try {
        problems.push(...findBrokenRender(part, await render()));
      } catch (error) {
        problems.push(`Listmonk could not render the ${part} part: ${(error as Error).message}`);
      }
    }
    return { email: row.email, problems };
  };
  await each('render', async (p) => {
    if (p.campaign!.status !== 'draft' && p.campaign!.status !== 'paused') return;
    const rendered = p.work.rendered!;
    let check = renders.get(rendered);
    if (check === undefined) {
      check = renderCheck(p);
      renders.set(rendered, check);
    }
    const { email, problems } = await check;
    if (problems.length > 0) {
      throw new StepFailure(
        `Listmonk's render of ${p.work.name}'s content for ${email} is broken, so it is not scheduled: ${problems.join('; ')}. Fix the template (mailramp lint, mailramp render) and re-run the date`,
      );
    }
  });

  await each('schedule', async (p) => {
    let campaign = p.campaign!;
    if (campaign.status === 'draft' || campaign.status === 'paused') {
      // Listmonk does not re-check send_at on a status change: check it here, right before.
      const earliest = request.now().getTime() + rules.sendAtMarginMinutes * 60_000;
      if (p.work.sendAt.getTime() < earliest) {
        throw new BuilderError(
          'SLOT_PASSED',
          `send_at ${p.work.sendAt.toISOString()} is no longer ${rules.sendAtMarginMinutes} min ahead; re-run with --next-slot or --send-hour`,
        );
      }
      if (campaign.sendAt === null || campaign.sendAt.getTime() !== p.work.sendAt.getTime()) {
        await listmonk.updateCampaignSendAt(campaign.id, [p.listId!], p.work.sendAt);
      }
      const id = campaign.id;
      try {
        campaign = await listmonk.scheduleCampaign(id);
      } catch (error) {
        // The status change may have been applied with its answer lost: read it back first.
        const read = (await listmonk.listCampaignsByName(p.work.name).catch(() => [])).find(
          (c) => c.id === id,
        );
        if (read?.status !== 'scheduled') throw error;
        campaign = read;
      }
    }
    if (campaign.status !== 'scheduled' && campaign.status !== 'running' && campaign.status !== 'finished') {
      throw new StepFailure(
        `Listmonk left campaign ${p.work.name} (id ${campaign.id}) ${campaign.status}, not scheduled`,
      );
    }
    p.outcome.state = 'scheduled';
  });

  // Every scheduled campaign stamped in one transaction: all of them, or none (a re-run stamps).
  if (live.length > 0) {
    try {
      const stamped = await stampScheduledCampaigns(
        db,
        { vertical, date },
        AUDIENCE_TABLES[request.vertical],
        request.now(),
        live.map((p) => ({ campaignName: p.work.name, rowIds: p.check!.verified.map((r) => r.rowId) })),
      );
      for (const p of live) p.outcome.stamped = stamped.get(p.work.name) ?? 0;
    } catch (error) {
      for (const p of live) {
        fail(
          p,
          'stamp',
          new StepFailure(
            `${(error as Error).message}; the campaign is scheduled in Listmonk: re-run the date to stamp it`,
          ),
        );
      }
      live = [];
    }
  }

  for (const p of pushing) {
    if (p.outcome.failedAt !== undefined) {
      p.outcome.state = 'failed';
      await updateLedgerCampaign(db, p.where, { state: 'failed' }).catch(() => undefined);
    }
    onOutcome(p.outcome);
  }
  return pushing.map((p) => p.outcome);
}

/** The subscriber a ledger row imports: its name (the local part when empty) and attributes. */
export function importSubscriberOf(row: LedgerRecord): Omit<ImportSubscriber, 'email'> {
  const s = row.subscriber as { name?: unknown; attribs?: unknown };
  return {
    name: typeof s.name === 'string' && s.name !== '' ? s.name : row.email.split('@')[0]!,
    attribs: (typeof s.attribs === 'object' && s.attribs !== null ? s.attribs : {}) as Record<
      string,
      unknown
    >,
  };
}

/**
 * The build's one import: every recipient of the campaigns being imported, once per address (the
 * first row's values win), onto the date's import list; returns that list's members as Listmonk
 * reports them after the import.
 */
async function importOnce(
  listmonk: ListmonkPort,
  vertical: string,
  date: string,
  importing: readonly Pushing[],
): Promise<ListmonkMember[]> {
  const name = importListName(vertical, date);
  const list =
    (await listmonk.findListByName(name)) ??
    (await listmonk.addList(name, ['mailramp', vertical, date, 'import']));
  const byEmail = new Map<string, ImportSubscriber>();
  for (const p of importing) {
    for (const row of p.work.rows) {
      const email = row.email.trim().toLowerCase();
      if (!byEmail.has(email)) byEmail.set(email, { email: row.email, ...importSubscriberOf(row) });
    }
  }
  await listmonk.importSubscribers(list.id, [...byEmail.values()]);
  return listmonk.listMembers(list.id);
}
