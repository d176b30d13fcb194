import { type DomainFamilies, WARMUP_EXCLUDE_OPERATORS } from '@mailramp/mailbox';
import { type CatchAllRules, DEFAULT_CATCH_ALL } from '../caps/plan-catch-all.js';
import { type DailyCapRow, DEFAULT_DAILY_CAPS, HARD_DAILY_CEILING } from '../caps/plan-daily-cap.js';
import {
  DEFAULT_BIG_OPERATORS,
  DEFAULT_OPERATOR_CAP_TABLE,
  type HeldOperatorRules,
  type OperatorCapRow,
  type OperatorCapRules,
} from '../caps/plan-operator-caps.js';
import { BuilderError } from '../errors.js';
import { isZoneGroup, type ZoneGroup } from '../schedule/time-zones.js';
import {
  DEFAULT_SEGMENTS,
  type SegmentDefinition,
  type SegmentRule,
  type Vertical,
} from '../segments/default-segments.js';
import { AUDIENCE_TABLES } from '../selection/audience-tables.js';

/** A segment as written in config: everything but its id, which is the key. */
export interface SegmentSettings {
  rule: SegmentRule;
  priority: number;
  template: string;
  landingPage: string;
  subject?: string | undefined;
  data?: Record<string, unknown> | undefined;
  enabled?: boolean | undefined;
}

/**
 * A coupon as written in config: one code, or arms each recipient is put in by a stable hash of the
 * e-mail; `{yyyymmdd}` in a code is the build date (see `planCoupon`).
 */
export type CouponSetting = string | { arms: ReadonlyArray<{ name: string; code: string }> };

/** A vertical's settings as written in config (`build.verticals.<vertical>`). */
export interface VerticalSettings {
  listmonkInstance?: string | undefined;
  fromEmail?: string | undefined;
  siteUrl?: string | undefined;
  coupon?: CouponSetting | undefined;
  filedLinkSecret?: string | undefined;
  morningHour?: number | undefined;
  morningMinute?: number | undefined;
  defaultTimeZone?: string | undefined;
  templateData?: Record<string, unknown> | undefined;
  listmonkTemplate?: string | undefined;
  segments?: Record<string, SegmentSettings> | undefined;
  disabledSegments?: readonly string[] | undefined;
}

/** The `build` config section; every key optional, absent keys take the original system's defaults. */
export interface BuildSettings {
  excludeOperators?: readonly string[] | undefined;
  excludeOperatorsUntilDay?: number | undefined;
  sendable?: readonly string[] | undefined;
  catchAll?: Partial<CatchAllRules> | undefined;
  operatorCaps?:
    | {
        big?: readonly string[] | undefined;
        table?: readonly OperatorCapRow[] | undefined;
        operators?: Readonly<Record<string, number>> | undefined;
        unclassified?: number | undefined;
      }
    | undefined;
  dailyCaps?: readonly DailyCapRow[] | undefined;
  ceiling?: number | undefined;
  sendAtMarginMinutes?: number | undefined;
  verticals?: Partial<Record<Vertical, VerticalSettings | undefined>> | undefined;
}

/** Everything a build of one vertical decides with, defaults filled in. */
export interface BuildRules {
  vertical: Vertical;
  /** Enabled segments, by priority (lowest first), then id. */
  segments: SegmentDefinition[];
  families: DomainFamilies;
  heldOperators: HeldOperatorRules;
  sendable: string[];
  catchAll: CatchAllRules;
  operatorCaps: OperatorCapRules;
  dailyCaps: DailyCapRow[];
  ceiling: number;
  sendAtMarginMinutes: number;
  listmonkInstance: string;
  fromEmail: string | undefined;
  siteUrl: string;
  coupon: CouponSetting | undefined;
  /** Signs the "I already filed" link of cycle segments; undefined: no link. */
  filedLinkSecret: string | undefined;
  morningHour: number;
  morningMinute: number;
  defaultZone: ZoneGroup;
  /** Build-time values every template of the vertical reads (sender, …). */
  templateData: Record<string, unknown>;
  /** The Listmonk campaign template (templates/listmonk/<name>.html) the campaigns use. */
  listmonkTemplate: string;
}

/** The Listmonk campaign template mailramp keeps by default: the body alone is the whole mail. */
export const DEFAULT_LISTMONK_TEMPLATE = 'mailramp';

/** Default send_at margin: Listmonk rejects a past send_at, and a cron may run late. */
export const DEFAULT_SEND_AT_MARGIN_MINUTES = 10;

