import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

/** A pino logger as the service's (JSON lines) whose lines are kept in `lines` instead of printed. */
export function createTestLogger(options: { keep?: boolean } = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = options.keep ?? true;
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        if (keep) lines.push(String(chunk));
        done();
      },
    }),
  );
  return { logger, lines };
}
