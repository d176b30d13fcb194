import type { Database, JsonObject } from '@mailramp/db';
import { normalizeEmail, UNDELIVERABLE_MX } from '@mailramp/mailbox';
import { type Kysely, sql } from 'kysely';
import { type IsoDate, isIsoDate } from '../calendar/calendar-date.js';
import { planFilingTouch } from '../calendar/plan-filing-touch.js';
import { mcs150DueDateOf, planMcs150Cutoffs } from '../calendar/plan-mcs150-cutoffs.js';
import { measureRecentBounces } from '../caps/measure-recent-bounces.js';
import { type CatchAllDecision, planCatchAll, type RecentBounces } from '../caps/plan-catch-all.js';
import { planDailyCap } from '../caps/plan-daily-cap.js';
import { planHeldOperators, planOperatorCaps, planReleasedOperators } from '../caps/plan-operator-caps.js';
import { BuilderError } from '../errors.js';
import { createFiledLink } from '../filed/filed-link.js';
import { planSendTimes, type SendTimeRules } from '../schedule/plan-send-times.js';
import { ZONE_GROUPS, type ZoneGroup, zoneGroupOf } from '../schedule/time-zones.js';
import type { SegmentDefinition, Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';
import type { ExclusionReason, ExclusionRules } from '../selection/classify-exclusion.js';
import {
  type AudienceCandidate,
  countTakenByHigher,
  type DatedSegment,
  findSegmentCandidates,
  keyOrderOf,
  listOperators,
} from '../selection/find-segment-candidates.js';
import {
  type CapsHit,
  operatorKeyOf,
  planSelection,
  type SegmentCandidates,
} from '../selection/plan-selection.js';
import { GUARANTEED_ATTRIBUTES } from '../template/find-missing-attribute-uses.js';
import {
  type LedgerEntry,
  listUnreconciledRecipients,
  sendWindowOf,
  summarizeLedgerDay,
} from './ledger-repository.js';
import { planCoupon } from './plan-coupon.js';
import type { GateOverride } from './preflight-gate.js';
import type { BuildRules } from './resolve-build-rules.js';

/** What a build is asked to do (the CLI flags, as a library call). */
export interface BuildRequest {
  vertical: Vertical;
  /** Build date (UTC calendar date); default: today. */
  date?: IsoDate | undefined;
  /** Days since the stream's warm-up start (from ops' warmupDay(); the app computes it). */
  warmupDay: number;
  /**
   * The warm-up stream feeding the vertical's Listmonk: its hourly ramp cap for the day (ops'
   * getHourlyCap; the app computes it) and its sending hours. The day's cap is at most hourly cap ×
   * sending hours, lowered the same day by the stream's active hold (read from warmup_holds).
   */
  stream?: { name: string; hourlyCap: number; sendingHours: number } | undefined;
  onlySegment?: string | undefined;
  maxPerSegment?: number | undefined;
  sendHour?: number | undefined;
  sendMinute?: number | undefined;
  nextSlot?: boolean | undefined;
  /** Who overrides a failing pre-flight gate, and why (a live build only; recorded in build_runs). */
  force?: GateOverride | undefined;
  /** Recent sends and bounces (5 days), for the catch-all rule; absent: measured from the ledger. */
  recentBounces?: RecentBounces | undefined;
  /**
   * Rows per segment on the first page (default: twice the day's remaining cap, at least 64).
   * Paging never breaks a rule; it changes the queries it takes, how many excluded rows the plan
   * examined (later pages skip rows the rules would exclude) and, once operator caps bind, which of
   * equally eligible rows are picked (later pages walk each operator from its own cursor); once
   * the day's cap binds, a higher segment's key on a page not read yet is one the cap turned away,
   * so a lower key may take that address. Tests set it to force paging.
   */
  pageSize?: number | undefined;
  now: () => Date;
}

/** One Listmonk campaign of the plan. */
export interface PlannedCampaign {
  name: string;
  listName: string;
  segment: string;
  zone: ZoneGroup;
  sendAt: Date;
  /** The slot --next-slot moved it from. */
  movedFrom?: Date | undefined;
  recipients: number;
  template: string;
  landingPage: string;
  subject?: string | undefined;
  cycle?: string | undefined;
  touch?: number | undefined;
}

/** The day's plan: what a dry run prints and a live build pushes. */
export interface BuildPlan {
  vertical: Vertical;
  date: IsoDate;
  warmupDay: number;
  dailyCap: number;
  /** What limited the daily cap when the stream did: its hourly cap (or hold) × sending hours. */
  streamCap?: {
    stream: string;
    hourly: number;
    sendingHours: number;
    hold?: { rate: number; until: string };
  };
  /** Recipients earlier runs of the date already took (they count against the caps). */
  alreadyToday: number;
  heldOperators: string[];
  /** Operators of the warm-up default set that an explicit held list lets through before day 30. */
  releasedOperators: string[];
  catchAll: CatchAllDecision;
  campaigns: PlannedCampaign[];
  recipients: LedgerEntry[];
  bySegmentOperator: Array<{ segment: string; operator: string; recipients: number }>;
  /** Candidates examined and excluded, per reason. */
  excluded: Partial<Record<ExclusionReason, number>>;
  /**
   * Recipients with a row of an earlier date not yet reconciled with Listmonk (its campaign may be
   * scheduled there): left out of the selection, counted under `in_todays_build` when examined.
   */
  unreconciled: number;
  /** Rows of the vertical with an address whose listmonk_sent_at is set (never re-selected). */
  alreadyMailed: number;
  capsHit: CapsHit;
  segments: Array<{
    id: string;
    priority: number;
    recipients: number;
    /**
     * Rows this segment's rule accepts that a higher-priority segment took (among the keys its walk
     * covered): each recipient is in one campaign a day, the highest segment that matches it.
     */
    takenByHigher: number;
    cycle?: string;
    touch?: number;
  }>;
}

const UNCLASSIFIED = '(unclassified)';

/** Campaign and list name: deterministic per date, vertical, segment, zone (and batch after the first). */
export function campaignNameOf(
  vertical: string,
  date: IsoDate,
  segment: string,
  zone: string,
  batch: number,
): string {
  return `mailramp-${vertical}-${date}-${segment}-${zone}${batch > 1 ? `-b${batch}` : ''}`;
}

/**
 * Plans a day's build without writing anything: selects recipients under every rule, groups them
 * into one campaign per segment × time-zone group, and computes each send_at. Throws SLOT_PASSED
 * (before anything is written) when a send_at is not far enough ahead.
 *
 * @example
 * const plan = await planBuild(db, rules, { vertical: 'trucking', warmupDay: 12, now: () => new Date() });
 */
export async function planBuild(
  db: Kysely<Database>,
  rules: BuildRules,
  request: BuildRequest,
): Promise<BuildPlan> {
  if (db.isTransaction) return planIn(db, rules, request);
  // One read-only snapshot, so every page and count sees the same audience. JIT off: each walk
  // reads a few thousand rows, but the planner's estimates on a large table make PostgreSQL spend
  // tens of milliseconds compiling every query.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`set local jit = off`.execute(trx);
      return planIn(trx, rules, request);
    });
}

