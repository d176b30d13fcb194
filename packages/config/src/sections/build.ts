import { z } from 'zod';

/** `build`: the daily build's rules. */
export const BuildSection = z
  .strictObject({
    excludeOperators: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Operators held out of cold sends. Absent: the warm-up default set. Env MAIN_EXCLUDE_OPERATORS (comma list) replaces it.',
      ),
  })
  .describe('Daily build');
