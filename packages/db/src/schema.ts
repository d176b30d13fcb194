import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A JSON object stored in a jsonb column. */
export type JsonObject = { [key: string]: unknown };

/** timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** date: read and written as 'YYYY-MM-DD'. */
export type CalendarDate = string;

/** fmcsa_carriers: the FMCSA census, keyed by USDOT number. */
export interface FmcsaCarriersTable {
  dot_number: number;
  legal_name: string | null;
  dba_name: string | null;
  email: string | null;
  phy_state: string | null;
  phy_zip: string | null;
  carrier_operation: string | null;
  status_code: string | null;
  mcs150_date: CalendarDate | null;
  add_date: CalendarDate | null;
  power_units: number | null;
  drivers: number | null;
  company_officer: string | null;
  email_verify_result: string | null;
  mx_provider: string | null;
  listmonk_sent_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  attributes: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  email_domain: ColumnType<string | null, never, never>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** hc_providers: healthcare providers, keyed by NPI (labs also carry a CLIA number). */
export interface HcProvidersTable {
  npi: string;
  clia_number: string | null;
  name: string | null;
  entity_type: string | null;
  email: string | null;
  state: string | null;
  zip: string | null;
  taxonomy: string | null;
  deactivated_at: CalendarDate | null;
  revalidation_due: CalendarDate | null;
  clia_expires: CalendarDate | null;
  email_verify_result: string | null;
  mx_provider: string | null;
  listmonk_sent_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  attributes: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  email_domain: ColumnType<string | null, never, never>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Why an address or domain is never mailed. */
export const SUPPRESSION_REASONS = [
  'hard_bounce',
  'complaint',
  'unsubscribe',
  'dead_tenant',
  'manual',
  /** Blocklisted in Listmonk (an unsubscribe or complaint there), seen by a push (0600). */
  'listmonk_blocklist',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** suppressions: one row per lower-cased address and reason. */
export interface SuppressionsTable {
  email: string;
  reason: SuppressionReason;
  source: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** suppressed_domains: whole recipient domains never mailed. */
export interface SuppressedDomainsTable {
  domain: string;
  reason: SuppressionReason;
  source: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export const BUILD_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type BuildRunStatus = (typeof BUILD_RUN_STATUSES)[number];

/** build_runs: one row per build, with its options, counts and outcome. */
export interface BuildRunsTable {
  id: Generated<number>;
  vertical: string;
  build_date: CalendarDate;
  options: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  dry_run: ColumnType<boolean, boolean | undefined, boolean>;
  status: ColumnType<BuildRunStatus, BuildRunStatus | undefined, BuildRunStatus>;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: Date | null;
  counts: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  error: string | null;
}

/**
 * `refused`: Listmonk kept the recipient out of the campaign; `refusal` says why (0600). `lapsed`: a
 * later build reconciled the row and found Listmonk never scheduled it; `refusal` says why (0803).
 */
export const LEDGER_STATES = [
  'planned',
  'imported',
  'scheduled',
  'failed',
  'reset',
  'refused',
  'lapsed',
] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];

/** send_ledger: one row per recipient per Listmonk campaign. */
export interface SendLedgerTable {
  id: Generated<number>;
  vertical: string;
  recipient_key: string;
  email: string;
  operator: string | null;
  segment: string;
  build_date: CalendarDate;
  build_run_id: number;
  listmonk_instance: string;
  list_name: string;
  list_id: number | null;
  campaign_name: string;
  campaign_id: number | null;
  send_at: Timestamp;
  state: ColumnType<LedgerState, LedgerState | undefined, LedgerState>;
  /** Time-zone group of the recipient (0100). */
  zone: string | null;
  /** Filing cycle and touch this row stands for (cycle segments only; 0100). */
  cycle: string | null;
  touch: number | null;
  /** The subscriber as imported: `{ name, attribs }` (0100). */
  subscriber: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  /** Why Listmonk kept a `refused` row out of its campaign (0600), or why a row `lapsed` (0803). */
  refusal: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export const BACKFILL_STATES = ['applied', 'partially_reverted', 'reverted'] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];

/** backfills: one row per named backfill (a reversible reset of listmonk_sent_at with a backup table). */
export interface BackfillsTable {
  id: Generated<number>;
  name: string;
  vertical: string;
  filter: ColumnType<JsonObject, JsonObject | string, JsonObject | string>;
  backup_table: string;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  row_count: ColumnType<number, number | undefined, number>;
  ledger_count: ColumnType<number, number | undefined, number>;
  state: ColumnType<BackfillState, BackfillState | undefined, BackfillState>;
  reverted_by: string | null;
  reverted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  restored_count: ColumnType<number, number | undefined, number>;
}

/** segment_touches: per recipient and cycle segment (IFTA, UCR), the touch reached in `cycle` (0100). */
export interface SegmentTouchesTable {
  vertical: string;
  segment: string;
  recipient_key: string;
  cycle: string;
  touch: number;
  reminded_at: Date | null;
  filed_cycle: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** warmup_holds: a stream's ramp cap frozen at `rate` through `until` (one active hold per stream). */
export interface WarmupHoldsTable {
  id: Generated<number>;
  stream: string;
  rate: number;
  until: CalendarDate;
  reason: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  released_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The hold that replaced this one (0401); null when released or expired. */
  replaced_by: ColumnType<number | null, number | null | undefined, number | null>;
}

/** mailramp_migrations: which migration files were applied, with their checksum. */
export interface MailrampMigrationsTable {
  name: string;
  checksum: string;
  applied_at: ColumnType<Date, Date | string | undefined, never>;
}

/** recipient_failures: hard delivery failures seen by suppress sync, one row per event. */
export interface RecipientFailuresTable {
  key: string;
  email: string;
  dsn: string | null;
  policy: boolean;
  reply: ColumnType<string, string | undefined, string>;
  relay_host: string | null;
  source: string;
  at: Timestamp;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

/** listmonk_bounce_cursors: how far suppress sync has read each Listmonk instance's bounces. */
export interface ListmonkBounceCursorsTable {
  instance: string;
  seen_until: Timestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string | undefined>;
}

/** Outcomes of a scheduled run (0805): `running` until it ends; `missed` and `abandoned` are set by the service. */
export const SERVICE_RUN_OUTCOMES = ['running', 'ok', 'failed', 'skipped', 'missed', 'abandoned'] as const;
export type ServiceRunOutcome = (typeof SERVICE_RUN_OUTCOMES)[number];

/** service_runs: exactly one row per scheduled slot of each job of `mailramp serve` (0805). */
export interface ServiceRunsTable {
  id: Generated<number>;
  job: string;
  slot: Timestamp;
  outcome: ColumnType<ServiceRunOutcome, ServiceRunOutcome | undefined, ServiceRunOutcome>;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  summary: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  worker: ColumnType<string | null, string | null | undefined, string | null>;
}

/** report_days: one log day's delivery mix, DKIM and queue, rewritten by each report run (0805). */
export interface ReportDaysTable {
  day: CalendarDate;
  sent: ColumnType<number, number | undefined, number>;
  deferred: ColumnType<number, number | undefined, number>;
  bounced: ColumnType<number, number | undefined, number>;
  expired: ColumnType<number, number | undefined, number>;
  egress: ColumnType<number, number | undefined, number>;
  primary_egress: ColumnType<number, number | undefined, number>;
  dkim_signed: ColumnType<number, number | undefined, number>;
  dkim_messages: ColumnType<number, number | undefined, number>;
  queue_size: ColumnType<number | null, number | null | undefined, number | null>;
  read_from: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  read_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** report_outcomes: day × sending IP × receiving operator × outcome × reason (0805). */
export interface ReportOutcomesTable {
  day: CalendarDate;
  ip: string;
  operator: string;
  outcome: string;
  reason: ColumnType<string, string | undefined, string>;
  count: number;
}

/** report_hours: deliveries per sending IP per hour of a log day (0805). */
export interface ReportHoursTable {
  day: CalendarDate;
  hour: number;
  ip: string;
  sent: ColumnType<number, number | undefined, number>;
  deferred: ColumnType<number, number | undefined, number>;
  bounced: ColumnType<number, number | undefined, number>;
  expired: ColumnType<number, number | undefined, number>;
}

/** alarms: one row per alarm episode, open while report runs keep tripping it (0805). */
export interface AlarmsTable {
  id: Generated<number>;
  alarm: string;
  scope: ColumnType<string, string | undefined, string>;
  severity: 'critical' | 'warning';
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  message: string;
  action: ColumnType<string | null, string | null | undefined, string | null>;
  evidence: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  first_seen: Timestamp;
  last_seen: Timestamp;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** incidents: a stream stopped by the guard, open until a person resumes it (0806). */
export interface IncidentsTable {
  id: Generated<number>;
  stream: string;
  status: ColumnType<'open' | 'resolved', 'open' | 'resolved' | undefined, 'open' | 'resolved'>;
  evidence: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  opened_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  resolved_by: ColumnType<string | null, string | null | undefined, string | null>;
  resolution: ColumnType<
    JsonObject | null,
    JsonObject | string | null | undefined,
    JsonObject | string | null
  >;
}

/** incident_alarms: the alarm episodes an incident was opened or joined by (0806). */
export interface IncidentAlarmsTable {
  incident_id: number;
  alarm_id: number;
  linked_at: Timestamp;
}

/** What the guard does to a target: Listmonk status changes, the ramp hold, notifications. */
export type IncidentActionKind =
  | 'pause_campaign'
  | 'draft_campaign'
  | 'hold'
  | 'notify'
  | 'schedule_campaign'
  | 'release_hold'
  | 'release_recipients';

/** incident_actions: each change the guard made or is about to make, written before it is made (0806). */
export interface IncidentActionsTable {
  id: Generated<number>;
  incident_id: number;
  kind: IncidentActionKind;
  target_key: string;
  target: ColumnType<JsonObject, JsonObject | string | undefined, JsonObject | string>;
  status: ColumnType<
    'planned' | 'done' | 'failed' | 'skipped',
    'planned' | 'done' | 'failed' | 'skipped' | undefined,
    'planned' | 'done' | 'failed' | 'skipped'
  >;
  planned_at: Timestamp;
  done_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  result: ColumnType<JsonObject | null, JsonObject | string | null | undefined, JsonObject | string | null>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  attempts: ColumnType<number, number | undefined, number>;
  notified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Every table mailramp owns. Later migrations add their tables here. */
export interface Database {
  fmcsa_carriers: FmcsaCarriersTable;
  hc_providers: HcProvidersTable;
  suppressions: SuppressionsTable;
  suppressed_domains: SuppressedDomainsTable;
  recipient_failures: RecipientFailuresTable;
  listmonk_bounce_cursors: ListmonkBounceCursorsTable;
  build_runs: BuildRunsTable;
  send_ledger: SendLedgerTable;
  segment_touches: SegmentTouchesTable;
  mailramp_migrations: MailrampMigrationsTable;
  backfills: BackfillsTable;
  warmup_holds: WarmupHoldsTable;
  service_runs: ServiceRunsTable;
  report_days: ReportDaysTable;
  report_outcomes: ReportOutcomesTable;
  report_hours: ReportHoursTable;
  alarms: AlarmsTable;
  incidents: IncidentsTable;
  incident_alarms: IncidentAlarmsTable;
  incident_actions: IncidentActionsTable;
}

export type FmcsaCarrier = Selectable<FmcsaCarriersTable>;
export type NewFmcsaCarrier = Insertable<FmcsaCarriersTable>;
export type FmcsaCarrierUpdate = Updateable<FmcsaCarriersTable>;
export type HcProvider = Selectable<HcProvidersTable>;
export type NewHcProvider = Insertable<HcProvidersTable>;
export type SendLedgerRow = Selectable<SendLedgerTable>;
export type BuildRun = Selectable<BuildRunsTable>;
export type BackfillRow = Selectable<BackfillsTable>;
export type ServiceRun = Selectable<ServiceRunsTable>;
export type AlarmRow = Selectable<AlarmsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
export type IncidentActionRow = Selectable<IncidentActionsTable>;
