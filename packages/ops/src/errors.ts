/** Error codes raised by @mailramp/ops. Apps map each code to an exit code or HTTP status. */
export const OPS_ERROR_CODES = [
  /** A value from config or input is not a safe command argument (IP, interface, prefix…). */
  'UNSAFE_ARGUMENT',
  /** A host command could not be started (not installed, not permitted). */
  'COMMAND_UNAVAILABLE',
  /** A host command ran and failed. */
  'COMMAND_FAILED',
  /** A host command did not finish in time. */
  'COMMAND_TIMEOUT',
] as const;

export type OpsErrorCode = (typeof OPS_ERROR_CODES)[number];

/** The one error type of @mailramp/ops. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(
    readonly code: OpsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
