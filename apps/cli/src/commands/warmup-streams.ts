import type { Config } from '@mailramp/config';
import { OpsError, toUtcDate, type WarmupStream } from '@mailramp/ops';
import { CliError, EXIT } from '../exit-codes.js';

/** The configured warm-up streams (all, or the one `--stream` names), as ops takes them. */
export function selectStreams(config: Config, name: string | undefined): WarmupStream[] {
  const all = Object.entries(config.warmup.streams).map(([streamName, stream]) => ({
    ...stream,
    name: streamName,
    primaryIp: config.warmup.primaryIp,
  }));
  if (all.length === 0) {
    throw new CliError(
      EXIT.USAGE,
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

/** `--date` as a UTC date, defaulting to today by the run's clock. */
export function dateOption(date: string | undefined, now: () => Date): string {
  return toUtcDate(date ?? now());
}
