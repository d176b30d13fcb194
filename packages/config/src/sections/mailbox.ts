import { z } from 'zod';

const domain = z
  .string()
  .regex(
    /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
    'a lower-case domain such as example.com (exact match, no wildcards)',
  );

/**
 * `mailbox`: adjustments to the shipped domain families and operator table, shared by the builder's
 * exclusions, the Postfix hold map and the mail-log report.
 */
export const MailboxSection = z
  .strictObject({
    families: z
      .strictObject({
        disabled: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Shipped families to switch off: yahoo, google_consumer, microsoft_consumer, apple_consumer, dead_isp, legal_dnc',
          ),
        extra: z
          .record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.array(domain))
          .default({})
          .describe('Domains added to a family; a new id defines a new family'),
        legalAddresses: z
          .array(z.email())
          .default([])
          .describe('Single addresses never mailed (legal do-not-contact)'),
        byMxOperator: z
          .boolean()
          .default(true)
          .describe(
            'Families also apply by MX operator: a business domain whose MX is Yahoo (yahoodns.net) is the yahoo family, as the runbook says "we do not mail Yahoo at all". false: by recipient domain only',
          ),
      })
      .default({ disabled: [], extra: {}, legalAddresses: [], byMxOperator: true }),
    operators: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.array(z.string().min(2)))
      .default({})
      .describe('MX host suffixes added per operator id (e.g. {"cox": [".cox.net"]})'),
  })
  .describe('Recipient domain families and receiving operators');
