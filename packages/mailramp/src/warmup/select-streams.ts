import type { Config } from '@mailramp/config';
import { OpsError, toUtcDate, type WarmupStream } from '@mailramp/ops';
import { MailrampError } from '../errors.js';

/** The configured warm-up streams (all, or the one `name` names), as ops takes them. */
export function selectStreams(config: Config, name: string | undefined): WarmupStream[] {
  const all = Object.entries(config.warmup.streams).map(([streamName, stream]) => ({
    ...stream,
    name: streamName,
    primaryIp: config.warmup.primaryIp,
  }));
  if (all.length === 0) {
    throw new MailrampError(
      'WARMUP_NOT_CONFIGURED',
      'no warm-up streams configured; add warmup.streams to mailramp.config.json (see `mailramp config schema`)',
    );
  }
  if (name === undefined) return all;
  const one = all.filter((s) => s.name === name);
  if (one.length === 0) {
    throw new OpsError(
      'UNKNOWN_STREAM',
      `no warm-up stream "${name}"; configured: ${all.map((s) => s.name).join(', ')}`,
    );
  }
  return one;
}

/** A date option as a UTC date, defaulting to today by the session's clock. */
export function dateOption(date: string | undefined, now: () => Date): string {
  return toUtcDate(date ?? now());
}
