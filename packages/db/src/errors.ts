/** Error codes raised by @mailramp/db. Apps map each code to an exit code or HTTP status. */
export const DB_ERROR_CODES = [
  'BAD_URL',
  'UNAVAILABLE',
  'MIGRATION_EDITED',
  'MIGRATION_MISSING',
  'MIGRATION_FAILED',
  'LOCKED',
  'DATA_DIR_UNUSABLE',
  /** A table the code needs does not exist: the database was never migrated, or is behind. */
  'NOT_MIGRATED',
] as const;

export type DbErrorCode = (typeof DB_ERROR_CODES)[number];

/** The one error type of @mailramp/db: a code from DB_ERROR_CODES, a message that says what to do, the cause kept. */
export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** PostgreSQL SQLSTATE values the code base compares against (never compare message text). */
export const SQLSTATE = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  NOT_NULL_VIOLATION: '23502',
  DUPLICATE_TABLE: '42P07',
  UNDEFINED_TABLE: '42P01',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  LOCK_NOT_AVAILABLE: '55P03',
  INVALID_CATALOG_NAME: '3D000',
} as const;

/** The SQLSTATE of a driver error (pg and PGlite both expose `code`), or undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  }
  return undefined;
}

/** True when the error is a driver error that means the server could not be reached. */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    code === 'ECONNRESET' ||
    code === 'EAI_AGAIN' ||
    code === '57P03' ||
    code === '3D000' ||
    code === '28P01' ||
    code === '28000'
  );
}

// Class 08 (connection exception) and the shutdown codes of class 57P.
const LOST_CONNECTION_STATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/**
 * True when the error means the database connection was lost while a command ran: the server ended
 * the session (pg_terminate_backend, a restart) or the socket broke. pg reports a broken socket
 * without a SQLSTATE, so its two fixed messages are matched too.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (LOST_CONNECTION_STATES.has(code) || code === 'ECONNRESET' || code === 'EPIPE')
    )
      return true;
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /^(Connection terminated( unexpectedly)?|Client has encountered a connection error and is not queryable)$/.test(
        message,
      )
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
