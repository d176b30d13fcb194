export * from './backfill/index.js';
export * from './backfill/links/index.js';
export { BUILDER_ERROR_CODES, BuilderError, type BuilderErrorCode } from './errors.js';
