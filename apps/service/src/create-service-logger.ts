import { type Logger, pino } from 'pino';

/**
 * The service's logger: pino JSON lines written through `write` (stdout in `mailramp serve`). Tokens
 * and authorization headers are censored wherever they appear in a logged object, so a secret
 * that reaches a log call by mistake is still not printed.
 */
export function createServiceLogger(write: (line: string) => void, level = 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'mailramp' },
      redact: {
        paths: [
          'token',
          '*.token',
          'password',
          '*.password',
          'authorization',
          'headers.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '***',
      },
    },
    { write },
  );
}
