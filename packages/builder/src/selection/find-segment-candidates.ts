import type { Database, JsonObject } from '@mailramp/db';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { addDays, type IsoDate } from '../calendar/calendar-date.js';
import type { FilingTouch } from '../calendar/plan-filing-touch.js';
import { BuilderError } from '../errors.js';
import type { SegmentDefinition, Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES, type AudienceTable } from './audience-tables.js';
import type { Candidate } from './plan-selection.js';

/** A segment resolved for one build date: cycle segments know today's touch, MCS-150 its cutoffs. */
export interface DatedSegment {
  definition: SegmentDefinition;
  /** Filing-cycle segments: today's touch, or null when no reminder window is open (no candidates). */
  touch?: FilingTouch | null;
  /** MCS-150: the last filing date still due/overdue, per `dot_number % 20`. */
  mcs150Cutoffs?: readonly IsoDate[];
}

/** A candidate row with what the push needs to build its subscriber. */
export interface AudienceCandidate extends Candidate {
  name: string | null;
  state: string | null;
  zip: string | null;
  /** The date column a date-window segment selected on. */
  windowDate: IsoDate | null;
  attributes: JsonObject;
  /** Vertical-specific columns templates read (healthcare: clia, clia_expires, revalidation_due). */
  extra: JsonObject;
}

/** Where one segment's walk is. */
export interface SegmentPage {
  /** Return rows with a key after this one (key order). */
  after?: string | undefined;
  limit: number;
  /**
   * Only rows of these operators (and, when `unclassified`, rows with no operator yet): the walk
   * never reads rows no cap would take — held operators, cap 0, caps already full.
   */
  operators?: { open: readonly string[]; unclassified: boolean } | undefined;
  /**
   * Walk each operator separately (its own index range, at most `room` rows each, `null` = rows
   * with no operator), each from its own cursor `after`, instead of one walk in key order filtered
   * by operator. Later pages use it: once most operators are full, a key-order walk would read past
   * every full operator's rows to find the few a rare operator still has room for.
   */
  perOperator?:
    | ReadonlyArray<{ operator: string | null; room: number; after: string | undefined }>
    | undefined;
  /**
   * Leave out in SQL the rows the exclusion rules would drop anyway — a verification result outside
   * `verifyResults`, a domain in `blockedDomains`, a suppressed address or domain — so a later page
   * reads rows a cap can take instead of walking past excluded ones. The first page reads them all,
   * so the plan still counts exclusions among the rows it examined.
   */
  mailableOnly?: { verifyResults: readonly string[]; blockedDomains: readonly string[] } | undefined;
  /**
   * The build's sending day: a recipient already in a live campaign sending then (whatever build date
   * queued it) is in today's build, as is one already in a campaign of the build date.
   */
  sendWindow?: { from: Date; to: Date } | undefined;
  /**
   * The build's now: an address queued under another key for a campaign that sends after it (a
   * later date's build, made ahead) keeps its subscriber's attributes until that campaign has sent —
   * Listmonk renders a mail from the subscriber as it is at send time.
   */
  now?: Date | undefined;
}

interface CandidateRow {
  key: string;
  email: string;
  email_domain: string | null;
  mx_provider: string | null;
  email_verify_result: string | null;
  name: string | null;
  state: string | null;
  zip: string | null;
  window_date: IsoDate | null;
  attributes: JsonObject;
  extra: JsonObject;
  suppressed: boolean;
  domain_suppressed: boolean;
  refused_by_listmonk: boolean;
  deactivated: boolean;
  already_filed: boolean;
  in_todays_build: boolean;
  address_in_todays_build: boolean;
}

/** Where one operator's walk of a segment got to (per-operator pages). */
export interface OperatorWalk {
  operator: string | null;
  /** The last key read, or undefined when the walk read nothing. */
  last: string | undefined;
  /** The operator has no more rows in the segment after `last`. */
  exhausted: boolean;
}

