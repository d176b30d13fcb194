import { z } from 'zod';
import { BuildSection } from './sections/build.js';
import { DatabaseSection } from './sections/database.js';
import { ListmonkSection } from './sections/listmonk.js';
import { MailboxSection } from './sections/mailbox.js';

/**
 * The whole of `mailramp.config.json`. One schema, parsed once at start-up; every section is
 * strict, so a misspelt key is an error rather than a silently ignored setting.
 */
export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  database: DatabaseSection.default({ dataDir: '.mailramp/data' }),
  listmonk: ListmonkSection.default({ instances: {} }),
  build: BuildSection.default({}),
  mailbox: MailboxSection.default({
    families: { disabled: [], extra: {}, legalAddresses: [] },
    operators: {},
  }),
});

/** The parsed, defaulted configuration. */
export type Config = z.output<typeof ConfigSchema>;
/** What a user may write in the file. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** JSON Schema of the config file, for editors (`mailramp config schema`). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}
