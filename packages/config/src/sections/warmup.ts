import { z } from 'zod';

/** One row of a table by warm-up day: days `from`..`to` (inclusive); no `to` means "and every later day". */
export interface DayRange {
  from: number;
  to?: number | undefined;
  value: number;
}

/**
 * The runbook's rotation-pool sizes by warm-up day (0-3 → 3 IPs, 4-7 → 5, 8-11 → 8, 12-17 → 12,
 * 18-24 → 16, 25+ → 19): the pw-mta-warmup schedule.
 */
export const RUNBOOK_POOL_TABLE: readonly DayRange[] = [
  { from: 0, to: 3, value: 3 },
  { from: 4, to: 7, value: 5 },
  { from: 8, to: 11, value: 8 },
  { from: 12, to: 17, value: 12 },
  { from: 18, to: 24, value: 16 },
  { from: 25, value: 19 },
];

/**
 * Hourly ramp caps by warm-up day. `runbook` is pw-listmonk-rampcap's table (0-1 → 50/h, 2-3 → 150,
 * 4-6 → 250, 7+ → 300). `sendgrid` follows SendGrid's ×1.4-a-day hourly ramp and `sparkpost`
 * SparkPost's daily ramp (200, 500, 1k, 2k, …) spread over 10 sending hours; both stop where ten
 * hours at the cap would reach the runbook's 4,000/day ceiling.
 */
export const RAMP_PRESETS = {
  runbook: [
    { from: 0, to: 1, value: 50 },
    { from: 2, to: 3, value: 150 },
    { from: 4, to: 6, value: 250 },
    { from: 7, value: 300 },
  ],
  sendgrid: [
    { from: 0, to: 0, value: 20 },
    { from: 1, to: 1, value: 28 },
    { from: 2, to: 2, value: 39 },
    { from: 3, to: 3, value: 55 },
    { from: 4, to: 4, value: 77 },
    { from: 5, to: 5, value: 108 },
    { from: 6, to: 6, value: 151 },
    { from: 7, to: 7, value: 211 },
    { from: 8, to: 8, value: 295 },
    { from: 9, value: 400 },
  ],
  sparkpost: [
    { from: 0, to: 0, value: 20 },
    { from: 1, to: 1, value: 50 },
    { from: 2, to: 2, value: 100 },
    { from: 3, to: 3, value: 200 },
    { from: 4, value: 400 },
  ],
} as const satisfies Record<string, readonly DayRange[]>;

/** Names of the built-in hourly ramps. */
export type RampPreset = keyof typeof RAMP_PRESETS;

/** The runbook's hard rule: never more than ~4,000 messages a day per stream. */
export const DEFAULT_DAILY_CEILING = 4000;
/** Hours a day a stream sends at its cap; the runbook's "~daily total" column assumes about ten. */
export const DEFAULT_SENDING_HOURS = 10;

const IPV4 = z.ipv4({ error: 'must be an IPv4 address such as 203.0.113.10' });
const NAME = /^[a-z][a-z0-9_-]*$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One sending IP: bound to `interface` as `address/prefix`, used by master.cf transport `transport`. */
export const SendingIpSection = z.strictObject({
  address: IPV4.describe('the IPv4 address, e.g. 207.174.124.94'),
  prefix: z.number().int().min(1).max(32).describe('prefix length for `ip addr add`, e.g. 23'),
  interface: z
    .string()
    .regex(/^[a-zA-Z0-9_.:@-]{1,15}$/, 'must be a network interface name such as ens18')
    .describe('the interface the address lives on, e.g. ens18'),
  transport: z
    .string()
    .regex(NAME, 'must be a master.cf service name: lower-case letters, digits, - or _')
    .describe('the master.cf smtp transport bound to this address, e.g. out05'),
  helo: z
    .string()
    .regex(HOSTNAME, 'must be a fully qualified host name')
    .describe('HELO name, equal to the PTR of the address (FCrDNS), e.g. mta05.example.net'),
});

const DayRangeSection = (unit: string) =>
  z.strictObject({
    from: z.number().int().min(0).describe('first warm-up day of the range'),
    to: z.number().int().min(0).optional().describe('last warm-up day (inclusive); omit on the last range'),
    value: z.number().int().positive().describe(unit),
  });

