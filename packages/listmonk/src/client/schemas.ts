import { z } from 'zod';

// Replies are parsed loosely (unknown keys kept, so an update can send back what it read) but every
// field mailramp uses is checked: version drift fails as BAD_RESPONSE instead of as a wrong value.

const Timestamp = z.string().nullable().optional();

/** `GET /api/config`. */
export const ServerConfigSchema = z.looseObject({
  version: z.string(),
  lang: z.string().optional(),
  needs_restart: z.boolean().optional(),
  messengers: z.array(z.string()).optional(),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

/** A Listmonk list. */
export const ListSchema = z.looseObject({
  id: z.number().int(),
  uuid: z.string().optional(),
  name: z.string(),
  type: z.string(),
  optin: z.string(),
  tags: z.array(z.string()).nullable().optional(),
  subscriber_count: z.number().optional(),
  created_at: Timestamp,
});
export type List = z.infer<typeof ListSchema>;

/** A paged result: `{results, total, per_page, page}`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.looseObject({
    results: z
      .array(item)
      .nullable()
      .transform((r) => r ?? []),
    total: z.number().int(),
    per_page: z.union([z.number(), z.string()]).optional(),
    page: z.number().int().optional(),
  });
}

/** `GET /api/import/subscribers`. */
export const ImportStatusSchema = z.looseObject({
  name: z.string(),
  total: z.number().int(),
  imported: z.number().int(),
  status: z.enum(['none', 'importing', 'stopping', 'finished', 'failed']),
});
export type ImportStatus = z.infer<typeof ImportStatusSchema>;

/** A campaign as Listmonk returns it. */
export const CampaignSchema = z.looseObject({
  id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  subject: z.string(),
  from_email: z.string(),
  body: z.string(),
  altbody: z.string().nullable().optional(),
  send_at: Timestamp,
  status: z.enum(['draft', 'scheduled', 'running', 'paused', 'cancelled', 'finished']),
  content_type: z.string(),
  type: z.string(),
  tags: z.array(z.string()).nullable().optional(),
  headers: z.array(z.record(z.string(), z.string())).nullable().optional(),
  template_id: z.number().int().nullable().optional(),
  messenger: z.string(),
  lists: z
    .array(z.looseObject({ id: z.number().int().nullable(), name: z.string() }))
    .nullable()
    .optional(),
  to_send: z.number().int(),
  sent: z.number().int(),
  views: z.number().int().optional(),
  clicks: z.number().int().optional(),
  bounces: z.number().int().optional(),
  started_at: Timestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
  media: z
    .array(z.looseObject({ id: z.number().int() }))
    .nullable()
    .optional(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

/** One entry of `GET /api/campaigns/running/stats`. */
export const RunningStatsSchema = z.looseObject({
  id: z.number().int(),
  status: z.string(),
  to_send: z.number().int(),
  sent: z.number().int(),
  started_at: Timestamp,
  updated_at: Timestamp,
  rate: z.number().optional(),
  net_rate: z.number().optional(),
});
export type RunningStats = z.infer<typeof RunningStatsSchema>;

/** A subscriber. */
export const SubscriberSchema = z.looseObject({
  id: z.number().int(),
  uuid: z.string(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['enabled', 'disabled', 'blocklisted']),
  attribs: z.record(z.string(), z.unknown()).nullable().optional(),
  lists: z
    .array(z.looseObject({ id: z.number().int(), subscription_status: z.string().optional() }))
    .nullable()
    .optional(),
});
export type Subscriber = z.infer<typeof SubscriberSchema>;

/** A template. */
export const TemplateSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  subject: z.string().nullable().optional(),
  body: z.string(),
  is_default: z.boolean().optional(),
});
export type Template = z.infer<typeof TemplateSchema>;

/** A bounce record. */
export const BounceSchema = z.looseObject({
  id: z.number().int(),
  type: z.enum(['soft', 'hard', 'complaint']),
  source: z.string(),
  email: z.string(),
  subscriber_id: z.number().int(),
  subscriber_uuid: z.string().optional(),
  campaign: z.looseObject({ id: z.number().int(), name: z.string() }).nullable().optional(),
  meta: z.unknown().optional(),
  created_at: z.string(),
});
export type Bounce = z.infer<typeof BounceSchema>;

/** `GET /api/settings`: a flat object with dotted keys. */
export const SettingsSchema = z.record(z.string(), z.unknown());
export type Settings = z.infer<typeof SettingsSchema>;
