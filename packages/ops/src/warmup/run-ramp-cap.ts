import { applyRampCap, type RampCapApplied, type RampSettingsClient } from './apply-ramp-cap.js';
import type { HoldsRepository } from './holds-repository.js';
import { planRampCap, type RampCapPlan } from './plan-ramp-cap.js';
import { type ReadTextFile, readWarmupStart } from './read-warmup-state.js';
import { type DateLike, toUtcDate, warmupDay } from './warmup-day.js';
import type { WarmupStream } from './warmup-stream.js';

/** How one Listmonk instance fared: brought to the cap (or found there), or failed. */
export type RampCapInstanceOutcome =
  | ({ status: 'done' } & RampCapApplied)
  | {
      status: 'failed';
      instance: string;
      /** What stopped it (a `ListmonkError` from the client, usually); the app maps it. */
      error: unknown;
      /**
       * True when the failure came during or after the settings write (e.g. Listmonk did not come
       * back from the restart, or a v6 per-key write failed half-way): some ramp keys may be
       * stored. False: nothing was written to this instance.
       */
      mayHaveWritten: boolean;
    };

/** One stream's daily ramp cap and what happened on each of its Listmonk instances. */
export interface RampCapStreamResult extends RampCapPlan {
  stream: string;
  date: string;
  /** The warm-up start as a UTC date. */
  start: string;
  /** False before the start date (the day-0 cap is planned). */
  started: boolean;
  /** In the stream's configured order; empty when it feeds none. */
  instances: RampCapInstanceOutcome[];
}

/** What {@link runRampCap} reads and writes through. */
export interface RunRampCapOptions {
  date: DateLike;
  /** Write the settings; without it nothing is written (a dry run). */
  apply: boolean;
  /** Reload Listmonk when saved settings wait for a restart (interrupts a running campaign). */
  reload: boolean;
  holds: Pick<HoldsRepository, 'findActiveHold'>;
  /** Reads stamp files. */
  readFile: ReadTextFile;
  /** The Listmonk port for a configured instance name (see `createRampSettingsClient()`). */
  clientFor: (instance: string) => RampSettingsClient | Promise<RampSettingsClient>;
  /** Progress, for output as it happens (instances can take seconds: a save restarts Listmonk). */
  onEvent?: ((event: RampCapEvent) => void) | undefined;
}

/**
 * What {@link runRampCap} reports as it goes: a stream whose instances are about to be handled
 * (its plan, `instances` still filling), then each instance's outcome.
 */
export type RampCapEvent =
  | { type: 'stream'; result: RampCapStreamResult }
  | { type: 'instance'; stream: string; outcome: RampCapInstanceOutcome };

/**
 * The daily rampcap run (pw-listmonk-rampcap): for each stream, the warm-up day, the table's hourly
 * cap and any hold (cap = min(table, hold rate)), then each of its Listmonk instances brought to
 * that cap with `applyRampCap()`.
 *
 * Every stream is planned first — a broken stamp file or an unreadable holds table throws before
 * anything is written anywhere. Then instances are handled one by one and independently: one that
 * fails (unreachable, refused) is reported as `failed` and the others still get their cap, because
 * each stream's Listmonk is its own server and holding a healthy one back would leave it on
 * yesterday's cap (or past a hold). Safe to repeat: an instance already at its cap is not written.
 *
 * @example
 * const results = await runRampCap(streams, {
 *   date: '2026-06-06', apply: true, reload: false, holds: createHoldsRepository(db),
 *   readFile: (p) => readFile(p, 'utf8'),
 *   clientFor: (name) => createRampSettingsClient(createListmonkClient(instances[name])),
 * });
 */
export async function runRampCap(
  streams: readonly WarmupStream[],
  options: RunRampCapOptions,
): Promise<RampCapStreamResult[]> {
  const date = toUtcDate(options.date);
  const planned: { stream: WarmupStream; result: RampCapStreamResult }[] = [];
  for (const stream of streams) {
    const start = await readWarmupStart(stream.start, options.readFile);
    const day = warmupDay(start, date);
    const hold = await options.holds.findActiveHold(stream.name, date);
    const plan = planRampCap({ hourlyCap: stream.hourlyCap, day, hold });
    planned.push({
      stream,
      result: {
        ...plan,
        stream: stream.name,
        date,
        start: toUtcDate(start),
        started: day >= 0,
        instances: [],
      },
    });
  }
  for (const { stream, result } of planned) {
    options.onEvent?.({ type: 'stream', result });
    for (const instance of stream.listmonk) {
      const outcome = await applyOne(instance, result.cap, options);
      result.instances.push(outcome);
      options.onEvent?.({ type: 'instance', stream: stream.name, outcome });
    }
  }
  return planned.map((p) => p.result);
}

async function applyOne(
  instance: string,
  cap: number,
  options: RunRampCapOptions,
): Promise<RampCapInstanceOutcome> {
  let writing = false;
  try {
    const client = await options.clientFor(instance);
    const watched: RampSettingsClient = {
      getSettings: () => client.getSettings(),
      updateSettings: (changes) => {
        writing = true;
        return client.updateSettings(changes);
      },
      needsRestart: () => client.needsRestart(),
      reload: () => client.reload(),
    };
    const applied = await applyRampCap(instance, watched, cap, {
      apply: options.apply,
      reload: options.reload,
    });
    return { status: 'done', ...applied };
  } catch (error) {
    return { status: 'failed', instance, error, mayHaveWritten: writing };
  }
}
