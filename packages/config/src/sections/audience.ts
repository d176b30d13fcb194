import { z } from 'zod';

/** `audience`: how audience files are imported. */
export const AudienceSection = z
  .strictObject({
    yearPivot: z
      .number()
      .int()
      .min(0)
      .max(99)
      .optional()
      .describe(
        'Two-digit years (DD-MON-YY census dates) up to this are 20YY, later ones 19YY. Absent: the current year, so no date lands in the future. Flag: --year-pivot.',
      ),
    batchSize: z.number().int().min(1).max(50_000).default(5000).describe('Rows per upsert statement.'),
  })
  .describe('Audience imports');
