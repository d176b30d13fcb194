import { z } from 'zod';

/** `database`: where mailramp keeps its data. */
export const DatabaseSection = z
  .strictObject({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional()
      .describe('PostgreSQL URL. Absent: embedded PGlite in dataDir. Env: DATABASE_URL.'),
    dataDir: z
      .string()
      .min(1)
      .default('.mailramp/data')
      .describe('Embedded database directory when no url is set. Env: MAILRAMP_DATA_DIR.'),
  })
  .describe('Database connection');