/**
 * The next page of one segment's candidates, in key order. A row belongs to the segment only when
 * no higher-priority active segment takes it, so a recipient is in at most one campaign a day.
 * Exclusions are not applied here: the rows come back with the facts the pure planner counts.
 */
export async function findSegmentCandidates(
  db: Kysely<Database>,
  vertical: Vertical,
  date: IsoDate,
  segments: readonly DatedSegment[],
  segmentId: string,
  page: SegmentPage,
): Promise<{ rows: AudienceCandidate[]; complete: boolean; walks?: OperatorWalk[] }> {
  const t = AUDIENCE_TABLES[vertical];
  const index = segments.findIndex((s) => s.definition.id === segmentId);
  const segment = segments[index];
  if (segment === undefined) throw new BuilderError('BUILD_INPUT', `unknown segment ${segmentId}`);
  const higher = segments.filter((s) => s.definition.priority < segment.definition.priority);
  const own = inSegment(memberPredicate(t, vertical, date, segment));
  const notHigher = higher
    .map((h) => ({ h, predicate: notInSegment(memberPredicate(t, vertical, date, h)) }))
    .filter(({ h }) => !isClosedCycle(h))
    .map(({ predicate }) => predicate);
  if (isClosedCycle(segment)) {
    const ended = page.perOperator
      ?.filter((o) => o.room > 0)
      .map((o) => ({ operator: o.operator, last: o.after, exhausted: true }));
    return ended === undefined ? { rows: [], complete: true } : { rows: [], complete: true, walks: ended };
  }
  const key = sql.ref(`c.${t.key}`);
  const afterKey = (k: string | undefined) =>
    k === undefined ? sql`true` : t.key === 'dot_number' ? sql`${key} > ${Number(k)}` : sql`${key} > ${k}`;
  const ops = page.operators;
  const operatorFilter =
    ops === undefined
      ? sql`true`
      : ops.open.length === 0
        ? ops.unclassified
          ? sql`c.mx_provider is null`
          : sql`false`
        : sql`(c.mx_provider = any(${sql.val([...ops.open])}::text[])${ops.unclassified ? sql` or c.mx_provider is null` : sql``})`;
  // An address Listmonk refused at an earlier import comes back only once it is corrected.
  const refusedBefore = sql`exists (select 1 from send_ledger r where r.vertical = ${vertical}
      and r.recipient_key = ${key}::text and r.state = 'refused' and lower(r.email) = lower(c.email))`;
  const mailable = page.mailableOnly;
  const mailableFilter =
    mailable === undefined
      ? sql`true`
      : sql`c.email_verify_result = any(${sql.val([...mailable.verifyResults])}::text[])
          and not (coalesce(c.email_domain, '') = any(${sql.val([...mailable.blockedDomains])}::text[]))
          and not exists (select 1 from suppressions s where s.email = lower(c.email))
          and not exists (select 1 from suppressed_domains d where d.domain = c.email_domain)
          and not ${refusedBefore}`;
  const touch = segment.touch ?? null;
  const cycle = touch?.cycle ?? '';
  const windowDate =
    segment.definition.rule.kind === 'date_window'
      ? sql`${sql.ref(`c.${checkColumn(t.dateColumns, segment.definition.rule.column, segmentId)}`)}`
      : sql`null::date`;
  // Deactivated: by the NPPES main file (a date, no later reactivation), or listed by the latest NPPES
  // Deactivated NPI Report (its flag share, dropped when a later report no longer lists the NPI) even
  // while the main file imported last predates it. Only a takesDeactivated segment may mail one, and
  // never after a death (DT) or disbandment (DB), which only the main file states.
  const deactivated =
    vertical === 'healthcare'
      ? segment.definition.takesDeactivated === true
        ? sql`(c.deactivated_at is not null and c.deactivated_at <= ${date}::date
            and coalesce(c.attributes ->> 'reactivated_at', '') < c.deactivated_at::text
            and upper(coalesce(c.attributes -> 'nppes' ->> 'deactivation_reason', '')) in ('DT', 'DB'))`
        : sql`((c.deactivated_at is not null and c.deactivated_at <= ${date}::date
            and coalesce(c.attributes ->> 'reactivated_at', '') < c.deactivated_at::text)
            or jsonb_path_exists(c.attributes, '$.flag_sources.nppes_deactivated.*[*]'))`
      : sql`false`;

  const extra =
    vertical === 'healthcare'
      ? sql`jsonb_build_object('clia', c.clia_number, 'clia_expires', c.clia_expires, 'revalidation_due', c.revalidation_due)`
      : sql`'{}'::jsonb`;
  // The ledger rows of the day: queued for the build date, or sending on the build's sending day.
  const today = sql`(l.build_date = ${date}::date${
    page.sendWindow === undefined
      ? sql``
      : sql` or (l.send_at >= ${page.sendWindow.from} and l.send_at < ${page.sendWindow.to})`
  })`;
  const columns = sql`${key}::text as key, c.email, c.email_domain, c.mx_provider, c.email_verify_result,
      ${sql.ref(`c.${t.name}`)} as name, ${sql.ref(`c.${t.state}`)} as state, ${sql.ref(`c.${t.zip}`)} as zip,
      ${windowDate} as window_date, c.attributes, ${extra} as extra,
      exists (select 1 from suppressions s where s.email = lower(c.email)) as suppressed,
      exists (select 1 from suppressed_domains d where d.domain = c.email_domain) as domain_suppressed,
      ${refusedBefore} as refused_by_listmonk,
      ${deactivated} as deactivated,
      exists (select 1 from segment_touches st where st.vertical = ${vertical} and st.segment = ${segmentId}
        and st.recipient_key = ${key}::text and st.filed_cycle = ${cycle}) as already_filed,
      exists (select 1 from send_ledger l where l.vertical = ${vertical} and l.recipient_key = ${key}::text
        and l.state <> 'reset' and ${today}) as in_todays_build,
      exists (select 1 from send_ledger l where l.vertical = ${vertical} and l.email = lower(btrim(c.email))
        and l.recipient_key <> ${key}::text and l.state <> 'reset' and (${today}${
          page.now === undefined
            ? sql``
            : sql` or (l.send_at > ${page.now} and l.state in ('planned', 'imported', 'scheduled'))`
        })) as address_in_todays_build`;
  const member = sql`${own} ${notHigher.length === 0 ? sql`` : sql`and ${sql.join(notHigher, sql` and `)}`} and ${mailableFilter}`;
  // A per-operator walk orders by (mx_provider, key), the operator-walk index's own order, and names
  // the operator as a range rather than `=`: with `=` the planner knows mx_provider is constant,
  // and for an operator whose rows are all excluded (a consumer MX whose domains are a blocked
  // family) it misjudges a key-order walk of the whole segment as cheaper than that operator's range.
  const walk = (
    operator: RawBuilder<unknown>,
    after: string | undefined,
    limit: number,
    byOperator: boolean,
  ) => sql`
    select ${columns}
    from ${sql.table(t.table)} as c
    where ${member} and ${afterKey(after)} and ${operator}
    order by ${byOperator ? sql`c.mx_provider, ` : sql``}${key}
    limit ${limit}`;

  let found: CandidateRow[];
  let complete: boolean;
  let walks: OperatorWalk[] | undefined;
  if (page.perOperator === undefined) {
    const result = await sql<CandidateRow>`${walk(operatorFilter, page.after, page.limit, false)}`.execute(
      db,
    );
    found = result.rows;
    complete = found.length < page.limit;
  } else {
    ({ rows: found, walks } = await walkPerOperator(
      db,
      page.perOperator,
      page.limit,
      keyOrderOf(vertical),
      (op, after, n) =>
        walk(
          op === null ? sql`c.mx_provider is null` : sql`c.mx_provider >= ${op} and c.mx_provider <= ${op}`,
          after,
          n,
          true,
        ),
    ));
    complete = walks.every((w) => w.exhausted);
  }
  const rows = found.map(
    (r): AudienceCandidate => ({
      key: r.key,
      email: r.email,
      domain: r.email_domain,
      operator: r.mx_provider,
      verifyResult: r.email_verify_result,
      suppressed: r.suppressed,
      domainSuppressed: r.domain_suppressed,
      refusedByListmonk: r.refused_by_listmonk,
      deactivated: r.deactivated,
      alreadyFiled: r.already_filed,
      inTodaysBuild: r.in_todays_build,
      addressInTodaysBuild: r.address_in_todays_build,
      name: r.name,
      state: r.state,
      zip: r.zip,
      windowDate: r.window_date,
      attributes: r.attributes ?? {},
      extra: r.extra ?? {},
    }),
  );
  return walks === undefined ? { rows, complete } : { rows, complete, walks };
}

