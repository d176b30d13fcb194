import { BuilderError, type BuilderErrorCode } from '@mailramp/builder/errors';
import { ConfigError, type ConfigErrorCode } from '@mailramp/config/errors';
import { DbError, type DbErrorCode, isConnectionLost } from '@mailramp/db/errors';
import { ListmonkError, type ListmonkErrorCode } from '@mailramp/listmonk/errors';
import { OpsError, type OpsErrorCode } from '@mailramp/ops/errors';
import { CommanderError } from 'commander';
import { MailrampError, type MailrampErrorCode } from 'mailramp/errors';

/**
 * What a mailramp exit code means. Scripts and cron can branch on these.
 *   0 OK           the command did what was asked (or all it could, and printed what it left alone)
 *   1 FINDINGS     it ran and found problems a person must act on (lint errors, alarms, pending
 *                  migrations, unhealthy, a dry run with something to apply); warnings alone are 0
 *   2 USAGE        bad flags, bad config, bad input file; nothing was changed
 *   3 UNAVAILABLE  a database, Listmonk or DNS server could not be reached; nothing was changed
 *                  (suppress sync: the sources it could read were stored, the others are read next time)
 *   4 REFUSED      refused by a safety rule (edited migration, past send_at, name taken, lock held)
 *   5 INTERNAL     a bug or an unexpected answer; the message says what was being done
 */
export const EXIT = {
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
  UNAVAILABLE: 3,
  REFUSED: 4,
  INTERNAL: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error a command raises itself, with the exit code it means. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// A new error code does not compile until it is mapped here.
const CONFIG_EXIT: Record<ConfigErrorCode, ExitCode> = {
  NOT_FOUND: EXIT.USAGE,
  UNREADABLE: EXIT.USAGE,
  INVALID: EXIT.USAGE,
};

const DB_EXIT: Record<DbErrorCode, ExitCode> = {
  BAD_URL: EXIT.USAGE,
  UNAVAILABLE: EXIT.UNAVAILABLE,
  MIGRATION_EDITED: EXIT.REFUSED,
  MIGRATION_MISSING: EXIT.REFUSED,
  MIGRATION_FAILED: EXIT.INTERNAL,
  LOCKED: EXIT.REFUSED,
  DATA_DIR_UNUSABLE: EXIT.USAGE,
  NOT_MIGRATED: EXIT.USAGE,
};

const OPS_EXIT: Record<OpsErrorCode, ExitCode> = {
  UNSAFE_ARGUMENT: EXIT.USAGE,
  COMMAND_UNAVAILABLE: EXIT.UNAVAILABLE,
  COMMAND_FAILED: EXIT.FINDINGS,
  COMMAND_TIMEOUT: EXIT.UNAVAILABLE,
  INVALID_CONFIG: EXIT.USAGE,
  INPUT_UNREADABLE: EXIT.USAGE,
  DNS_UNAVAILABLE: EXIT.UNAVAILABLE,
  STATE_UNWRITABLE: EXIT.USAGE,
  INVALID_DATE: EXIT.USAGE,
  INVALID_STAMP: EXIT.USAGE,
  UNKNOWN_STREAM: EXIT.USAGE,
  BAD_QUEUE_OUTPUT: EXIT.INTERNAL,
  TABLE_NOT_OWN: EXIT.REFUSED,
};

const BUILDER_EXIT: Record<BuilderErrorCode, ExitCode> = {
  BACKFILL_INVALID: EXIT.USAGE,
  BACKFILL_EMPTY: EXIT.USAGE,
  BACKFILL_EXISTS: EXIT.REFUSED,
  BACKFILL_NOT_FOUND: EXIT.USAGE,
  BACKFILL_ALREADY_REVERTED: EXIT.REFUSED,
  BACKFILL_CONFLICT: EXIT.REFUSED,
  LINKS_TABLE_MISSING: EXIT.USAGE,
  LINKS_REPAIR_EXISTS: EXIT.REFUSED,
  LINKS_REPAIR_NOT_FOUND: EXIT.USAGE,
  LINKS_VERIFY_FAILED: EXIT.INTERNAL,
  TEMPLATE_NOT_FOUND: EXIT.USAGE,
  TEMPLATE_UNREADABLE: EXIT.USAGE,
  TEMPLATE_SYNTAX: EXIT.USAGE,
  TEMPLATE_DATA_INVALID: EXIT.USAGE,
  TEMPLATE_LINT_FAILED: EXIT.REFUSED,
  AUDIENCE_INPUT_INVALID: EXIT.USAGE,
  BUILD_CONFIG: EXIT.USAGE,
  BUILD_INPUT: EXIT.USAGE,
  SLOT_PASSED: EXIT.REFUSED,
  BUILD_LOCKED: EXIT.REFUSED,
  LISTMONK_FAILED: EXIT.UNAVAILABLE,
  DEMO_REFUSED: EXIT.REFUSED,
  GATE_REFUSED: EXIT.REFUSED,
  FILED_LINK_INVALID: EXIT.USAGE,
};

const MAILRAMP_EXIT: Record<MailrampErrorCode, ExitCode> = {
  LISTMONK_NOT_CONFIGURED: EXIT.USAGE,
  WARMUP_NOT_CONFIGURED: EXIT.USAGE,
  INVALID_INPUT: EXIT.USAGE,
  HOLD_ABOVE_TABLE: EXIT.REFUSED,
  HOLD_TABLE_NOT_FIRST: EXIT.REFUSED,
  INCIDENT_NOT_FOUND: EXIT.USAGE,
  INCIDENT_STILL_ALARMING: EXIT.REFUSED,
  // The CLI closes its session only when the run ends: a job after that is a bug.
  SESSION_CLOSED: EXIT.INTERNAL,
};

const LISTMONK_EXIT: Record<ListmonkErrorCode, ExitCode> = {
  UNAVAILABLE: EXIT.UNAVAILABLE,
  REJECTED: EXIT.USAGE,
  AUTH: EXIT.USAGE,
  NOT_FOUND: EXIT.USAGE,
  BAD_RESPONSE: EXIT.INTERNAL,
  SEND_AT_PAST: EXIT.REFUSED,
};

/** The exit code a Listmonk error code means (for outcomes reported per instance rather than thrown). */
export function exitCodeOfListmonk(code: ListmonkErrorCode): ExitCode {
  return LISTMONK_EXIT[code];
}

/**
 * What to print for an error: its message, with what to do where the driver's words don't say it
 * (a lost connection). A database never migrated is the SDK's DbError NOT_MIGRATED, which says so.
 */
export function messageOf(error: unknown, command?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isConnectionLost(error)) {
    const what = command === undefined || command === '' ? 'the command' : `\`mailramp ${command}\``;
    return `the database connection was lost during ${what} (${message}); what it had committed is kept and the rest was rolled back: when the database is reachable again, re-run the same command to resume`;
  }
  return message;
}

/** The exit code an error means. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (isConnectionLost(error)) return EXIT.UNAVAILABLE;
  if (error instanceof MailrampError) return MAILRAMP_EXIT[error.code];
  if (error instanceof ConfigError) return CONFIG_EXIT[error.code];
  if (error instanceof DbError) return DB_EXIT[error.code];
  if (error instanceof OpsError) return OPS_EXIT[error.code];
  if (error instanceof BuilderError) return BUILDER_EXIT[error.code];
  if (error instanceof ListmonkError) return LISTMONK_EXIT[error.code];
  if (error instanceof CommanderError) return EXIT.USAGE;
  return EXIT.INTERNAL;
}
