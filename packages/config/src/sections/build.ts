import { z } from 'zod';

const SEGMENT_ID = z.string().regex(/^[a-z][a-z0-9_]*$/, 'segment ids are lower-case words (a-z, 0-9, _)');
const OPERATOR = z.string().min(1).toLowerCase();
const DAYS = z.number().int().min(-3650).max(3650);

/** Which rows a segment selects. Columns are whitelisted per vertical by the builder. */
export const SegmentRuleSection = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('mcs150'),
    dueSoonDays: z
      .number()
      .int()
      .min(0)
      .max(366)
      .default(45)
      .describe('Also select carriers whose biennial update falls due within this many days'),
  }),
  z.strictObject({
    kind: z.literal('equals'),
    column: z.string().min(1).describe('A text column of the vertical table, e.g. status_code'),
    value: z.string(),
  }),
  z.strictObject({
    kind: z.literal('flag'),
    attribute: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .describe('A JSON array in the attributes column, e.g. deficiency_flags'),
    anyOf: z.array(z.string().min(1)).min(1).describe('Select rows whose array holds any of these flags'),
  }),
  z.strictObject({
    kind: z.literal('date_window'),
    column: z.string().min(1).describe('A date column, e.g. add_date, revalidation_due'),
    fromDays: DAYS.nullable().describe('Window start relative to the build date (null = no lower bound)'),
    toDays: DAYS.nullable().describe('Window end relative to the build date, inclusive (null = no bound)'),
  }),
  z.strictObject({
    kind: z.literal('filing_cycle'),
    calendar: z.enum(['ifta', 'ucr']).describe('IFTA quarterly returns or UCR annual registration'),
    touchBusinessDays: z
      .array(z.number().int().min(1).max(120))
      .min(1)
      .max(6)
      .describe('Business days before the due date of each touch, earliest first (IFTA 10,7,4; UCR 30,12,4)'),
  }),
  z.strictObject({ kind: z.literal('all') }),
]);

/** One segment: what it selects, its priority, and — always explicitly — its template and landing page. */
export const SegmentSection = z.strictObject({
  rule: SegmentRuleSection,
  priority: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .describe('Lower wins: a recipient matching several segments gets only the lowest-priority one'),
  template: z.string().min(1).describe('Template name under templates/<vertical>/ (no fallback)'),
  landingPage: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'a landing page is an order slug like mcs150-update')
    .describe('Order page slug: lp_link = <siteUrl>/order/<slug>?dot=… (no fallback page)'),
  subject: z.string().min(1).max(500).optional().describe('Campaign subject (default: from the template)'),
  data: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Build-time values for this segment\'s template, e.g. {"deficiency": {"title": …}}'),
  takesDeactivated: z
    .boolean()
    .optional()
    .describe(
      'Healthcare: this segment may mail a deactivated NPI (reactivation reminders), unless NPPES gives the reason as death (DT) or disbandment (DB); every other segment never does',
    ),
  enabled: z.boolean().default(true),
});

/** A coupon code: letters, digits, `_` and `-`, and `{yyyymmdd}` for the build date. */
const CouponCode = z
  .string()
  .regex(/^(?:[A-Za-z0-9_-]|\{yyyymmdd\})+$/, 'letters, digits, _ and - (and {yyyymmdd} for the build date)');

