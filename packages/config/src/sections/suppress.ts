import { z } from 'zod';

const Dsn = z.string().regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'an enhanced status code like 5.1.1');

/** `suppress`: how `mailramp suppress sync` decides. */
export const SuppressSection = z
  .strictObject({
    recipientFailureCodes: z
      .array(Dsn)
      .default(['5.1.1', '5.1.10', '5.1.0', '5.0.0', '5.4.1', '5.5.0'])
      .describe(
        'DSNs that mean the recipient does not exist. 5.7.x and block-list/reputation replies never count, whatever is listed here.',
      ),
    threshold: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Suppress an address after this many counted failures.'),
    deadTenant: z
      .strictObject({
        dsn: Dsn.default('4.4.4'),
        minDays: z.number().int().min(1).default(3),
        minAttempts: z.number().int().min(1).default(3),
      })
      .prefault({})
      .describe(
        'A domain whose every attempt got this deferral on at least minDays days is a dead Microsoft 365 tenant.',
      ),
    // Unset: [health.mailLog] (filled in by the config schema), like report.logFiles.
    mailLog: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Mail logs read by sync (default: [health.mailLog]; rotated siblings like mail.log.1 and .gz are read too).',
      ),
  })
  .describe('Bounce-driven suppression');
