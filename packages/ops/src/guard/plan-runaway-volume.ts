/** Deliveries of one sending IP in one hour of a log day, as `report_hours` stores them. */
export interface HourVolume {
  day: string;
  hour: number;
  ip: string;
  sent: number;
  deferred: number;
  bounced: number;
}

/** A stream as the runaway check sees it: its sending IPs (retired ones too) and its hourly cap per day. */
export interface RunawayStream {
  name: string;
  ips: readonly string[];
  /** The stream's hourly ramp cap by the warm-up table on a log day (YYYY-MM-DD). */
  capOn: (day: string) => number;
}

/** Options of {@link planRunawayVolume}. */
export interface RunawayOptions {
  /** Trips above cap × (1 + margin). */
  margin: number;
  /** Deliveries an hour needs before it is judged. */
  minMessages: number;
}

/** One hour over the line: the stream's deliveries from all its IPs, and each IP's share. */
export interface RunawayHour {
  day: string;
  hour: number;
  deliveries: number;
  cap: number;
  threshold: number;
  byIp: Record<string, number>;
}

/** A stream whose hourly volume ran away: the `runaway_volume` alarm, scoped to the stream. */
export interface RunawayAlarm {
  alarm: 'runaway_volume';
  stream: string;
  message: string;
  action: string;
  hours: RunawayHour[];
  /** The worst hour's figures and the IPs seen, for the alarm's evidence. */
  counts: Record<string, number>;
}

const ACTION =
  'STOP: more mail left in an hour than the ramp cap allows — a campaign is sending outside the build (created directly in Listmonk?) or the sliding window is off; find the campaign, check Listmonk’s sliding-window settings (mailramp ops rampcap run), and resume only once the cause is fixed';

/**
 * The runbook's May 30 blast (29,000 sends in a day on cold IPs) as an alarm: per stream and log
 * hour, the deliveries (sent + deferred + bounced attempts) from the stream's IPs above the stream's
 * hourly cap × (1 + margin), whoever created the campaign. Listmonk's sliding window is per
 * instance, so the stream's total is what the cap limits; a single IP above the line is included.
 * Pure.
 *
 * @example
 * planRunawayVolume(hours, [{ name: 'trucking', ips, capOn: () => 50 }], { margin: 1, minMessages: 100 });
 */
export function planRunawayVolume(
  hours: readonly HourVolume[],
  streams: readonly RunawayStream[],
  options: RunawayOptions,
): RunawayAlarm[] {
  const alarms: RunawayAlarm[] = [];
  for (const stream of streams) {
    const ips = new Set(stream.ips);
    const byHour = new Map<string, { day: string; hour: number; byIp: Record<string, number> }>();
    for (const h of hours) {
      if (!ips.has(h.ip)) continue;
      const key = `${h.day} ${h.hour}`;
      const entry = byHour.get(key) ?? { day: h.day, hour: h.hour, byIp: {} };
      entry.byIp[h.ip] = (entry.byIp[h.ip] ?? 0) + h.sent + h.deferred + h.bounced;
      byHour.set(key, entry);
    }
    const over: RunawayHour[] = [];
    for (const { day, hour, byIp } of byHour.values()) {
      const deliveries = Object.values(byIp).reduce((a, b) => a + b, 0);
      const cap = stream.capOn(day);
      const threshold = Math.max(options.minMessages, Math.floor(cap * (1 + options.margin)));
      if (deliveries > threshold) over.push({ day, hour, deliveries, cap, threshold, byIp });
    }
    if (over.length === 0) continue;
    over.sort((a, b) => a.day.localeCompare(b.day) || a.hour - b.hour);
    const worst = over.reduce((a, b) => (b.deliveries > a.deliveries ? b : a));
    const hh = (h: RunawayHour) => `${h.day} ${String(h.hour).padStart(2, '0')}:00`;
    alarms.push({
      alarm: 'runaway_volume',
      stream: stream.name,
      message: `${stream.name}: ${worst.deliveries} deliveries in the hour ${hh(worst)} UTC against an hourly cap of ${worst.cap} (line ${worst.threshold}); ${over.length} hour(s) over, from ${Object.keys(worst.byIp).sort().join(', ')}`,
      action: ACTION,
      hours: over,
      counts: {
        deliveries: worst.deliveries,
        cap: worst.cap,
        threshold: worst.threshold,
        hours: over.length,
        ...worst.byIp,
      },
    });
  }
  return alarms;
}
