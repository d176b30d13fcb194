import { z } from 'zod';

/** `templates`: where campaign templates live. */
export const TemplatesSection = z
  .strictObject({
    dir: z
      .string()
      .min(1)
      .default('templates')
      .describe(
        'Templates directory (relative to the working directory): <vertical>/<name>.html with <name>.sample.json, and partials/<name>.html.',
      ),
  })
  .describe('Campaign templates');
