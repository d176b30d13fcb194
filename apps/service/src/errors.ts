/** Error codes raised by the service itself (the SDK and the packages below raise their own). */
export const SERVICE_ERROR_CODES = [
  /** A request or an argument is not usable (bad JSON, an unknown vertical, a bad date). */
  'INVALID_INPUT',
  /** A mutation without the bearer token, or with a wrong one. */
  'UNAUTHORIZED',
  /** A mutation while no token is configured: the service refuses every mutation. */
  'TOKEN_NOT_CONFIGURED',
  /** A job name the scheduler does not run. */
  'UNKNOWN_JOB',
  /** The job is already running; a second run would race it. */
  'JOB_BUSY',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** An error of the service, with a code from {@link SERVICE_ERROR_CODES}. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
