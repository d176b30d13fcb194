/** Error codes raised by the mailramp SDK itself (the packages below raise their own). */
export const MAILRAMP_ERROR_CODES = [
  /** No Listmonk instance configured, several and none named, or an unknown name. */
  'LISTMONK_NOT_CONFIGURED',
  /** No warm-up streams configured, or none that feeds a Listmonk instance. */
  'WARMUP_NOT_CONFIGURED',
  /** An argument the caller gave is not usable (an address, a rate, a time, a file). */
  'INVALID_INPUT',
  /** A hold whose rate is above the stream's table cap today: it would slow nothing. */
  'HOLD_ABOVE_TABLE',
  /** A hold-map table no warm-up stream looks up first: its hold: entries would hold nothing. */
  'HOLD_TABLE_NOT_FIRST',
  /** No guard incident with the id given. */
  'INCIDENT_NOT_FOUND',
  /** A resume while a STOP alarm of the incident's stream is still open: the guard would stop it again. */
  'INCIDENT_STILL_ALARMING',
  /** A job of a session after its `close()`: open a new session. */
  'SESSION_CLOSED',
] as const;
export type MailrampErrorCode = (typeof MAILRAMP_ERROR_CODES)[number];

/** An error of the SDK, with a code from {@link MAILRAMP_ERROR_CODES}. */
export class MailrampError extends Error {
  override readonly name = 'MailrampError';
  /** Each problem found when there were several (the bad lines of a file), for people. */
  readonly problems: string[];
  constructor(
    readonly code: MailrampErrorCode,
    message: string,
    options?: { cause?: unknown; problems?: string[] },
  ) {
    super(message, options);
    this.problems = options?.problems ?? [];
  }
}

// The errors of the packages below, so an app that may import only the SDK (the service) can map
// every code the SDK's jobs throw.
export { BuilderError, type BuilderErrorCode } from '@mailramp/builder/errors';
export { ConfigError, type ConfigErrorCode } from '@mailramp/config/errors';
export { DbError, type DbErrorCode, isConnectionLost } from '@mailramp/db/errors';
export { ListmonkError, type ListmonkErrorCode } from '@mailramp/listmonk/errors';
export { OpsError, type OpsErrorCode } from '@mailramp/ops/errors';
