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
  /** Configuration given to an ops function is unusable (no envelope domain, no sending IPs). */
  'INVALID_CONFIG',
  /** An input file (interfaces, master.cf, mail log, state file) is missing or unreadable. */
  'INPUT_UNREADABLE',
  /** The configured DNS resolver did not answer at all (timeout, refused, unreachable). */
  'DNS_UNAVAILABLE',
  /** A state file could not be written; nothing else was changed. */
  'STATE_UNWRITABLE',
  /** A date given on the command line or in a file is not a date. */
  'INVALID_DATE',
  /** A warm-up stamp file is missing, unreadable or does not hold epoch seconds. */
  'INVALID_STAMP',
  /** A named warm-up stream is not in the config. */
  'UNKNOWN_STREAM',
  /** `postqueue -j` printed something that is not one JSON object per line. */
  'BAD_QUEUE_OUTPUT',
  /** A transport table routes other mail too: hold-map writes only a table of its own. */
  'TABLE_NOT_OWN',
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