/**
 * One walk per operator, each reading at most min(limit, room) rows of its own index range after its
 * own cursor, merged in key order; says per operator where its walk got to and whether it ran out.
 */
async function walkPerOperator(
  db: Kysely<Database>,
  operators: ReadonlyArray<{ operator: string | null; room: number; after: string | undefined }>,
  limit: number,
  keyOrder: (a: string, b: string) => number,
  walk: (operator: string | null, after: string | undefined, limit: number) => RawBuilder<unknown>,
): Promise<{ rows: CandidateRow[]; walks: OperatorWalk[] }> {
  const parts = operators
    .filter((o) => o.room > 0)
    .map((o) => ({ operator: o.operator, after: o.after, limit: Math.min(limit, o.room) }));
  if (parts.length === 0) return { rows: [], walks: [] };
  const result = await sql<CandidateRow & { part: number }>`${sql.join(
    parts.map(
      (p, i) => sql`(select ${sql.lit(i)} as part, w.* from (${walk(p.operator, p.after, p.limit)}) as w)`,
    ),
    sql` union all `,
  )}`.execute(db);
  const order = keyOrder;
  const seen = parts.map(() => ({ n: 0, last: undefined as string | undefined }));
  for (const row of result.rows) {
    const part = seen[row.part]!;
    part.n += 1;
    if (part.last === undefined || order(row.key, part.last) > 0) part.last = row.key;
  }
  const rows = result.rows
    .sort((a, b) => order(a.key, b.key))
    .map(({ part: _part, ...row }) => row as CandidateRow);
  const walks = parts.map((p, i) => ({
    operator: p.operator,
    last: seen[i]!.last ?? p.after,
    exhausted: seen[i]!.n < p.limit,
  }));
  return { rows, walks };
}

