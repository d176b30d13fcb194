export {
  type AppliedBackfill,
  type ApplyBackfillOptions,
  type ApplyBackfillStep,
  applyBackfill,
} from './apply-backfill.js';
export {
  BACKFILL_NAME_PATTERN,
  BACKFILL_VERTICALS,
  type BackfillFilter,
  type BackfillTarget,
  type BackfillVertical,
  backupTableNameOf,
  parseBackfillFilter,
  parseBackfillName,
  serializeBackfillFilter,
} from './backfill-request.js';
export { type Backfill, type BackfillDetails, getBackfill, listBackfills } from './list-backfills.js';
export {
  type BackfillPlan,
  type BackfillSample,
  type CandidateGroup,
  NONE,
  type PlanBackfillInput,
  planBackfill,
} from './plan-backfill.js';
export { type PreviewBackfillOptions, previewBackfill } from './preview-backfill.js';
export { type RevertBackfillOptions, type RevertedBackfill, revertBackfill } from './revert-backfill.js';
