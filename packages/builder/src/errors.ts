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
  // templates (render, altbody, lint)
  'TEMPLATE_NOT_FOUND',
  'TEMPLATE_UNREADABLE',
  'TEMPLATE_SYNTAX',
  'TEMPLATE_DATA_INVALID',
  'TEMPLATE_LINT_FAILED',
  // audience imports (a file that cannot be imported at all: unknown header, unbalanced quote)
  'AUDIENCE_INPUT_INVALID',
  // the daily build
  'BUILD_CONFIG', // the build rules are unusable (unmapped segment, column a rule may not use)
  'BUILD_INPUT', // a bad argument (date, hour, unknown segment)
  'SLOT_PASSED', // a campaign's send_at is not far enough in the future; nothing was pushed
  'BUILD_LOCKED', // another build of the same vertical is running
  'LISTMONK_FAILED', // Listmonk refused or could not be reached while pushing; re-run resumes
  'DEMO_REFUSED', // demo data would mix with a real audience
  'GATE_REFUSED', // the pre-flight gate found sending unhealthy; nothing was pushed (details: the verdict)
  // the "I already filed" link of cycle reminders
  'FILED_LINK_INVALID', // a link with a missing field or a token that does not match
] as const;

export type BuilderErrorCode = (typeof BUILDER_ERROR_CODES)[number];

/** Where in a file an error points (1-based line and column). */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

/** The one error type of @mailramp/builder: a code from BUILDER_ERROR_CODES, a message that says what to do, the cause kept. */
export class BuilderError extends Error {
  override readonly name = 'BuilderError';
  /** Where in a template the problem is, when it is in one. */
  readonly location: ErrorLocation | undefined;
  /** Extra structured detail (e.g. the lint findings that refused a campaign). */
  readonly details: unknown;
  constructor(
    readonly code: BuilderErrorCode,
    message: string,
    options?: { cause?: unknown; location?: ErrorLocation; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.location = options?.location;
    this.details = options?.details;
  }
}
