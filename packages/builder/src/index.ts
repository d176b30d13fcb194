export {
  createFlagStage,
  FLAG_SOURCES,
  type FlagMode,
  type FlagShare,
  type FlagSource,
  type FlagSourceResult,
  flagVocabulary,
} from './audience/apply-flag-source.js';
export {
  AUTHORITY_PARTS,
  AUTHORITY_RULES,
  type AuthorityPart,
  importAuthority,
} from './audience/import-authority.js';
export { type ImportCarriersOptions, importCarriers } from './audience/import-carriers.js';
export { type ImportEmailsOptions, importEmails } from './audience/import-emails.js';
export {
  type FlagImportOptions,
  type ImportFlagsOptions,
  importDeactivations,
  importFlags,
  importLeie,
} from './audience/import-flags.js';
export { importLabs } from './audience/import-labs.js';
export { importProviders } from './audience/import-providers.js';
export { importRevalidation } from './audience/import-revalidation.js';
export {
  type ImportProblem,
  type ImportSummary,
  REJECT_REASONS,
  type RejectReason,
  WARNING_REASONS,
  type WarningReason,
} from './audience/import-summary.js';
export { importVerification } from './audience/import-verification.js';
export { type DateFormat, parseCensusDate } from './audience/parse-census-date.js';
export {
  CARRIER_COLUMNS,
  detectCarrierLayout,
  FMCSA_SHAPES,
  type FmcsaShape,
} from './audience/plan-carrier-row.js';
export { isNpi } from './audience/plan-provider-row.js';
export {
  CSV_ENCODINGS,
  type CsvEncoding,
  type CsvOptions,
  type CsvRecord,
  type CsvRecords,
  isCsvRecords,
  readCsvRecords,
} from './audience/read-csv-records.js';
export {
  type ImportOptions,
  type ImportProgress,
  MAX_FIELD_CHARS,
} from './audience/run-audience-import.js';
export { type TagMxOptions, type TagMxResult, tagMxProviders } from './audience/tag-mx-providers.js';
export {
  CONFIRMING_RESULTS,
  mapVerifyResult,
  VERIFY_RESULT_ALIASES,
  VERIFY_RESULTS,
  type VerifyResult,
} from './audience/verify-results.js';
export * from './backfill/index.js';
export * from './backfill/links/index.js';
export {
  type BuildPlan,
  type BuildRequest,
  campaignNameOf,
  type PlannedCampaign,
  planBuild,
} from './build/plan-build.js';
export { filedLinkProblem, preflightCampaigns } from './build/preflight-campaigns.js';
export {
  type BuildRules,
  type BuildSettings,
  DEFAULT_SEND_AT_MARGIN_MINUTES,
  resolveBuildRules,
  type SegmentSettings,
  type VerticalSettings,
} from './build/resolve-build-rules.js';
export {
  type BuildDeps,
  type BuildEvent,
  type BuildResult,
  type CampaignOutcome,
  PUSH_STEPS,
  type PushStep,
  runBuild,
} from './build/run-build.js';
export {
  addDays,
  businessDaysBefore,
  type IsoDate,
  isIsoDate,
  isoDateOf,
} from './calendar/calendar-date.js';
export { type FilingCalendar, type FilingTouch, planFilingTouch } from './calendar/plan-filing-touch.js';
export {
  mcs150DueDateOf,
  mcs150FilesInEvenYears,
  mcs150MonthOf,
  nextMcs150Due,
  planMcs150Cutoffs,
} from './calendar/plan-mcs150-cutoffs.js';
export { measureRecentBounces } from './caps/measure-recent-bounces.js';
export {
  type CatchAllDecision,
  type CatchAllRules,
  DEFAULT_CATCH_ALL,
  planCatchAll,
  type RecentBounces,
} from './caps/plan-catch-all.js';
export {
  type DailyCapRow,
  DEFAULT_DAILY_CAPS,
  HARD_DAILY_CEILING,
  planDailyCap,
} from './caps/plan-daily-cap.js';
export {
  DEFAULT_BIG_OPERATORS,
  DEFAULT_OPERATOR_CAP_TABLE,
  type HeldOperatorRules,
  type OperatorCapRow,
  type OperatorCapRules,
  operatorCapRowOf,
  planHeldOperators,
  planOperatorCaps,
} from './caps/plan-operator-caps.js';
export {
  createRandom,
  type DemoCarrier,
  type DemoOptions,
  type DemoProvider,
  generateDemoCarriers,
  generateDemoProviders,
} from './demo/generate-demo-audience.js';
export { type SeedDemoOptions, type SeedDemoResult, seedDemoAudience } from './demo/seed-demo-audience.js';
export * from './errors.js';
export * from './filed/index.js';
export { createListmonkPort } from './push/create-listmonk-port.js';
export { createTemplateRenderer } from './push/create-template-renderer.js';
export type {
  CampaignRenderer,
  CampaignToRender,
  ImportSubscriber,
  ListmonkCampaignState,
  ListmonkPort,
  NewCampaign,
  RenderedCampaign as RenderedBuildCampaign,
} from './push/listmonk-port.js';
export { planCampaignData } from './push/plan-campaign-data.js';
export { UCR_FEE_BRACKETS, type UcrFeeBracket } from './push/ucr-fee-brackets.js';
export { localTimeToUtc } from './schedule/local-time-to-utc.js';
export { planSendTimes, type SendSlot, type SendTimeRules } from './schedule/plan-send-times.js';
export { isZoneGroup, ZONE_GROUPS, type ZoneGroup, zoneGroupOf } from './schedule/time-zones.js';
export {
  DEFAULT_SEGMENTS,
  type SegmentDefinition,
  type SegmentRule,
  VERTICALS,
  type Vertical,
} from './segments/default-segments.js';
export { AUDIENCE_TABLES, type AudienceTable } from './selection/audience-tables.js';
export {
  classifyExclusion,
  EXCLUSION_REASONS,
  type ExclusionFacts,
  type ExclusionReason,
  type ExclusionRules,
  isValidAddress,
} from './selection/classify-exclusion.js';
export {
  type Candidate,
  type CapsHit,
  planSelection,
  type SegmentCandidates,
  type Selected,
  type SelectionCaps,
  type SelectionPlan,
} from './selection/plan-selection.js';
export {
  type BounceSource,
  type BounceSourceOutcome,
  readListmonkBounces,
} from './suppression/read-listmonk-bounces.js';
export {
  type BounceRecord,
  classifyFailure,
  createDeadTenantTracker,
  DEFAULT_SUPPRESS_RULES,
  type DeadTenant,
  type DeliveryAttempt,
  type FailureVerdict,
  isPolicyReply,
  type SuppressRules,
} from './suppression/suppress-rules.js';
export {
  addSuppressions,
  listSuppressions,
  type NewSuppression,
  removeSuppressions,
  type Suppression,
} from './suppression/suppression-repository.js';
export { type SyncInput, type SyncResult, syncSuppressions } from './suppression/sync-suppressions.js';
export * from './template/index.js';
