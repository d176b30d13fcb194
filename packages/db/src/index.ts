export {
  type ConnectOptions,
  connect,
  DEFAULT_DATA_DIR,
  describeConnection,
  type Engine,
  engineOf,
  execScript,
} from './connect.js';
export { copyRows, formatCopyValue } from './copy-rows.js';
export {
  DB_ERROR_CODES,
  DbError,
  type DbErrorCode,
  isConnectionError,
  isConnectionLost,
  SQLSTATE,
  sqlStateOf,
} from './errors.js';
export { DATA_DIR_LOCK_FILE } from './lock-data-dir.js';
export {
  checksumOf,
  listMigrationFiles,
  MIGRATIONS_DIR,
  type MigrationFile,
} from './migrate/list-migration-files.js';
export {
  getMigrationStatus,
  type MigrationOptions,
  type MigrationResult,
  type MigrationState,
  runMigrations,
} from './migrate/run-migrations.js';
export { redactUrl, scrubSecrets, secretsOfUrl } from './redact-url.js';
export * from './schema.js';