async function planIn(db: Kysely<Database>, rules: BuildRules, request: BuildRequest): Promise<BuildPlan> {
  const now = request.now();
  const date = request.date ?? now.toISOString().slice(0, 10);
  checkRequest(rules, request, date);
  const { vertical, warmupDay } = request;

  const stream = request.stream === undefined ? undefined : await streamCapOf(db, request.stream, date);
  const dailyCap = Math.min(
    planDailyCap(rules.dailyCaps, warmupDay, rules.ceiling),
    stream === undefined ? Number.POSITIVE_INFINITY : stream.hourly * stream.sendingHours,
  );
  const held = planHeldOperators(rules.heldOperators, warmupDay);
  const capOf = planOperatorCaps(rules.operatorCaps, warmupDay);
  const measure =
    rules.catchAll.mode === 'auto' &&
    warmupDay >= rules.catchAll.fromDay &&
    request.recentBounces === undefined;
  const catchAll = planCatchAll(
    rules.catchAll,
    warmupDay,
    measure ? await measureRecentBounces(db, vertical, now) : request.recentBounces,
  );
  const exclusionRules: ExclusionRules = {
    familyOf: (domain) => rules.families.familyOf(domain),
    familyOfOperator: (operator) => rules.families.familyOfOperator(operator),
    legalAddresses: rules.families.blockedAddresses,
    sendable: new Set(rules.sendable),
    catchAllResults: new Set(rules.catchAll.results),
    catchAllIncluded: catchAll.included,
    heldOperators: held,
    operatorCapOf: capOf,
  };

  const active = rules.segments.filter(
    (s) => request.onlySegment === undefined || s.id === request.onlySegment,
  );
  const dated: DatedSegment[] = active.map((definition) => {
    const rule = definition.rule;
    if (rule.kind === 'filing_cycle') {
      return { definition, touch: planFilingTouch(date, rule.calendar, rule.touchBusinessDays) ?? null };
    }
    if (rule.kind === 'mcs150')
      return { definition, mcs150Cutoffs: planMcs150Cutoffs(date, rule.dueSoonDays) };
    return { definition };
  });

  // Caps hold per day mail leaves: whatever build date queued a campaign sending that day (a
  // `--date <yesterday> --next-slot` build sends today), it counts against today's caps.
  const allZones = Object.keys(ZONE_GROUPS) as ZoneGroup[];
  const sendWindow = sendWindowOf(
    [
      ...planSendTimes(allZones, { ...sendTimeRulesOf(rules, request, date, now), nextSlot: true }).values(),
    ].map((slot) => slot.sendAt),
  );
  const today = await summarizeLedgerDay(db, vertical, date, sendWindow);
  const unreconciled = await listUnreconciledRecipients(db, vertical, date);
  const remaining = Math.max(0, dailyCap - today.total);
  const perSegment = request.maxPerSegment;
  const want = Math.min(remaining, perSegment ?? remaining);
  const firstLimit = request.pageSize ?? Math.max(64, want * 2);
  /**
   * One segment's walk: the first page in key order (every operator up to `firstLast`), then each
   * operator from its own cursor, so a rare operator's walk goes deep while a full one's stops.
   */
  interface Pool {
    rows: AudienceCandidate[];
    complete: boolean;
    limit: number;
    walked: boolean;
    firstLast: string | undefined;
    /** Per operator key (operatorKeyOf): where its own walk got to after the first page. */
    cursors: Map<string, { last: string | undefined; exhausted: boolean }>;
  }
  const pools = new Map<string, Pool>();
  for (const s of dated) {
    pools.set(s.definition.id, {
      rows: [],
      complete: want === 0,
      limit: firstLimit,
      walked: false,
      firstLast: undefined,
      cursors: new Map(),
    });
  }
  const byKey = keyOrderOf(vertical);

  // The walk reads only rows some cap would still take: operators that are held, capped at 0 or
  // already full are left out in SQL, so plan time follows the recipients selected.
  const present = want === 0 ? { operators: [], unclassified: false } : await listOperators(db, vertical);
  const roomLeft = (op: string | null, taken: ReadonlyMap<string, number>): number =>
    Math.min(want, capOf(op) - (taken.get(operatorKeyOf(op)) ?? 0));
  // Operators whose rows are a blocked family (Yahoo-hosted domains) are read like held ones: on
  // the first page only, so their exclusions are counted but later pages do not walk them; so are
  // domains that cannot receive mail (domain_not_found, null_mx, no_mail_host).
  const familyOps = new Set<string>([...rules.families.operators(), ...UNDELIVERABLE_MX]);
  const roomOf = (op: string | null, taken: ReadonlyMap<string, number>): boolean =>
    (op === null || (!held.has(op) && !familyOps.has(op))) && roomLeft(op, taken) > 0;
  const mailableOnly = {
    verifyResults: [...rules.sendable, ...(catchAll.included ? rules.catchAll.results : [])],
    blockedDomains: rules.families.domains(),
  };
  let taken: Map<string, number> = new Map(Object.entries(today.byOperator));
  let selection: ReturnType<typeof planSelection<AudienceCandidate>>;
  let fetchIds = want === 0 ? [] : dated.map((s) => s.definition.id);
  for (let round = 1; ; round += 1) {
    if (round > 200) {
      // A guard, not a limit: every round reads at least one new row per starved segment.
      throw new Error(`selection did not settle after 200 rounds (starved: ${fetchIds.join(', ')})`);
    }
    const operators = {
      open: present.operators.filter((op) => roomOf(op, taken)),
      unclassified: present.unclassified && roomOf(null, taken),
    };
    for (const id of fetchIds) {
      const pool = pools.get(id)!;
      const first = !pool.walked;
      const walking = [
        ...operators.open.map((op): string | null => op),
        ...(operators.unclassified ? [null] : []),
      ].filter((op) => pool.cursors.get(operatorKeyOf(op))?.exhausted !== true);
      if (walking.length === 0 && !first) {
        pool.complete = true;
        continue;
      }
      // The first page also reads held operators' rows, so the plan counts their exclusions
      // (Yahoo family, Google consumer…) among the rows it examined; later pages skip them.
      const page = await findSegmentCandidates(db, vertical, date, dated, id, {
        limit: pool.limit,
        operators: first
          ? {
              ...operators,
              open: [
                ...operators.open,
                ...[...new Set([...held, ...familyOps])].filter((op) => present.operators.includes(op)),
              ],
            }
          : operators,
        mailableOnly: first ? undefined : mailableOnly,
        sendWindow,
        now,
        perOperator: first
          ? undefined
          : walking.map((op) => ({
              operator: op,
              room: roomLeft(op, taken),
              after: pool.cursors.get(operatorKeyOf(op))?.last ?? pool.firstLast,
            })),
      });
      // A recipient whose campaign of an earlier date is still unreconciled may be scheduled in
      // Listmonk already: left out like one in today's build until a reconcile settles it.
      for (const row of page.rows) {
        if (unreconciled.keys.has(row.key) || unreconciled.emails.has(normalizeEmail(row.email)))
          row.inTodaysBuild = true;
      }
      if (first) {
        pool.rows.push(...page.rows);
        pool.firstLast = page.rows.at(-1)?.key;
      } else {
        pool.rows = [...pool.rows, ...page.rows].sort((a, b) => byKey(a.key, b.key));
        for (const w of page.walks ?? [])
          pool.cursors.set(operatorKeyOf(w.operator), { last: w.last, exhausted: w.exhausted });
      }
      pool.complete = page.complete;
      pool.walked = true;
      pool.limit *= 2;
    }
    const segments: SegmentCandidates<AudienceCandidate>[] = dated.map((s) => {
      const pool = pools.get(s.definition.id)!;
      return { segment: s.definition.id, candidates: pool.rows, complete: pool.complete };
    });
    selection = planSelection(segments, exclusionRules, {
      daily: remaining,
      perSegment,
      operatorUsed: today.byOperator,
      segmentUsed: today.bySegment,
    });
    if (selection.starved.length === 0) break;
    fetchIds = selection.starved;
    taken = new Map(Object.entries(today.byOperator));
    for (const { candidate } of selection.selected) {
      const k = operatorKeyOf(candidate.operator);
      taken.set(k, (taken.get(k) ?? 0) + 1);
    }
  }

  const byId = new Map(dated.map((s) => [s.definition.id, s]));
  const zoneOf = (c: AudienceCandidate): ZoneGroup => zoneGroupOf(c.state, c.zip, rules.defaultZone);
  const zones = [...new Set(selection.selected.map((s) => zoneOf(s.candidate)))];
  const slots = planSendTimes(zones, sendTimeRulesOf(rules, request, date, now));
  const batch = today.runs + 1;
  const table = AUDIENCE_TABLES[vertical];
  const campaigns = new Map<string, PlannedCampaign>();
  const recipients: LedgerEntry[] = [];
  const segOp = new Map<string, number>();
  for (const { segment, candidate } of selection.selected) {
    const s = byId.get(segment)!;
    const zone = zoneOf(candidate);
    const slot = slots.get(zone)!;
    const name = campaignNameOf(vertical, date, segment, zone, batch);
    let campaign = campaigns.get(name);
    if (campaign === undefined) {
      campaign = {
        name,
        listName: name,
        segment,
        zone,
        sendAt: slot.sendAt,
        movedFrom: slot.movedFrom,
        recipients: 0,
        template: s.definition.template,
        landingPage: s.definition.landingPage,
        subject: s.definition.subject,
        cycle: s.touch?.cycle,
        touch: s.touch?.touch,
      };
      campaigns.set(name, campaign);
    }
    campaign.recipients += 1;
    const opKey = `${segment}\u0000${candidate.operator ?? UNCLASSIFIED}`;
    segOp.set(opKey, (segOp.get(opKey) ?? 0) + 1);
    recipients.push({
      recipientKey: candidate.key,
      email: normalizeEmail(candidate.email),
      operator: candidate.operator,
      segment,
      zone,
      cycle: s.touch?.cycle ?? null,
      touch: s.touch?.touch ?? null,
      listName: name,
      campaignName: name,
      sendAt: slot.sendAt,
      subscriber: subscriberOf(rules, table.linkParam, s, candidate, date),
    });
  }

  const alreadyMailed = await countAlreadyMailed(db, vertical);
  const walks: Array<{ segmentId: string; upTo: string | undefined }> = [];
  for (const s of dated) {
    const pool = pools.get(s.definition.id)!;
    // A segment whose walk never ran (the day's cap already full) examined nothing.
    if (!pool.walked) continue;
    const upTo = pool.complete ? undefined : coveredUpTo(pool, present, byKey);
    if (!pool.complete && upTo === undefined) continue;
    walks.push({ segmentId: s.definition.id, upTo });
  }
  const takenByHigher = await countTakenByHigher(db, vertical, date, dated, walks);
  return {
    vertical,
    date,
    warmupDay,
    dailyCap,
    ...(stream !== undefined && stream.hourly * stream.sendingHours <= dailyCap ? { streamCap: stream } : {}),
    alreadyToday: today.total,
    heldOperators: [...held].sort(),
    releasedOperators: planReleasedOperators(rules.heldOperators, warmupDay),
    catchAll,
    campaigns: [...campaigns.values()].sort((a, b) => a.name.localeCompare(b.name)),
    recipients,
    bySegmentOperator: [...segOp.entries()]
      .map(([k, n]) => {
        const [segment, operator] = k.split('\u0000') as [string, string];
        return { segment, operator, recipients: n };
      })
      .sort(
        (a, b) =>
          a.segment.localeCompare(b.segment) ||
          b.recipients - a.recipients ||
          a.operator.localeCompare(b.operator),
      ),
    excluded: selection.excluded,
    unreconciled: unreconciled.keys.size,
    alreadyMailed,
    capsHit: selection.capsHit,
    segments: dated.map((s) => ({
      id: s.definition.id,
      priority: s.definition.priority,
      recipients: selection.selected.filter((x) => x.segment === s.definition.id).length,
      takenByHigher: takenByHigher.get(s.definition.id) ?? 0,
      ...(s.touch ? { cycle: s.touch.cycle, touch: s.touch.touch } : {}),
    })),
  };
}