/** A vertical's sending setup: Listmonk instance, sender, morning hour, segments. */
export const VerticalSection = z.strictObject({
  listmonkInstance: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .optional()
    .describe('Name under listmonk.instances (default: the vertical name)'),
  fromEmail: z.string().min(3).optional().describe('"Name <address>" the campaigns are sent from'),
  siteUrl: z.url().optional().describe('Landing-page site, e.g. https://example.com'),
  coupon: z
    .union([
      CouponCode,
      z.strictObject({
        arms: z
          .array(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9_-]+$/), code: CouponCode }))
          .min(2, 'give at least 2 arms (a single code needs no arms)')
          .refine((arms) => new Set(arms.map((a) => a.name)).size === arms.length, 'arm names must differ'),
      }),
    ])
    .optional()
    .describe(
      'Coupon appended to lp_link as &code= and kept as the coupon attribute: one code, or { arms: [{ name, code }, …] } with each recipient in one arm by a stable hash of the e-mail (coupon_arm). "{yyyymmdd}" in a code becomes the build date: one code per day per arm',
    ),
  filedLinkSecret: z
    .string()
    .min(32)
    .optional()
    .describe(
      'Secret (32+ characters) signing the "I already filed" link of cycle reminders (IFTA, UCR): with it each recipient of a cycle segment gets a filed_link attribute; `mailramp audience mark-filed LINK` records the filing so the build skips them until the next cycle',
    ),
  morningHour: z.number().int().min(0).max(23).optional().describe('Local hour campaigns start (default 9)'),
  morningMinute: z.number().int().min(0).max(59).optional(),
  defaultTimeZone: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Zone group for recipients with no usable state (eastern, central, mountain, pacific, …; default central)',
    ),
  listmonkTemplate: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .describe(
      'Listmonk campaign template the vertical\'s campaigns use, kept in Listmonk by mailramp from templates/listmonk/<name>.html (default "mailramp": {{ template "content" . }} alone, so the body is the whole mail — one document, one unsubscribe link, one open pixel)',
    ),
  templateData: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Build-time values every template of the vertical reads, e.g. "sender": {name, street, city, state, zip, reply_to, disclaimer} (the CAN-SPAM postal address)',
    ),
  segments: z
    .record(SEGMENT_ID, SegmentSection)
    .optional()
    .describe('Added or replaced segments by id (each names its template and landing page)'),
  disabledSegments: z
    .array(SEGMENT_ID)
    .optional()
    .describe('Shipped segments switched off, e.g. ["new_carrier"]'),
});

/** One row of a per-operator cap table: caps apply up to and including warm-up day `untilDay`. */
export const OperatorCapRowSection = z.strictObject({
  untilDay: z.number().int().min(0).nullable().describe('null: every later day'),
  big: z.number().int().min(0).describe('Daily cap for each big operator'),
  other: z.number().int().min(0).describe('Daily cap for each other operator'),
});

/** `build`: the daily build's rules. Absent keys take the original system's defaults. */
export const BuildSection = z
  .strictObject({
    excludeOperators: z
      .array(OPERATOR)
      .optional()
      .describe(
        'Operators held out of cold sends (ids of the operator table). Absent: the warm-up default set. Env MAIN_EXCLUDE_OPERATORS (comma list) replaces it; set but empty is unset; `none` holds nobody.',
      ),
    excludeOperatorsUntilDay: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('The default warm-up exclusion set applies before this warm-up day (default 30)'),
    sendable: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('email_verify_result values that may be mailed (default smtp_valid, send_confirmed)'),
    catchAll: z
      .strictObject({
        mode: z
          .enum(['auto', 'include', 'exclude'])
          .optional()
          .describe('auto: from fromDay while the bounce rate is healthy; include/exclude force it'),
        results: z.array(z.string().min(1)).optional(),
        fromDay: z.number().int().min(0).optional(),
        maxBounceRate: z.number().min(0).max(1).optional(),
        minSends: z.number().int().min(0).optional(),
      })
      .optional(),
    operatorCaps: z
      .strictObject({
        big: z.array(OPERATOR).optional().describe('Operators capped by the big column'),
        table: z.array(OperatorCapRowSection).min(1).optional(),
        operators: z
          .record(OPERATOR, z.number().int().min(0))
          .optional()
          .describe('Fixed daily cap per operator; 0 = excluded'),
        unclassified: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Daily cap for rows with no operator yet (never excluded)'),
      })
      .optional(),
    dailyCaps: z
      .array(z.strictObject({ fromDay: z.number().int().min(0), cap: z.number().int().min(0).max(4000) }))
      .min(1)
      .optional()
      .describe('Total daily cap by warm-up day (the row with the greatest fromDay ≤ day applies)'),
    ceiling: z
      .number()
      .int()
      .min(0)
      .max(4000)
      .optional()
      .describe('Hard ceiling on recipients a day, never above 4,000'),
    sendAtMarginMinutes: z.number().int().min(1).max(720).optional(),
    verticals: z
      .strictObject({ trucking: VerticalSection.optional(), healthcare: VerticalSection.optional() })
      .optional(),
  })
  .describe('Daily build');

/** The build section as parsed. */
export type BuildConfig = z.output<typeof BuildSection>;
