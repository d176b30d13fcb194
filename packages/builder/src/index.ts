export * from './backfill/index.js';
export * from './backfill/links/index.js';
export * from './errors.js';
export * from './template/index.js';
