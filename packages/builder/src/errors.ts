/**
 * Error codes raised by @mailramp/builder: one table for the whole package. Apps map each code to an
 * exit code or HTTP status (apps/cli/src/exit-codes.ts), so a new code does not compile until mapped.
 */
export const BUILDER_ERROR_CODES = [
  // backfills (reset of listmonk_sent_at with a backup table)
  'BACKFILL_INVALID',
  'BACKFILL_EMPTY',
  'BACKFILL_EXISTS',
  'BACKFILL_NOT_FOUND',
  'BACKFILL_ALREADY_REVERTED',
  'BACKFILL_CONFLICT',
  // links-repair (Listmonk's own links table)
  'LINKS_TABLE_MISSING',
  'LINKS_REPAIR_EXISTS',
  'LINKS_REPAIR_NOT_FOUND',
  'LINKS_VERIFY_FAILED',
] as const;

export type BuilderErrorCode = (typeof BUILDER_ERROR_CODES)[number];

/** The one error type of @mailramp/builder: a code from BUILDER_ERROR_CODES, a message that says what to do, the cause kept. */
export class BuilderError extends Error {
  override readonly name = 'BuilderError';
  constructor(
    readonly code: BuilderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
