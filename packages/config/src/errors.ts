/** Error codes raised by @mailramp/config. */
export const CONFIG_ERROR_CODES = ['NOT_FOUND', 'UNREADABLE', 'INVALID'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** A configuration problem; `problems` lists every one found, each as `path: message`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly problems: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
