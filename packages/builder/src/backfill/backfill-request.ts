import { z } from 'zod';
import { isIsoDate } from '../calendar/calendar-date.js';
import { BuilderError } from '../errors.js';
import { VERTICALS, type Vertical } from '../segments/default-segments.js';
import { AUDIENCE_TABLES, type AudienceTable } from '../selection/audience-tables.js';

const KEY_TYPES = { dot_number: 'bigint', npi: 'text' } as const;

/** What a backfill resets in each vertical: the builder's audience table and key, and the key's SQL type. */
export interface BackfillTarget {
  table: AudienceTable['table'];
  key: AudienceTable['key'];
  keyType: (typeof KEY_TYPES)[AudienceTable['key']];
}

/** The audience table and key each vertical's backfill resets (derived from AUDIENCE_TABLES). */
export const BACKFILL_VERTICALS = Object.fromEntries(
  VERTICALS.map((v) => {
    const { table, key } = AUDIENCE_TABLES[v];
    return [v, { table, key, keyType: KEY_TYPES[key] }];
  }),
) as Record<Vertical, BackfillTarget>;

export type BackfillVertical = Vertical;

/** Which rows a backfill resets. The window on listmonk_sent_at is half-open: [sentFrom, sentTo). */
export interface BackfillFilter {
  vertical: BackfillVertical;
  sentFrom: Date;
  sentTo: Date;
  /** email_verify_result values to keep (absent: any). */
  verify?: string[] | undefined;
  /** mx_provider values to leave alone; rows with no operator yet are never excluded. */
  excludeOperators?: string[] | undefined;
  /** Only these mx_provider values. */
  includeOperators?: string[] | undefined;
  /** Only recipients whose last scheduled send (send_ledger) was for this segment. */
  segment?: string | undefined;
  /** At most this many rows, lowest keys first. */
  limit?: number | undefined;
}

/** Backfill names become part of a table name, so they are short lower-case words. */
export const BACKFILL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

const word = z.string().regex(/^[a-z0-9_:.-]{1,100}$/, 'must be a lower-case word (a-z, 0-9, _ : . -)');
const instant = z.union([z.date(), z.string().min(1)]).transform((value, ctx) => {
  const date = typeof value === 'string' ? parseInstant(value) : value;
  if (date === undefined || Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an ISO date that exists (2026-06-01) or date-time with offset (2026-06-18T00:31Z), years 2000–2199',
    });
    return z.NEVER;
  }
  return date;
});
const list = z
  .union([z.array(word), z.string()])
  .transform((value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
      : value,
  )
  .pipe(z.array(word).min(1, 'must name at least one value'));

const FilterSchema = z
  .strictObject({
    vertical: z.enum(VERTICALS),
    sentFrom: instant,
    sentTo: instant,
    verify: list.optional(),
    excludeOperators: list.optional(),
    includeOperators: list.optional(),
    segment: word.optional(),
    limit: z.coerce.number().int().positive().optional(),
  })
  .superRefine((filter, ctx) => {
    if (filter.sentFrom.getTime() >= filter.sentTo.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['sentTo'], message: 'must be after sentFrom' });
    }
    if (filter.excludeOperators !== undefined && filter.includeOperators !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['includeOperators'],
        message: 'give either includeOperators or excludeOperators, not both',
      });
    }
  });

/**
 * A date-only value means midnight UTC; a date-time must carry an offset or Z. A date or time that
 * does not exist (2026-11-31, 24:00) is refused: JavaScript's Date would roll it over to another day.
 */
function parseInstant(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return isIsoDate(text) && inSupportedYears(text) ? new Date(`${text}T00:00:00Z`) : undefined;
  }
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/i.exec(
    text,
  );
  if (m === null) return undefined;
  const [, date, hh, mm, ss, , oh, om] = m;
  if (!isIsoDate(date as string) || !inSupportedYears(date as string)) return undefined;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return undefined;
  if (oh !== undefined && (Number(oh) > 14 || Number(om) > 59)) return undefined;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Mail was not sent before 2000, and a date past 2199 is a typo (and overflows date arithmetic). */
function inSupportedYears(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return year >= 2000 && year <= 2199;
}

/**
 * Validates a backfill filter (from flags, a script or the stored registry row).
 *
 * @example
 * parseBackfillFilter({ vertical: 'trucking', sentFrom: '2026-06-01', sentTo: '2026-06-18T00:31Z',
 *   verify: 'smtp_valid,send_confirmed', excludeOperators: 'google' });
 */
export function parseBackfillFilter(value: unknown): BackfillFilter {
  const result = FilterSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`);
  throw new BuilderError('BACKFILL_INVALID', `invalid backfill filter: ${problems.join('; ')}`);
}

/** Validates a backfill name: 1–40 characters, a-z, 0-9 and _, starting with a letter. */
export function parseBackfillName(value: unknown): string {
  if (typeof value !== 'string' || !BACKFILL_NAME_PATTERN.test(value)) {
    throw new BuilderError(
      'BACKFILL_INVALID',
      `invalid backfill name ${JSON.stringify(value)}: use 1–40 characters a-z, 0-9 and _, starting with a letter (e.g. resend_dkim_20260622)`,
    );
  }
  return value;
}

/** The backup table of a backfill. Only ever derived from a name that passed parseBackfillName(). */
export function backupTableNameOf(name: string): string {
  return `backfill_${parseBackfillName(name)}`;
}

/** The filter as stored in the registry (JSON: instants as ISO strings, absent keys left out). */
export function serializeBackfillFilter(filter: BackfillFilter): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({
      ...filter,
      sentFrom: filter.sentFrom.toISOString(),
      sentTo: filter.sentTo.toISOString(),
    }).filter(([, v]) => v !== undefined),
  );
}
