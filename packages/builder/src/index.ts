/**
 * What other packages use of @mailramp/builder (the CLI, today); its error codes are also in
 * `@mailramp/builder/errors`. Export a name here when another package needs it, not before.
 */
export { AUTHORITY_RULES } from './audience/authority-rules.js';
export { flagVocabulary } from './audience/flag-vocabulary.js';
export { importAuthority } from './audience/import-authority.js';
export { importCarriers } from './audience/import-carriers.js';
export { importEmails } from './audience/import-emails.js';
export { importDeactivations, importFlags, importLeie } from './audience/import-flags.js';
export { importLabs } from './audience/import-labs.js';
export { importProviders } from './audience/import-providers.js';
export { importRevalidation } from './audience/import-revalidation.js';
export type { ImportSummary } from './audience/import-summary.js';
export { importVerification } from './audience/import-verification.js';
export { CONTACT_COLUMNS } from './audience/plan-contact-rows.js';
export {
  CSV_ENCODINGS,
  type CsvEncoding,
  type CsvRecord,
  readCsvRecords,
} from './audience/read-csv-records.js';
export { readEmail } from './audience/read-fields.js';
export type { ImportOptions } from './audience/run-audience-import.js';
export { type TagMxResult, tagMxProviders } from './audience/tag-mx-providers.js';
export {
  type AppliedBackfill,
  type ApplyBackfillOptions,
  applyBackfill,
  type Backfill,
  type BackfillDetails,
  type BackfillFilter,
  type BackfillPlan,
  getBackfill,
  listBackfills,
  parseBackfillFilter,
  parseBackfillName,
  previewBackfill,
  type RevertBackfillOptions,
  type RevertedBackfill,
  revertBackfill,
} from './backfill/index.js';
export {
  type AppliedLinksRepair,
  applyLinksRepair,
  findMalformedLinks,
  type LinksRepair,
  type LinksRepairPlan,
  type ListmonkDatabase,
  listLinksRepairs,
  type RevertedLinksRepair,
  revertLinksRepair,
} from './backfill/links/index.js';
export {
  countLapsedRows,
  countStampedRows,
  releaseUnmailedCampaign,
  type StampedCampaign,
} from './build/ledger-repository.js';
export { type BuildPlan, type BuildRequest, planBuild } from './build/plan-build.js';
export { preflightCampaigns } from './build/preflight-campaigns.js';
export {
  describeFailedChecks,
  GATE_CHECKS,
  type GateCheck,
  type GateCheckId,
  type GateOverride,
  type GateRequest,
  type GateVerdict,
  type PreflightGate,
} from './build/preflight-gate.js';
export { resolveBuildRules } from './build/resolve-build-rules.js';
export {
  type BuildResult,
  type CampaignOutcome,
  type ReconciledCampaign,
  type Reconciliation,
  runBuild,
} from './build/run-build.js';
export { isIsoDate } from './calendar/calendar-date.js';
export { type SeedDemoResult, seedDemoAudience } from './demo/seed-demo-audience.js';
export { BuilderError } from './errors.js';
export {
  createFiledLink,
  type FiledLinkTarget,
  type MarkFiledResult,
  markFiled,
  readFiledLink,
} from './filed/index.js';
export { createListmonkPort } from './push/create-listmonk-port.js';
export { createTemplateRenderer } from './push/create-template-renderer.js';
export { DEFAULT_SEGMENTS, VERTICALS, type Vertical } from './segments/default-segments.js';
export type { DeliveryAttempt, SuppressRules } from './suppression/suppress-rules.js';
export {
  addSuppressions,
  listSuppressions,
  type NewSuppression,
  removeSuppressions,
  type Suppression,
} from './suppression/suppression-repository.js';
export { type SyncResult, syncSuppressions } from './suppression/sync-suppressions.js';
export {
  formatLintFindings,
  getTemplate,
  LINT_FORMATS,
  LINT_RULES,
  type LintFinding,
  type LintFormat,
  lintTemplateFiles,
  loadTemplateSet,
  parseBuildData,
  type RenderedCampaign,
  renderCampaign,
  STOCK_TEMPLATES_DIR,
} from './template/index.js';
