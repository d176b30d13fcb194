import type { DayRange } from './day-table.js';
import type { SendingIp } from './plan-pool.js';

/** Where a stream's warm-up day 0 comes from: a date, or a stamp file of epoch seconds. */
export type WarmupStart = string | { stampFile: string };

/** Where a stream's `transport_maps` lives in Postfix. */
export interface StreamPostfix {
  /** Postfix config directory (`postconf -c`), e.g. /etc/postfix. */
  configDir: string;
  /** A master.cf service `name/type` whose `transport_maps` override holds the pool; absent: main.cf. */
  service?: string | undefined;
  /** Tables before the randmap, e.g. `hash:/etc/postfix/transport`. */
  lookupTables: readonly string[];
}

/** One sending stream as warm-up needs it (the config's `warmup.streams.<name>`, plus its name). */
export interface WarmupStream {
  name: string;
  ips: readonly SendingIp[];
  retired: readonly string[];
  /** The host's primary IP (the config's `warmup.primaryIp`): no pool transport may bind it. */
  primaryIp?: string | undefined;
  start: WarmupStart;
  pool: readonly DayRange[];
  hourlyCap: readonly DayRange[];
  dailyCeiling: number;
  listmonk: readonly string[];
  postfix: StreamPostfix;
}
