/** Input of {@link planTransportMaps}. */
export interface PlanTransportMapsInput {
  /** Tables consulted first, in order (the `hold:` backstop lives in the first). */
  lookupTables: readonly string[];
  /** Transports of the rotation pool, in list order. */
  transports: readonly string[];
  /**
   * Join with `,` only: a master.cf `-o` value may not contain whitespace (`postconf -P` refuses it).
   * Default false: `, ` as main.cf is usually written.
   */
  compact?: boolean;
}

/**
 * The Postfix `transport_maps` value for a pool: the lookup tables, then a `randmap` that picks one
 * pool transport per message — `hash:/etc/postfix/transport, randmap:{out05:,out06:,out07:}`. An empty
 * pool leaves only the lookup tables (mail then uses default_transport).
 */
export function planTransportMaps(input: PlanTransportMapsInput): string {
  const parts = [...input.lookupTables];
  if (input.transports.length > 0) parts.push(`randmap:{${input.transports.map((t) => `${t}:`).join(',')}}`);
  return parts.join(input.compact === true ? ',' : ', ');
}

/** A `transport_maps` value taken apart. */
export interface ParsedTransportMaps {
  lookupTables: string[];
  /** Transports named in the randmap (nexthops dropped), in order; empty when there is none. */
  transports: string[];
}

/**
 * Takes a `transport_maps` value apart (as `postconf -h transport_maps` prints it): lookup tables and
 * the rotation randmap's transports. Tolerates spaces or commas between tables and inside the braces.
 */
export function parseTransportMaps(value: string): ParsedTransportMaps {
  const lookupTables: string[] = [];
  const transports: string[] = [];
  const tokens = value.trim().match(/[a-z_]+:\{[^}]*\}|[^\s,]+/gi) ?? [];
  for (const token of tokens) {
    const randmap = /^randmap:\{([^}]*)\}$/i.exec(token);
    if (randmap === null) {
      lookupTables.push(token);
      continue;
    }
    for (const entry of randmap[1]!.split(/[\s,]+/)) {
      const transport = entry.trim().split(':')[0]!;
      if (transport !== '') transports.push(transport);
    }
  }
  return { lookupTables, transports };
}

/** Whether two `transport_maps` values are the same list (spacing and separators aside). */
export function sameTransportMaps(a: string, b: string): boolean {
  const normalize = (v: string) =>
    v
      .trim()
      .replace(/\s*,\s*|\s+/g, ',')
      .replace(/\{,|,\}/g, (m) => m.replace(',', ''));
  return normalize(a) === normalize(b);
}