/**
 * The last key up to which a segment's walk read every operator's rows: the first page's last key,
 * or further where every operator's own walk went further (an exhausted walk covers every key).
 */
function coveredUpTo(
  pool: {
    firstLast: string | undefined;
    cursors: ReadonlyMap<string, { last: string | undefined; exhausted: boolean }>;
  },
  present: { operators: readonly string[]; unclassified: boolean },
  byKey: (a: string, b: string) => number,
): string | undefined {
  let upTo: string | undefined;
  const ops = [...present.operators.map((op): string | null => op), ...(present.unclassified ? [null] : [])];
  for (const op of ops) {
    const cursor = pool.cursors.get(operatorKeyOf(op));
    if (cursor?.exhausted === true) continue;
    const last = cursor?.last ?? pool.firstLast;
    if (last !== undefined && (upTo === undefined || byKey(last, upTo) < 0)) upTo = last;
  }
  return upTo ?? pool.firstLast;
}

/** The send-time rules of a build: the vertical's local morning and margin, the request's overrides. */
export function sendTimeRulesOf(
  rules: BuildRules,
  request: BuildRequest,
  date: IsoDate,
  now: Date,
): SendTimeRules {
  return {
    date,
    morningHour: rules.morningHour,
    morningMinute: rules.morningMinute,
    marginMinutes: rules.sendAtMarginMinutes,
    sendHour: request.sendHour,
    sendMinute: request.sendMinute,
    nextSlot: request.nextSlot,
    now,
  };
}

