import type { RampHold } from '@mailramp/ops';
import type { Session } from '../session.js';

/** One stream's warm-up on a date, as the service shows and exports it. */
export type WarmupStreamStatus =
  | {
      stream: string;
      /** Day 0 of the warm-up (the configured date, or the stamp file's day). */
      start: string;
      /** Whole UTC days since the start; negative before it. */
      day: number;
      /** How many IPs the pool table asks for today. */
      poolTarget: number;
      /**
       * The IPs in rotation by the table (the first `poolTarget` not retired, in list order): what
       * the warm-up job sets. Read from the config, not from Postfix, so a read costs no command.
       */
      pool: string[];
      /** The hourly cap the table gives today. */
      tableCap: number;
      /** The cap in force: the table's, or a hold's rate below it. */
      hourlyCap: number;
      /** The hold that applies today, if any. */
      hold: RampHold | null;
      dailyCeiling: number;
      error?: undefined;
    }
  | {
      stream: string;
      /** Why this stream's status could not be read (an unreadable stamp file). */
      error: string;
    };

/**
 * Every configured stream's warm-up day, pool, hourly cap and hold on `date` (default today). Read
 * only; a stream whose start cannot be read reports its error instead of failing the others.
 */
export async function readWarmupStatus(
  session: Session,
  options: { date?: string | undefined } = {},
): Promise<{ date: string; streams: WarmupStreamStatus[] }> {
  const [o, { dateOption }] = await Promise.all([import('@mailramp/ops'), import('./select-streams.js')]);
  const date = dateOption(options.date, session.now);
  const configured = Object.entries(session.config.warmup.streams);
  if (configured.length === 0) return { date, streams: [] };
  const holds = o.createHoldsRepository(await session.db());
  const streams = await Promise.all(
    configured.map(async ([name, stream]): Promise<WarmupStreamStatus> => {
      let start: string;
      try {
        start = o.toUtcDate(await o.readWarmupStart(stream.start, session.readTextFile));
      } catch (error) {
        return { stream: name, error: (error as Error).message };
      }
      const day = o.warmupDay(start, date);
      const pool = o.planPool({ ips: stream.ips, retired: stream.retired, table: stream.pool, day });
      const hold = await holds.findActiveHold(name, date);
      const cap = o.planRampCap({ hourlyCap: stream.hourlyCap, day, hold });
      return {
        stream: name,
        start,
        day,
        poolTarget: pool.target,
        pool: pool.pool.map((ip) => ip.address),
        tableCap: cap.tableCap,
        hourlyCap: cap.cap,
        hold: hold ?? null,
        dailyCeiling: stream.dailyCeiling,
      };
    }),
  );
  return { date, streams };
}