/**
 * Fills in defaults and checks the rules of one vertical. Unusable rules (a column a segment may
 * not use, an unknown time-zone group) are a CONFIG error that names each problem.
 *
 * @example
 * const rules = resolveBuildRules('trucking', config.build, createDomainFamilies(config.mailbox.families));
 */
export function resolveBuildRules(
  vertical: Vertical,
  settings: BuildSettings,
  families: DomainFamilies,
): BuildRules {
  const v = settings.verticals?.[vertical] ?? {};
  const problems: string[] = [];
  const merged = new Map<string, SegmentDefinition>();
  for (const [id, s] of Object.entries(DEFAULT_SEGMENTS[vertical]))
    merged.set(id, { id, ...s, enabled: s.enabled ?? true });
  for (const [id, s] of Object.entries(v.segments ?? {}))
    merged.set(id, { id, ...s, enabled: s.enabled ?? true });
  for (const id of v.disabledSegments ?? []) {
    if (!merged.has(id)) problems.push(`build.verticals.${vertical}.disabledSegments: no segment ${id}`);
    merged.delete(id);
  }
  const table = AUDIENCE_TABLES[vertical];
  for (const s of merged.values()) {
    const where = `build.verticals.${vertical}.segments.${s.id}`;
    if (s.template.trim() === '') problems.push(`${where}: names no template`);
    if (s.landingPage.trim() === '') problems.push(`${where}: names no landing page`);
    const rule = s.rule;
    if (rule.kind === 'equals' && !table.textColumns.includes(rule.column)) {
      problems.push(`${where}: column ${rule.column} is not one of ${table.textColumns.join(', ')}`);
    }
    if (rule.kind === 'date_window' && !table.dateColumns.includes(rule.column)) {
      problems.push(`${where}: column ${rule.column} is not one of ${table.dateColumns.join(', ')}`);
    }
    if (rule.kind === 'flag' && !/^[a-z][a-z0-9_]*$/.test(rule.attribute)) {
      problems.push(`${where}: attribute ${rule.attribute} must be a lower-case word`);
    }
    if ((rule.kind === 'mcs150' || rule.kind === 'filing_cycle') && vertical !== 'trucking') {
      problems.push(`${where}: rule ${rule.kind} is for trucking only`);
    }
  }
  const zone = v.defaultTimeZone ?? 'central';
  if (!isZoneGroup(zone))
    problems.push(`build.verticals.${vertical}.defaultTimeZone: ${zone} is not a zone group`);
  if (problems.length > 0) {
    throw new BuilderError(
      'BUILD_CONFIG',
      `the ${vertical} build rules are unusable:\n  ${problems.join('\n  ')}`,
    );
  }
  const segments = [...merged.values()]
    .filter((s) => s.enabled)
    .map((s) =>
      s.rule.kind === 'filing_cycle'
        ? {
            ...s,
            rule: { ...s.rule, touchBusinessDays: [...s.rule.touchBusinessDays].sort((a, b) => b - a) },
          }
        : s,
    )
    .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  const caps = settings.operatorCaps ?? {};
  return {
    vertical,
    segments,
    families,
    heldOperators: {
      explicit: settings.excludeOperators,
      defaults: WARMUP_EXCLUDE_OPERATORS,
      untilDay: settings.excludeOperatorsUntilDay ?? 30,
    },
    sendable: [...(settings.sendable ?? ['smtp_valid', 'send_confirmed'])],
    catchAll: { ...DEFAULT_CATCH_ALL, ...settings.catchAll },
    operatorCaps: {
      big: caps.big ?? DEFAULT_BIG_OPERATORS,
      table: caps.table ?? DEFAULT_OPERATOR_CAP_TABLE,
      operators: caps.operators ?? {},
      unclassified: caps.unclassified,
    },
    dailyCaps: [...(settings.dailyCaps ?? DEFAULT_DAILY_CAPS)],
    ceiling: Math.min(settings.ceiling ?? HARD_DAILY_CEILING, HARD_DAILY_CEILING),
    sendAtMarginMinutes: settings.sendAtMarginMinutes ?? DEFAULT_SEND_AT_MARGIN_MINUTES,
    listmonkInstance: v.listmonkInstance ?? vertical,
    fromEmail: v.fromEmail,
    siteUrl: (v.siteUrl ?? 'https://example.com').replace(/\/+$/, ''),
    coupon: v.coupon,
    filedLinkSecret: v.filedLinkSecret,
    morningHour: v.morningHour ?? 9,
    morningMinute: v.morningMinute ?? 0,
    defaultZone: zone as ZoneGroup,
    templateData: v.templateData ?? {},
    listmonkTemplate: v.listmonkTemplate ?? DEFAULT_LISTMONK_TEMPLATE,
  };
}