function checkRequest(rules: BuildRules, request: BuildRequest, date: string): void {
  if (!isIsoDate(date)) throw new BuilderError('BUILD_INPUT', `--date ${date} is not a date YYYY-MM-DD`);
  if (request.onlySegment !== undefined && !rules.segments.some((s) => s.id === request.onlySegment)) {
    throw new BuilderError(
      'BUILD_INPUT',
      `--only-segment ${request.onlySegment} is not an enabled ${rules.vertical} segment; choose one of ${rules.segments.map((s) => s.id).join(', ')}`,
    );
  }
  if (
    request.maxPerSegment !== undefined &&
    (!Number.isInteger(request.maxPerSegment) || request.maxPerSegment < 1)
  ) {
    throw new BuilderError(
      'BUILD_INPUT',
      `--max-per-segment must be a whole number ≥ 1 (got ${request.maxPerSegment})`,
    );
  }
  if (!Number.isInteger(request.warmupDay) || request.warmupDay < 0) {
    throw new BuilderError(
      'BUILD_INPUT',
      `warm-up day must be a whole number ≥ 0 (got ${request.warmupDay})`,
    );
  }
  const hour = request.sendHour;
  const minute = request.sendMinute;
  if (hour !== undefined && (!Number.isInteger(hour) || hour < 0 || hour > 23)) {
    throw new BuilderError('BUILD_INPUT', `--send-hour must be 0–23 (UTC), got ${hour}`);
  }
  if (minute !== undefined && (!Number.isInteger(minute) || minute < 0 || minute > 59)) {
    throw new BuilderError('BUILD_INPUT', `--send-minute must be 0–59, got ${minute}`);
  }
  if (minute !== undefined && hour === undefined) {
    throw new BuilderError('BUILD_INPUT', '--send-minute needs --send-hour');
  }
}