/** Walk order of a vertical's recipient keys: USDOT numbers as numbers, NPIs as text. */
export function keyOrderOf(vertical: Vertical): (a: string, b: string) => number {
  return AUDIENCE_TABLES[vertical].key === 'dot_number'
    ? (a, b) => Number(a) - Number(b)
    : (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * A segment's membership is two-valued: a row is in the segment only when its predicate is TRUE;
 * unknown (a NULL column such as the SMS census's absent status_code, an absent attribute key) means
 * "not in this segment". Every use of a predicate goes through these two, so a row a higher segment
 * does not take stays available to the lower ones — `not (NULL)` would drop it from all of them.
 */
function inSegment(predicate: RawBuilder<boolean>): RawBuilder<boolean> {
  // In a WHERE clause an unknown condition already rejects the row; kept bare so indexes apply.
  return sql<boolean>`${predicate}`;
}

function notInSegment(predicate: RawBuilder<boolean>): RawBuilder<boolean> {
  return sql<boolean>`(${predicate}) is not true`;
}

/**
 * How many rows of each segment a higher-priority segment took: rows the segment's own predicate
 * accepts that a higher segment claims, among the keys the segment's walk covered (up to and
 * including `upTo`, or every key when the walk reached the end). The plan names them, so a segment
 * that selects nobody says why. One statement for every segment asked (each count its own subquery,
 * planned on its own indexes), where a query a segment cost a round trip each.
 */
export async function countTakenByHigher(
  db: Kysely<Database>,
  vertical: Vertical,
  date: IsoDate,
  segments: readonly DatedSegment[],
  walks: ReadonlyArray<{ segmentId: string; upTo: string | undefined }>,
): Promise<Map<string, number>> {
  const t = AUDIENCE_TABLES[vertical];
  const key = sql.ref(`c.${t.key}`);
  const counted = new Map<string, number>();
  const counts: Array<{ segmentId: string; query: RawBuilder<number> }> = [];
  for (const { segmentId, upTo } of walks) {
    const segment = segments.find((s) => s.definition.id === segmentId);
    if (segment === undefined) throw new BuilderError('BUILD_INPUT', `unknown segment ${segmentId}`);
    const own = inSegment(memberPredicate(t, vertical, date, segment));
    const higher = segments
      .filter((s) => s.definition.priority < segment.definition.priority)
      .map((h) => ({ h, predicate: memberPredicate(t, vertical, date, h) }))
      .filter(({ h }) => !isClosedCycle(h));
    counted.set(segmentId, 0);
    if (higher.length === 0 || isClosedCycle(segment)) continue;
    const range =
      upTo === undefined
        ? sql`true`
        : t.key === 'dot_number'
          ? sql`${key} <= ${Number(upTo)}`
          : sql`${key} <= ${upTo}`;
    const anyHigher = sql.join(
      higher.map(({ predicate }) => inSegment(predicate)),
      sql` or `,
    );
    counts.push({
      segmentId,
      query: sql<number>`(select count(*)::int from ${sql.table(t.table)} as c
        where ${own} and (${anyHigher}) and ${range})`,
    });
  }
  if (counts.length === 0) return counted;
  const result = await sql<Record<string, number>>`select ${sql.join(
    counts.map(({ query }, i) => sql`${query} as ${sql.ref(`n${i}`)}`),
  )}`.execute(db);
  const row = result.rows[0] ?? {};
  for (const [i, { segmentId }] of counts.entries()) counted.set(segmentId, row[`n${i}`] ?? 0);
  return counted;
}

/**
 * A filing-cycle segment on a date none of its reminder windows is open: nobody is in it, so the
 * walk and the counts need no query for it, and `not (false)` adds nothing to a lower segment's.
 */
function isClosedCycle(segment: DatedSegment): boolean {
  return segment.definition.rule.kind === 'filing_cycle' && (segment.touch ?? null) === null;
}

/** Whether a row is in a segment: has an address, not yet mailed (cycle segments: not yet touched), matches the rule. */
function memberPredicate(
  t: AudienceTable,
  vertical: Vertical,
  date: IsoDate,
  segment: DatedSegment,
): RawBuilder<boolean> {
  const rule = segment.definition.rule;
  const id = segment.definition.id;
  if (rule.kind === 'filing_cycle') {
    if (vertical !== 'trucking')
      throw new BuilderError('BUILD_CONFIG', `segment ${id}: filing_cycle is a trucking rule`);
    const touch = segment.touch;
    if (touch === null || touch === undefined) return sql<boolean>`false`;
    // Cycle segments remind every interstate carrier each cycle, mailed before or not; the touch
    // state (not listmonk_sent_at) keeps each touch to once per cycle.
    return sql<boolean>`(c.email is not null and c.carrier_operation = 'A' and not exists (
      select 1 from segment_touches st where st.vertical = ${vertical} and st.segment = ${id}
        and st.recipient_key = c.dot_number::text and st.cycle = ${touch.cycle} and st.touch >= ${touch.touch}))`;
  }
  const base = sql`c.listmonk_sent_at is null and c.email is not null`;
  return sql<boolean>`(${base} and ${rulePredicate(t, date, segment.definition, segment.mcs150Cutoffs)})`;
}

/** The rule alone (column names checked against the vertical's whitelist). */
function rulePredicate(
  t: AudienceTable,
  date: IsoDate,
  { rule, id }: SegmentDefinition,
  cutoffs: readonly IsoDate[] | undefined,
): RawBuilder<boolean> {
  switch (rule.kind) {
    case 'all':
      return sql<boolean>`true`;
    case 'equals':
      return sql<boolean>`${sql.ref(`c.${checkColumn(t.textColumns, rule.column, id)}`)} = ${rule.value}`;
    case 'flag': {
      // Spelled as the walk indexes' predicates so a rare flag segment reads its own few rows, not
      // the table: one flag as 0802's per-flag indexes (an absent attribute is unknown, which
      // inSegment/notInSegment read as "not in the segment"); several as 0801's rows that carry the
      // attribute at all.
      const list = sql`(c.attributes -> ${rule.attribute})`;
      return rule.anyOf.length === 1
        ? sql<boolean>`${list} ? ${rule.anyOf[0]!}`
        : sql<boolean>`(c.attributes ? ${rule.attribute} and ${list} ?| array[${sql.join(rule.anyOf)}]::text[])`;
    }
    case 'date_window': {
      const column = sql.ref(`c.${checkColumn(t.dateColumns, rule.column, id)}`);
      const from =
        rule.fromDays === null ? sql`true` : sql`${column} >= ${addDays(date, rule.fromDays)}::date`;
      const to = rule.toDays === null ? sql`true` : sql`${column} <= ${addDays(date, rule.toDays)}::date`;
      return sql<boolean>`(${column} is not null and ${from} and ${to})`;
    }
    case 'mcs150': {
      if (t.key !== 'dot_number')
        throw new BuilderError('BUILD_CONFIG', `segment ${id}: mcs150 is a trucking rule`);
      if (cutoffs === undefined || cutoffs.length !== 20)
        throw new Error(`segment ${id}: MCS-150 cutoffs missing`);
      const cases = cutoffs.map((d, cls) => sql`when ${sql.lit(cls)} then ${sql.lit(d)}::date`);
      return sql<boolean>`coalesce(c.mcs150_date, '0001-01-01'::date) <= (case (c.dot_number % 20) ${sql.join(cases, sql` `)} end)`;
    }
    case 'filing_cycle':
      return sql<boolean>`false`;
  }
}

function checkColumn(allowed: readonly string[], column: string, segment: string): string {
  if (!allowed.includes(column)) {
    throw new BuilderError(
      'BUILD_CONFIG',
      `segment ${segment}: column ${column} is not usable here; choose one of ${allowed.join(', ')}`,
    );
  }
  return column;
}

/**
 * The distinct operators of a vertical's rows (a loose index scan on mx_provider: one index probe
 * per operator, not a table read), and whether rows with no operator exist.
 */
export async function listOperators(
  db: Kysely<Database>,
  vertical: Vertical,
): Promise<{ operators: string[]; unclassified: boolean }> {
  const t = sql.table(AUDIENCE_TABLES[vertical].table);
  const result = await sql<{ mx_provider: string }>`
    with recursive ops as (
      (select mx_provider from ${t} where mx_provider is not null order by mx_provider limit 1)
      union all
      select (select c.mx_provider from ${t} c where c.mx_provider > ops.mx_provider order by c.mx_provider limit 1)
      from ops where ops.mx_provider is not null
    )
    select mx_provider from ops where mx_provider is not null
  `.execute(db);
  // Mailed rows count: filing-cycle segments remind carriers mailed before (the operator walk's
  // index answers it, mailed or not).
  const nulls = await sql<{ found: boolean }>`
    select exists (select 1 from ${t} where mx_provider is null and email is not null) as found
  `.execute(db);
  return { operators: result.rows.map((r) => r.mx_provider), unclassified: nulls.rows[0]?.found === true };
}
