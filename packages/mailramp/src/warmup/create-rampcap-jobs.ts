import type { HoldChange, RampCapInstanceOutcome, RampCapStreamResult, RampHold } from '@mailramp/ops';
import { MailrampError } from '../errors.js';
import type { Session } from '../session.js';

/** Options of {@link RampcapJobs.run}. */
export interface RampcapRunOptions {
  /** Plan for this date (default: today, UTC). */
  date?: string | undefined;
  /** Only this stream. */
  stream?: string | undefined;
  /** Write the ramp keys that differ; without it nothing is written. */
  apply?: boolean | undefined;
  /** With `apply`: reload Listmonk when a running campaign keeps the new values from applying. */
  reload?: boolean | undefined;
}

/** Progress of the daily run: a stream planned (with the instances it feeds), then each instance's outcome. */
export type RampcapEvent =
  | { type: 'stream'; result: RampCapStreamResult; listmonk: readonly string[] }
  | { type: 'instance'; stream: string; outcome: RampCapInstanceOutcome };

/** What the daily run did, per stream. */
export interface RampcapRunResult {
  date: string;
  streams: RampCapStreamResult[];
}

/** Options of {@link RampcapJobs.hold}. */
export interface HoldOptions {
  stream: string;
  /** Messages per hour while held. */
  rate: number;
  /** Last day held, YYYY-MM-DD (inclusive, UTC). */
  until: string;
  reason?: string | undefined;
  /** Accept a rate above today's table cap (it then only bites once the table passes it). */
  force?: boolean | undefined;
}

/** What {@link RampcapJobs.hold} did, with today's table cap the rate was checked against. */
export interface HoldResult {
  hold: RampHold;
  change: HoldChange;
  replaced?: RampHold;
  /** The stream's hourly cap by the warm-up table today. */
  tableCap: number;
}

/** The hourly ramp cap per warm-up day as Listmonk's sliding window, and holds that freeze it. */
export interface RampcapJobs {
  /** The daily run: each stream's cap (the lower of table and hold) on each of its Listmonk instances. */
  run(
    options?: RampcapRunOptions,
    progress?: { onEvent?: (event: RampcapEvent) => void },
  ): Promise<RampcapRunResult>;
  /**
   * Freezes a stream's cap at `rate` through `until`. Refuses (`HOLD_ABOVE_TABLE`) a rate above
   * today's table cap unless `force`: it would slow nothing today.
   */
  hold(options: HoldOptions): Promise<HoldResult>;
  /** Ends a stream's hold now; undefined when it had none. */
  release(stream: string): Promise<RampHold | undefined>;
  /** Holds, newest first (unreleased only unless `includeReleased`). */
  holds(options?: { includeReleased?: boolean }): Promise<RampHold[]>;
}

/** The ramp cap jobs of a session. */
export function createRampcapJobs(session: Session): RampcapJobs {
  const ops = async () => ({
    ...(await import('@mailramp/ops')),
    ...(await import('./select-streams.js')),
    ...(await import('./stream-listmonk-instances.js')),
  });
  return {
    async run(options = {}, progress = {}) {
      const o = await ops();
      // A stream feeds the instances it lists and those of the verticals it is named after, as the
      // build and the guard take it: a stream named trucking caps the trucking vertical's instance.
      const reach = o.streamListmonkInstances(session.config);
      const streams = o
        .selectStreams(session.config, options.stream)
        .map((s) => ({ ...s, listmonk: reach.get(s.name) ?? s.listmonk }));
      if (streams.every((s) => s.listmonk.length === 0)) {
        const one = streams.length === 1 ? streams[0]!.name : undefined;
        const what =
          one === undefined
            ? `none of the warm-up streams (${streams.map((s) => s.name).join(', ')}) feeds a Listmonk instance`
            : `stream ${one} feeds no Listmonk instance`;
        throw new MailrampError(
          'WARMUP_NOT_CONFIGURED',
          `${what}, so there is no sliding window to set; define the instance under listmonk.instances named after the vertical the stream is named after (or build.verticals.<v>.listmonkInstance), or list instance names in warmup.streams.${one ?? '<stream>'}.listmonk`,
        );
      }
      const date = o.dateOption(options.date, session.now);
      const results = await o.runRampCap(streams, {
        date,
        apply: options.apply === true,
        reload: options.reload === true,
        holds: o.createHoldsRepository(await session.db()),
        readFile: session.readTextFile,
        clientFor: async (instance) => o.createRampSettingsClient(await session.listmonk(instance)),
        onEvent: (event) =>
          progress.onEvent?.(
            event.type === 'stream'
              ? {
                  ...event,
                  listmonk: streams.find((s) => s.name === event.result.stream)?.listmonk ?? [],
                }
              : event,
          ),
      });
      return { date, streams: results };
    },
    async hold(options) {
      const o = await ops();
      const [stream] = o.selectStreams(session.config, options.stream);
      const { rate } = options;
      if (!Number.isInteger(rate) || rate <= 0) {
        throw new MailrampError(
          'INVALID_INPUT',
          `the rate must be a whole number of messages per hour, got ${JSON.stringify(rate)}`,
        );
      }
      if (rate > stream!.dailyCeiling) {
        throw new MailrampError(
          'INVALID_INPUT',
          `rate ${rate}/h is above the stream's daily ceiling ${stream!.dailyCeiling}`,
        );
      }
      const until = o.toUtcDate(options.until);
      const today = o.dateOption(undefined, session.now);
      if (until < today) {
        throw new MailrampError(
          'INVALID_INPUT',
          `until ${until} is already past (today is ${today}); a hold needs a future end date`,
        );
      }
      const day = o.warmupDay(await o.readWarmupStart(stream!.start, session.readTextFile), today);
      const tableCap = o.getHourlyCap(stream!.hourlyCap, day);
      if (rate > tableCap && options.force !== true) {
        throw new MailrampError(
          'HOLD_ABOVE_TABLE',
          `rate ${rate}/h is above ${stream!.name}'s table cap today (${day < 0 ? 'not started, day 0' : `day ${day}`}: ${tableCap}/h): the cap is the lower of the two, so the hold would slow nothing now and only bite once the table passes ${rate}/h. Pick a rate below ${tableCap}/h, or force it if that is what you want (--force); nothing was stored`,
        );
      }
      const holds = o.createHoldsRepository(await session.db());
      const set = await holds.setHold(
        { stream: stream!.name, rate, until, reason: options.reason },
        session.now(),
      );
      return { ...set, tableCap };
    },
    async release(name) {
      const o = await ops();
      const [stream] = o.selectStreams(session.config, name);
      return o.createHoldsRepository(await session.db()).releaseHold(stream!.name, session.now());
    },
    async holds(options = {}) {
      const o = await ops();
      return o
        .createHoldsRepository(await session.db())
        .listHolds({ includeReleased: options.includeReleased === true });
    },
  };
}