// One formatter for every recipient: toLocaleDateString builds one per call (~0.1 ms each).
const DUE_MONTH = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', year: 'numeric' });

/** The Listmonk subscriber of a recipient: name and the attributes templates use (lp_link owns the query). */
function subscriberOf(
  rules: BuildRules,
  linkParam: string,
  segment: DatedSegment,
  c: AudienceCandidate,
  date: IsoDate,
): JsonObject {
  const d = segment.definition;
  const query = new URLSearchParams({ [linkParam]: c.key });
  const coupon = rules.coupon === undefined ? undefined : planCoupon(rules.coupon, c.email, date);
  if (coupon !== undefined) query.set('code', coupon.code);
  const rule = d.rule;
  const dueDate =
    rule.kind === 'mcs150'
      ? mcs150DueDateOf(Number(c.key), date, rule.dueSoonDays)
      : rule.kind === 'date_window'
        ? c.windowDate
        : (segment.touch?.dueDate ?? null);
  const name = (c.name ?? '').trim();
  const attribs: JsonObject =
    linkParam === 'dot'
      ? {
          dot: c.key,
          legal_name: name,
          dot_check_link: `${rules.siteUrl}/tools/dot-check?dot=${c.key}`,
        }
      : { npi: c.key, provider_name: name, facility_name: name, ...c.extra };
  attribs.lp_link = `${rules.siteUrl}/order/${d.landingPage}?${query.toString()}`;
  attribs.segment = d.id;
  attribs.state = c.state;
  if (dueDate !== null) {
    attribs.due_date = dueDate;
    attribs.due_month = DUE_MONTH.format(new Date(`${dueDate}T00:00:00Z`));
  }
  if (segment.touch) {
    attribs.touch = segment.touch.touch;
    attribs.cycle = segment.touch.cycle;
    if (rules.filedLinkSecret !== undefined) {
      attribs.filed_link = createFiledLink(rules.filedLinkSecret, rules.siteUrl, {
        vertical: rules.vertical,
        segment: d.id,
        recipientKey: c.key,
        cycle: segment.touch.cycle,
      });
    }
  }
  if (coupon !== undefined) {
    attribs.coupon = coupon.code;
    if (coupon.arm !== undefined) attribs.coupon_arm = coupon.arm;
  }
  return { name: name || c.email.split('@')[0]!, attribs };
}