/** A table by warm-up day that covers every day from 0 on exactly once (checked on its own, so a
 * broken table is reported even when another part of the stream is broken too). */
const DayTableSection = (what: string, unit: string, mustGrow: boolean) =>
  z
    .array(DayRangeSection(unit))
    .min(1)
    .superRefine((table, ctx) => {
      for (const problem of listDayTableProblems(table, [], what)) {
        ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
      }
      if (!mustGrow) return;
      table.forEach((range, i) => {
        const previous = table[i - 1];
        if (previous !== undefined && range.value < previous.value) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'value'],
            message: `${what} ${range.value} is smaller than ${previous.value} before it; the pool only grows`,
          });
        }
      });
    });

const isRealDate = (s: string) => {
  if (!ISO_DATE.test(s)) return true; // the regex reports it
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** Where a stream's warm-up day 0 comes from: a date, or a stamp file holding epoch seconds. */
export const WarmupStartSection = z.union(
  [
    z
      .string()
      .regex(ISO_DATE, 'must be a date YYYY-MM-DD or { "stampFile": PATH }')
      .refine(isRealDate, 'is not a real calendar date'),
    z.strictObject({
      stampFile: z
        .string()
        .min(1)
        .describe('file holding the start as epoch seconds, e.g. /etc/postfix/pw-warmup-start'),
    }),
  ],
  { error: 'must be a date YYYY-MM-DD or { "stampFile": PATH }' },
);

/** Where a stream's `transport_maps` lives in Postfix. */
export const StreamPostfixSection = z.strictObject({
  // Becomes the argument of `postconf -c`, `postfix -c` and `postqueue -c` (ops checks it again there).
  configDir: z
    .string()
    .refine(
      (dir) => /^\/[A-Za-z0-9_./-]*$/.test(dir) && !dir.split('/').includes('..'),
      'must be an absolute path of letters, digits, _ . / - without .. (such as /etc/postfix-hc)',
    )
    .default('/etc/postfix')
    .describe('Postfix config directory (`postconf -c`); a second instance has its own'),
  service: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]*\/(unix|inet|fifo|pass|unix-dgram)$/,
      'must look like name/type, e.g. hcrewrite/unix',
    )
    .optional()
    .describe(
      'set transport_maps as a master.cf override of this trivial-rewrite service (`postconf -P`) instead of main.cf',
    ),
  lookupTables: z
    .array(
      z.string().regex(/^[a-z_]+:\S+$/, 'must be a Postfix lookup table such as hash:/etc/postfix/transport'),
    )
    .default(['hash:/etc/postfix/transport'])
    .describe('tables consulted before the rotation randmap (the hold: backstop lives in the first)'),
});

/** One sending stream (trucking, healthcare): its IPs, warm-up start, ramp tables and Listmonk. */
export const WarmupStreamSection = z
  .strictObject({
    ips: z
      .array(SendingIpSection)
      .min(1, 'a stream needs at least one sending IP')
      .describe('sending IPs in the order they join the rotation pool (front first)'),
    retired: z
      .array(IPV4)
      .default([])
      .describe('burned IPs that must never rotate again (and must not appear in ips)'),
    start: WarmupStartSection.describe('warm-up day 0'),
    ramp: z
      .enum(Object.keys(RAMP_PRESETS) as [RampPreset, ...RampPreset[]])
      .default('runbook')
      .describe('built-in hourly cap table used when hourlyCap is absent'),
    pool: DayTableSection('pool size', 'IPs in the rotation pool', true)
      .optional()
      .describe('pool size by warm-up day; default the runbook table (3 → 19 IPs)'),
    hourlyCap: DayTableSection('hourly cap', 'messages per hour', false)
      .optional()
      .describe('Listmonk sliding-window cap by warm-up day; default the `ramp` preset'),
    dailyCeiling: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_DAILY_CEILING)
      .describe('hard daily maximum for the stream (runbook: never more than ~4,000/day)'),
    sendingHours: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(DEFAULT_SENDING_HOURS)
      .describe('hours a day sent at the cap; cap × sendingHours must stay within dailyCeiling'),
    listmonk: z
      .array(z.string().regex(NAME))
      .default([])
      .describe('names of the listmonk.instances this stream feeds (rampcap sets their sliding window)'),
    postfix: StreamPostfixSection.default({
      configDir: '/etc/postfix',
      lookupTables: ['hash:/etc/postfix/transport'],
    }),
  })
  .transform(({ pool, hourlyCap, ...rest }) => ({
    ...rest,
    pool: pool ?? RUNBOOK_POOL_TABLE.map((r) => ({ ...r })),
    hourlyCap: hourlyCap ?? RAMP_PRESETS[rest.ramp].map((r) => ({ ...r })),
  }));

