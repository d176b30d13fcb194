import { extendOperatorTable, MIXED_MX, NO_MX } from '@mailramp/mailbox';
import { z } from 'zod';
import { AudienceSection } from './sections/audience.js';
import { BuildSection } from './sections/build.js';
import { DatabaseSection } from './sections/database.js';
import { GuardSection } from './sections/guard.js';
import { HealthSection } from './sections/health.js';
import { ListmonkSection } from './sections/listmonk.js';
import { MailboxSection } from './sections/mailbox.js';
import { ReportSection } from './sections/report.js';
import { ServiceSection } from './sections/service.js';
import { SuppressSection } from './sections/suppress.js';
import { TemplatesSection } from './sections/templates.js';
import { WarmupSection } from './sections/warmup.js';

/**
 * The whole of `mailramp.config.json`. One schema, parsed once at start-up; every section is
 * strict, so a misspelt key is an error rather than a silently ignored setting.
 */
export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    database: DatabaseSection.default({ dataDir: '.mailramp/data' }),
    listmonk: ListmonkSection.default({ instances: {} }),
    build: BuildSection.default({}),
    mailbox: MailboxSection.default({
      families: { disabled: [], extra: {}, legalAddresses: [], byMxOperator: true },
      operators: {},
    }),
    warmup: WarmupSection.default({ streams: {} }),
    health: HealthSection.prefault({}),
    audience: AudienceSection.default({ batchSize: 5000 }),
    suppress: SuppressSection.prefault({}),
    report: ReportSection.prefault({}),
    templates: TemplatesSection.prefault({}),
    service: ServiceSection.prefault({}),
    guard: GuardSection.prefault({}),
  })
  .superRefine((config, ctx) => {
    // A held operator nobody's MX is tagged with holds nobody: `msft` for `microsoft` would release
    // Microsoft silently. Known: the shipped table, mailbox.operators, and classify-mx's own tags.
    const held: unknown = config.build?.excludeOperators;
    if (Array.isArray(held)) {
      const known = Object.keys(extendOperatorTable(config.mailbox?.operators ?? {}));
      held.forEach((id, i) => {
        if (typeof id !== 'string' || known.includes(id) || id === NO_MX || id === MIXED_MX) return;
        if (/^mx:[a-z0-9.-]+$/.test(id)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['build', 'excludeOperators', i],
          message: `unknown operator "${id}" (build.excludeOperators / MAIN_EXCLUDE_OPERATORS); known operators: ${known.join(', ')} (also ${NO_MX}, ${MIXED_MX}, mx:<suffix>; add your own under mailbox.operators)`,
        });
      });
    }
    // Cross-section: a warm-up stream may only feed a Listmonk instance that is configured. Zod runs
    // this even when a section failed (to list every problem), so read defensively.
    const instances: Record<string, unknown> = config.listmonk?.instances ?? {};
    // Listmonk's sliding window is one server-wide counter: two streams on one instance would
    // overwrite each other's ramp cap every day.
    const fedBy = new Map<string, string>();
    for (const [name, stream] of Object.entries(config.warmup?.streams ?? {})) {
      const feeds: unknown = stream?.listmonk;
      if (!Array.isArray(feeds)) continue;
      feeds.forEach((instance, i) => {
        if (typeof instance !== 'string') return;
        const other = fedBy.get(instance);
        if (other !== undefined && other !== name) {
          ctx.addIssue({
            code: 'custom',
            path: ['warmup', 'streams', name, 'listmonk', i],
            message: `Listmonk instance "${instance}" already feeds stream ${other}; its sliding window is server-wide, so each stream needs its own instance`,
          });
        }
        fedBy.set(instance, other ?? name);
        if (instance in instances) return;
        ctx.addIssue({
          code: 'custom',
          path: ['warmup', 'streams', name, 'listmonk', i],
          message: `no Listmonk instance "${instance}"; add it under listmonk.instances or fix the name`,
        });
      });
    }
  })
  // One Postfix log, three readers: the report and the suppression sync read health.mailLog unless
  // their own setting says else (a host that set only health.mailLog had them read the default).
  .transform((config) => ({
    ...config,
    report: { ...config.report, logFiles: config.report.logFiles ?? [config.health.mailLog] },
    suppress: { ...config.suppress, mailLog: config.suppress.mailLog ?? [config.health.mailLog] },
  }));

/** The parsed, defaulted configuration. */
export type Config = z.output<typeof ConfigSchema>;
/** What a user may write in the file. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** JSON Schema of the config file, for editors (`mailramp config schema`). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
}