/**
 * The subscriber attributes {@link subscriberOf} writes, never null, for every recipient of a
 * segment: the vertical's own, the due date of MCS-150, the touch and cycle of a filing cycle and its
 * filed_link when a filedLinkSecret is set. The template lint flags any other attribute a template
 * passes to a function or prints in the subject.
 */
export function campaignAttributesOf(
  rules: Pick<BuildRules, 'vertical' | 'filedLinkSecret'>,
  segment: Pick<SegmentDefinition, 'rule'>,
): string[] {
  const attributes = [...(GUARANTEED_ATTRIBUTES[rules.vertical] ?? [])];
  if (segment.rule.kind === 'mcs150') attributes.push('due_date', 'due_month');
  if (segment.rule.kind === 'filing_cycle') {
    attributes.push('touch', 'cycle');
    if (rules.filedLinkSecret !== undefined) attributes.push('filed_link');
  }
  return attributes;
}

/** The stream's hourly cap for the date, frozen at an active hold's rate (never raised by one). */
async function streamCapOf(
  db: Kysely<Database>,
  stream: NonNullable<BuildRequest['stream']>,
  date: IsoDate,
): Promise<NonNullable<BuildPlan['streamCap']>> {
  const hold = await db
    .selectFrom('warmup_holds')
    .select(['rate', 'until'])
    .where('stream', '=', stream.name)
    .where('released_at', 'is', null)
    .where('until', '>=', date)
    .executeTakeFirst();
  return {
    stream: stream.name,
    hourly: hold === undefined ? stream.hourlyCap : Math.min(stream.hourlyCap, hold.rate),
    sendingHours: stream.sendingHours,
    ...(hold === undefined ? {} : { hold: { rate: hold.rate, until: String(hold.until) } }),
  };
}

async function countAlreadyMailed(db: Kysely<Database>, vertical: Vertical): Promise<number> {
  const t = AUDIENCE_TABLES[vertical];
  const row = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(t.table)} where listmonk_sent_at is not null
  `.execute(db);
  return row.rows[0]?.n ?? 0;
}