/** `warmup`: the host's sending streams and their IP warm-up. */
export const WarmupSection = z
  .strictObject({
    primaryIp: IPV4.optional().describe(
      "the host's primary IP: Postfix's fallback when a bind fails, never a sending IP",
    ),
    streams: z
      .record(z.string().regex(NAME, 'stream names are lower-case words'), WarmupStreamSection)
      .default({}),
  })
  .superRefine((warmup, ctx) => {
    for (const problem of listWarmupProblems(warmup)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
  })
  .describe('IP warm-up: sending streams, pools and ramp caps');

/** The parsed `warmup` section. */
export type WarmupConfig = z.output<typeof WarmupSection>;
/** One parsed stream. */
export type WarmupStreamConfig = WarmupConfig['streams'][string];
/** One sending IP. */
export type SendingIp = z.output<typeof SendingIpSection>;

interface Problem {
  path: (string | number)[];
  message: string;
}

/** The parts of a stream the cross-checks read, taken defensively: zod runs them even when some
 * field failed (so every problem is listed at once), and then defaults were not applied. */
interface StreamView {
  ips: { address: string; transport: string }[];
  retired: string[];
  hourlyCap: { value: number }[];
  dailyCeiling: number;
  sendingHours: number;
  postfix: { configDir: string; service?: string | undefined };
}

function viewStream(raw: unknown): StreamView {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const array = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const object = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
  const ramp = str(r.ramp) ?? 'runbook';
  const cap = r.hourlyCap ?? (ramp in RAMP_PRESETS ? RAMP_PRESETS[ramp as RampPreset] : []);
  const postfix = object(r.postfix);
  return {
    ips: array(r.ips).map((ip) => ({
      address: str(object(ip).address) ?? '',
      transport: str(object(ip).transport) ?? '',
    })),
    retired: array(r.retired).filter((a): a is string => typeof a === 'string'),
    hourlyCap: array(cap).map((range) => ({ value: num(object(range).value, 0) })),
    dailyCeiling: num(r.dailyCeiling, DEFAULT_DAILY_CEILING),
    sendingHours: num(r.sendingHours, DEFAULT_SENDING_HOURS),
    postfix: { configDir: str(postfix.configDir) ?? '/etc/postfix', service: str(postfix.service) },
  };
}

/** Every problem in a warmup section that a per-field schema cannot see. */
function listWarmupProblems(warmup: { primaryIp?: string | undefined; streams: unknown }): Problem[] {
  const problems: Problem[] = [];
  const streams = Object.entries(
    typeof warmup.streams === 'object' && warmup.streams !== null ? warmup.streams : {},
  ).map(([name, raw]) => [name, viewStream(raw)] as const);
  const activeOwner = new Map<string, string>();
  const retiredOwner = new Map<string, string>();
  const transportOwner = new Map<string, string>();
  const mapsOwner = new Map<string, string>();

  for (const [name, stream] of streams) {
    const at = (...rest: (string | number)[]) => ['streams', name, ...rest];
    stream.hourlyCap.forEach((range, i) => {
      if (range.value > stream.dailyCeiling) {
        problems.push({
          path: at('hourlyCap', i, 'value'),
          message: `hourly cap ${range.value} is above the daily ceiling ${stream.dailyCeiling}`,
        });
      } else if (range.value * stream.sendingHours > stream.dailyCeiling) {
        problems.push({
          path: at('hourlyCap', i, 'value'),
          message: `hourly cap ${range.value} × ${stream.sendingHours} sending hours = ${range.value * stream.sendingHours}/day is above the daily ceiling ${stream.dailyCeiling}; lower the cap or sendingHours, or raise dailyCeiling`,
        });
      }
    });

    for (const address of stream.retired) retiredOwner.set(address, retiredOwner.get(address) ?? name);
    const seen = new Set<string>();
    stream.ips.forEach((ip, i) => {
      if (ip.address === '' || ip.transport === '') return;
      if (seen.has(ip.address)) {
        problems.push({ path: at('ips', i, 'address'), message: `${ip.address} is listed twice` });
      }
      seen.add(ip.address);
      const transportUser = transportOwner.get(ip.transport);
      if (transportUser !== undefined) {
        problems.push({
          path: at('ips', i, 'transport'),
          message: `transport ${ip.transport} is already used by ${transportUser}; each IP needs its own master.cf transport`,
        });
      } else {
        transportOwner.set(ip.transport, `${name} ${ip.address}`);
      }
      if (ip.address === warmup.primaryIp) {
        problems.push({
          path: at('ips', i, 'address'),
          message: `${ip.address} is the host's primaryIp; the primary is the bind fallback and must not be a sending IP`,
        });
      }
    });
    for (const [i, ip] of stream.ips.entries()) {
      if (ip.address === '') continue;
      const owner = activeOwner.get(ip.address);
      if (owner !== undefined && owner !== name) {
        problems.push({
          path: at('ips', i, 'address'),
          message: `${ip.address} is a sending IP of both ${owner} and ${name}; an IP belongs to one stream`,
        });
      } else {
        activeOwner.set(ip.address, name);
      }
    }

    const mapsKey = `${stream.postfix.configDir} ${stream.postfix.service ?? 'main.cf'}`;
    const mapsUser = mapsOwner.get(mapsKey);
    if (mapsUser !== undefined) {
      problems.push({
        path: at('postfix'),
        message: `streams ${mapsUser} and ${name} would both write transport_maps of ${stream.postfix.service ?? 'main.cf'} in ${stream.postfix.configDir}; give one a postfix.service or configDir`,
      });
    } else {
      mapsOwner.set(mapsKey, name);
    }
  }

  // A burned IP listed as a sending IP (in its own stream or another) would rotate again: the
  // June 2 remediation had to patch the warm-up script by hand to stop exactly that.
  for (const [name, stream] of streams) {
    stream.ips.forEach((ip, i) => {
      const retiredIn = retiredOwner.get(ip.address);
      if (retiredIn === undefined) return;
      problems.push({
        path: ['streams', name, 'ips', i, 'address'],
        message:
          retiredIn === name
            ? `${ip.address} is retired but still listed among the sending IPs; remove it from ips`
            : `${ip.address} is retired in stream ${retiredIn} but a sending IP of ${name}; a burned IP never rotates again`,
      });
    });
  }
  return problems;
}

/** Gaps, overlaps and open ends in one day table; the table must cover every day from 0 on exactly once. */
function listDayTableProblems(
  table: readonly DayRange[],
  path: (string | number)[],
  what: string,
): Problem[] {
  const problems: Problem[] = [];
  let nextDay = 0;
  table.forEach((range, i) => {
    const last = i === table.length - 1;
    if (range.to !== undefined && range.to < range.from) {
      problems.push({ path: [...path, i], message: `range ${range.from}-${range.to} ends before it starts` });
    }
    if (range.from > nextDay) {
      problems.push({
        path: [...path, i, 'from'],
        message: `gap: no ${what} for day${range.from - 1 > nextDay ? `s ${nextDay}-${range.from - 1}` : ` ${nextDay}`}`,
      });
    } else if (range.from < nextDay) {
      problems.push({
        path: [...path, i, 'from'],
        message: `overlap: day${nextDay - 1 > range.from ? `s ${range.from}-${nextDay - 1} are` : ` ${range.from} is`} already covered by an earlier range`,
      });
    }
    if (range.to === undefined && !last) {
      problems.push({
        path: [...path, i, 'to'],
        message: 'only the last range may omit `to`; this one would cover every later day',
      });
    }
    if (range.to !== undefined && last) {
      problems.push({
        path: [...path, i, 'to'],
        message: `the last range must omit \`to\` so every day after ${range.to} has a ${what}`,
      });
    }
    nextDay = Math.max(nextDay, (range.to ?? Number.POSITIVE_INFINITY) + 1, range.from + 1);
  });
  return problems;
}
