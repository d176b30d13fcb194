import type { BuildRequest } from '@mailramp/builder';
import type { Config } from '@mailramp/config';
import { getHourlyCap, readWarmupStart, warmupDay } from '@mailramp/ops';
import { warmupStreamOfVertical } from '../warmup/stream-listmonk-instances.js';

/** The warm-up day a build caps by, where it came from, and the stream whose ramp cap bounds the day. */
export interface BuildWarmup {
  day: number;
  /** In words, for people: `--warmup-day`, the stream and its start, or why day 0. */
  source: string;
  stream?: BuildRequest['stream'];
}

/**
 * The warm-up day of a vertical's stream: `override`, else ops' day count from the start of the
 * warm-up stream named after the vertical or feeding its Listmonk instance — a configured date or
 * the stamp file — else 0, the most careful day.
 */
export async function resolveBuildWarmup(
  config: Config,
  options: {
    vertical: string;
    instance: string;
    date: string;
    override?: number | undefined;
    readTextFile: (path: string) => Promise<string>;
  },
): Promise<BuildWarmup> {
  const found = warmupStreamOfVertical(config, options.vertical, options.instance);
  // The stream's hourly ramp cap × sending hours bounds the day (a hold lowers it: the build reads it).
  const streamOf = (day: number): BuildRequest['stream'] =>
    found === undefined
      ? undefined
      : {
          name: found[0],
          hourlyCap: getHourlyCap(found[1].hourlyCap, day),
          sendingHours: found[1].sendingHours,
        };
  if (options.override !== undefined)
    return { day: options.override, source: '--warmup-day', stream: streamOf(options.override) };
  if (found === undefined)
    return { day: 0, source: 'no warm-up stream configured: day 0 (the most careful caps)' };
  const [name, stream] = found;
  const start = await readWarmupStart(stream.start, options.readTextFile);
  const from =
    typeof stream.start === 'string'
      ? stream.start
      : `${stream.start.stampFile} (${start instanceof Date ? start.toISOString() : start})`;
  const day = Math.max(0, warmupDay(start, options.date));
  return { day, source: `stream ${name} started ${from}`, stream: streamOf(day) };
}
