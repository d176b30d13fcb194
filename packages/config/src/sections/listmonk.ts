import { z } from 'zod';

/** One Listmonk server mailramp talks to. */
export const ListmonkInstanceSection = z.strictObject({
  url: z.url().describe('Base URL, e.g. https://lists.example.com'),
  username: z
    .string()
    .min(1)
    .optional()
    .describe('v4+: API user name; v2/v3: admin user. Env: LISTMONK_USERNAME.'),
  token: z.string().min(1).optional().describe('v4+: API token; v2/v3: admin password. Env: LISTMONK_TOKEN.'),
  timeoutMs: z.number().int().positive().default(15_000),
  concurrency: z.number().int().positive().max(32).default(4),
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
