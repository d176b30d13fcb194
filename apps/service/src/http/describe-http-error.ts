import {
  BuilderError,
  type BuilderErrorCode,
  ConfigError,
  type ConfigErrorCode,
  DbError,
  type DbErrorCode,
  isConnectionLost,
  ListmonkError,
  type ListmonkErrorCode,
  MailrampError,
  type MailrampErrorCode,
  OpsError,
  type OpsErrorCode,
} from 'mailramp/errors';
import { ServiceError, type ServiceErrorCode } from '../errors.js';

// What each code means over HTTP: 400 the request (or the config it names) is unusable, 409 refused
// by a safety rule or the current state, 503 something the service needs is unreachable, 500 a bug.
// A new code does not compile until it is mapped here.
const SERVICE_STATUS: Record<ServiceErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  TOKEN_NOT_CONFIGURED: 403,
  UNKNOWN_JOB: 404,
  JOB_BUSY: 409,
};

const MAILRAMP_STATUS: Record<MailrampErrorCode, number> = {
  LISTMONK_NOT_CONFIGURED: 400,
  WARMUP_NOT_CONFIGURED: 400,
  INVALID_INPUT: 400,
  HOLD_ABOVE_TABLE: 409,
  HOLD_TABLE_NOT_FIRST: 409,
  INCIDENT_NOT_FOUND: 404,
  INCIDENT_STILL_ALARMING: 409,
  // The service keeps its session open while it serves: a job after close() is a bug.
  SESSION_CLOSED: 500,
};

const CONFIG_STATUS: Record<ConfigErrorCode, number> = { NOT_FOUND: 400, UNREADABLE: 400, INVALID: 400 };

const DB_STATUS: Record<DbErrorCode, number> = {
  BAD_URL: 400,
  UNAVAILABLE: 503,
  MIGRATION_EDITED: 409,
  MIGRATION_MISSING: 409,
  MIGRATION_FAILED: 500,
  LOCKED: 409,
  DATA_DIR_UNUSABLE: 400,
  NOT_MIGRATED: 409,
};

const OPS_STATUS: Record<OpsErrorCode, number> = {
  UNSAFE_ARGUMENT: 400,
  COMMAND_UNAVAILABLE: 503,
  COMMAND_FAILED: 500,
  COMMAND_TIMEOUT: 503,
  INVALID_CONFIG: 400,
  INPUT_UNREADABLE: 400,
  DNS_UNAVAILABLE: 503,
  STATE_UNWRITABLE: 400,
  INVALID_DATE: 400,
  INVALID_STAMP: 400,
  UNKNOWN_STREAM: 400,
  BAD_QUEUE_OUTPUT: 500,
  TABLE_NOT_OWN: 409,
};

const BUILDER_STATUS: Record<BuilderErrorCode, number> = {
  BACKFILL_INVALID: 400,
  BACKFILL_EMPTY: 400,
  BACKFILL_EXISTS: 409,
  BACKFILL_NOT_FOUND: 400,
  BACKFILL_ALREADY_REVERTED: 409,
  BACKFILL_CONFLICT: 409,
  LINKS_TABLE_MISSING: 400,
  LINKS_REPAIR_EXISTS: 409,
  LINKS_REPAIR_NOT_FOUND: 400,
  LINKS_VERIFY_FAILED: 500,
  TEMPLATE_NOT_FOUND: 400,
  TEMPLATE_UNREADABLE: 400,
  TEMPLATE_SYNTAX: 400,
  TEMPLATE_DATA_INVALID: 400,
  TEMPLATE_LINT_FAILED: 409,
  AUDIENCE_INPUT_INVALID: 400,
  BUILD_CONFIG: 400,
  BUILD_INPUT: 400,
  SLOT_PASSED: 409,
  BUILD_LOCKED: 409,
  LISTMONK_FAILED: 503,
  DEMO_REFUSED: 409,
  GATE_REFUSED: 409,
  FILED_LINK_INVALID: 400,
};

const LISTMONK_STATUS: Record<ListmonkErrorCode, number> = {
  UNAVAILABLE: 503,
  REJECTED: 400,
  AUTH: 400,
  NOT_FOUND: 400,
  BAD_RESPONSE: 500,
  SEND_AT_PAST: 409,
};

/** How a failed request answers: status, code and a message meant for the caller. */
export interface HttpErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/**
 * The answer for an error a route threw. Coded errors of ours say what happened and what to do; a
 * 5xx of theirs keeps its code but not its words (they may name hosts or paths), and an error of
 * unknown kind says only that the log has it.
 */
export function describeHttpError(error: unknown): HttpErrorAnswer {
  const coded = statusOf(error);
  if (coded !== undefined) {
    const { status, code } = coded;
    const message =
      status >= 500
        ? `${code}: the request failed; the service log has the details`
        : (slotPassedOverHttp(error) ?? (error as Error).message);
    return { status, code, message };
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  // Fastify's own 4xx (a body that is not JSON, too large, a wrong content type) say what was wrong.
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, code: 'INVALID_INPUT', message: (error as Error).message };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error; the service log has the details' };
}

/** A passed send slot, advised in the request body's words instead of the CLI's flags. */
function slotPassedOverHttp(error: unknown): string | undefined {
  if (!(error instanceof BuilderError) || error.code !== 'SLOT_PASSED') return undefined;
  const d = error.details as
    | { what: string; date: string; dayOver: boolean; sendHour: number; sendMinute: number; latest: string }
    | undefined;
  if (d === undefined) return undefined;
  return d.dayOver
    ? `${d.what} ${d.date} is over: leave out "date" to build today's, or send "nextSlot": true to send ${d.date}'s campaigns today (${d.latest} at the latest)`
    : `${d.what} Send "sendHour": ${d.sendHour}, "sendMinute": ${d.sendMinute} (UTC), or "nextSlot": true to move past slots to the next future one (${d.latest} at the latest)`;
}

function statusOf(error: unknown): { status: number; code: string } | undefined {
  if (error instanceof ServiceError) return { status: SERVICE_STATUS[error.code], code: error.code };
  if (isConnectionLost(error)) return { status: 503, code: 'UNAVAILABLE' };
  if (error instanceof MailrampError) return { status: MAILRAMP_STATUS[error.code], code: error.code };
  if (error instanceof ConfigError) return { status: CONFIG_STATUS[error.code], code: error.code };
  if (error instanceof DbError) return { status: DB_STATUS[error.code], code: error.code };
  if (error instanceof OpsError) return { status: OPS_STATUS[error.code], code: error.code };
  if (error instanceof BuilderError) return { status: BUILDER_STATUS[error.code], code: error.code };
  if (error instanceof ListmonkError) return { status: LISTMONK_STATUS[error.code], code: error.code };
  return undefined;
}
