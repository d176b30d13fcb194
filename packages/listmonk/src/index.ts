export type { BounceFilter, BouncesApi } from './bounces/create-bounces-api.js';
export { assertSendAtAhead } from './campaigns/assert-send-at-ahead.js';
export type { CampaignInput, CampaignPatch, CampaignsApi } from './campaigns/create-campaigns-api.js';
export {
  type CampaignStatus,
  planStatusChange,
  type RequestableStatus,
} from './campaigns/plan-status-change.js';
export type { ListmonkClientOptions, ServerInfo } from './client/client-core.js';
export { createListmonkClient, type ListmonkClient } from './client/create-listmonk-client.js';
export type { ListmonkEvent } from './client/listmonk-event.js';
export {
  featuresOf,
  isAtLeast,
  type ListmonkFeatures,
  type ListmonkVersion,
  parseListmonkVersion,
} from './client/listmonk-version.js';
export { DEFAULT_RETRY_POLICY, planRetryDelay, type RetryPolicy } from './client/plan-retry-delay.js';
export type {
  Bounce,
  Campaign,
  ImportStatus,
  List,
  RunningStats,
  Settings,
  Subscriber,
  Template,
} from './client/schemas.js';
export {
  isListmonkError,
  LISTMONK_ERROR_CODES,
  ListmonkError,
  type ListmonkErrorCode,
  type ListmonkErrorDetails,
} from './errors.js';
export type { ListInput, ListsApi } from './lists/create-lists-api.js';
export { blankMaskedSecrets, SECRET_MASK } from './settings/blank-masked-secrets.js';
export type { SettingsApi, SettingsUpdate } from './settings/create-settings-api.js';
export type { ImportApi, ImportResult, ImportSubscribersInput } from './subscribers/create-import-api.js';
export type { SubscribersApi } from './subscribers/create-subscribers-api.js';
export { formatImportCsv, type ImportRow } from './subscribers/format-import-csv.js';
export { CONTENT_PLACEHOLDER, countContentPlaceholders } from './templates/count-content-placeholders.js';
export type { TemplateInput, TemplatesApi } from './templates/create-templates-api.js';
export { type GoToken, lexGoAction } from './templates/lex-go-action.js';
export { rewriteTrackLinks } from './templates/rewrite-track-links.js';
export {
  GO_BUILTIN_FUNCTIONS,
  GO_CONSTANTS,
  GO_KEYWORDS,
  isTemplateFunction,
  LISTMONK_FUNCTIONS,
  SPRIG_FUNCTIONS,
  TEMPLATE_FUNCTIONS,
} from './templates/template-names.js';
