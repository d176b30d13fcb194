/**
 * Error codes raised by @mailramp/listmonk. Apps map each code to an exit code or HTTP status.
 *   UNAVAILABLE   network error, timeout, HTTP 5xx, or Listmonk did not come back after a restart
 *   REJECTED      Listmonk answered 4xx to a well-formed call (validation, state machine, duplicate)
 *   AUTH          bad credentials or a missing permission (403 on v4+, 401 on v2/v3)
 *   NOT_FOUND     the campaign, list, template or subscriber does not exist (Listmonk says 400)
 *   BAD_RESPONSE  the reply did not have the expected shape (version drift)
 *   SEND_AT_PAST  a send_at is already past (or within the safety margin); caught before the call
 */
export const LISTMONK_ERROR_CODES = [
  'UNAVAILABLE',
  'REJECTED',
  'AUTH',
  'NOT_FOUND',
  'BAD_RESPONSE',
  'SEND_AT_PAST',
] as const;

export type ListmonkErrorCode = (typeof LISTMONK_ERROR_CODES)[number];

/** What went wrong, in data: which call, what Listmonk said. Never holds credentials. */
export interface ListmonkErrorDetails {
  /** The call as `METHOD /api/path/:id` (no query string, no host credentials). */
  call?: string | undefined;
  /** HTTP status when Listmonk answered. */
  status?: number | undefined;
  /** Listmonk's own message (translated by the server: shown to users, never branched on). */
  serverMessage?: string | undefined;
  /** How many attempts were made (retries included). */
  attempts?: number | undefined;
}

/**
 * The one error type of @mailramp/listmonk. `cause` is never an axios error (its config carries
 * the Authorization header): transport failures are reduced to a plain Error first.
 */
export class ListmonkError extends Error {
  override readonly name = 'ListmonkError';
  readonly call: string | undefined;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly attempts: number | undefined;
  constructor(
    readonly code: ListmonkErrorCode,
    message: string,
    details: ListmonkErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.call = details.call;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.attempts = details.attempts;
  }
}

/** True when the error is a ListmonkError with one of the given codes. */
export function isListmonkError(error: unknown, ...codes: ListmonkErrorCode[]): error is ListmonkError {
  return error instanceof ListmonkError && (codes.length === 0 || codes.includes(error.code));
}
