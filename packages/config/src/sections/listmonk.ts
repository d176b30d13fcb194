import { z } from 'zod';

/** One Listmonk server mailramp talks to. */
export const ListmonkInstanceSection = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .describe('Base URL, e.g. https://lists.example.com'),
  username: z
    .string()
    .min(1)
    .optional()
    .describe(
      'v4+: API user name; v2/v3: admin user. Env: LISTMONK_USERNAME (the only instance) or LISTMONK_<INSTANCE>_USERNAME.',
    ),
  token: z
    .string()
    .min(1)
    .optional()
    .describe(
      'v4+: API token; v2/v3: admin password. Env: LISTMONK_TOKEN (the only instance) or LISTMONK_<INSTANCE>_TOKEN.',
    ),
  auth: z
    .enum(['auto', 'token', 'basic'])
    .default('auto')
    .describe('auto: `token user:token` (v4+), HTTP Basic when the server turns out to be v2/v3'),
  version: z
    .string()
    .regex(/^v?\d+\.\d+(?:\.\d+)?$/, 'a Listmonk version such as v4.1.0')
    .optional()
    .describe(
      'the Listmonk version this server runs (v4.1.0): the template lint accepts only the TrackLink forms that work on it (the build detects it when unset; `mailramp lint` then checks every version v2–v6)',
    ),
  timeoutMs: z.number().int().positive().default(15_000).describe('per-request timeout'),
  concurrency: z.number().int().positive().max(32).default(4).describe('parallel requests when fanning out'),
  sendAtMarginMs: z
    .number()
    .int()
    .min(0)
    .default(120_000)
    .describe('how far ahead a send_at must be when a campaign is scheduled (Listmonk does not check)'),
});

/** `listmonk`: the Listmonk servers, by name (e.g. trucking, healthcare). */
export const ListmonkSection = z
  .strictObject({
    instances: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_-]*$/, 'instance names are lower-case words'),
        ListmonkInstanceSection,
      )
      .default({}),
  })
  .describe('Listmonk servers');
