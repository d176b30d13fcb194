import { z } from 'zod';

/** The alarms that stop a stream by default: the runbook's STOP rules and the volume that burns an IP. */
export const DEFAULT_STOP_ALARMS = [
  'gmail_unsolicited',
  'gmail_blocks_daily',
  'yahoo_tss',
  'dkim_unsigned',
  'primary_ip_egress',
  'bind_failure',
  'runaway_volume',
] as const;

/** `guard.stop`: which open alarms make the guard stop a stream, and how it stops it. */
export const GuardStopSection = z
  .strictObject({
    alarms: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be an alarm id such as yahoo_tss'))
      .default([...DEFAULT_STOP_ALARMS])
      .describe('alarm ids that stop the affected stream (pause running, draft scheduled, hold, incident)'),
    holdDays: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(3)
      .describe('days the ramp cap is frozen by a stop (runbook: hold for several days)'),
    runawayMargin: z
      .number()
      .min(0)
      .max(100)
      .default(1)
      .describe(
        "runaway_volume trips when a stream's deliveries in one hour exceed its hourly cap × (1 + margin); 1 = double the cap",
      ),
    runawayMinMessages: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('deliveries an hour needs before runaway_volume is judged (noise floor for tiny caps)'),
    runawayLookbackHours: z
      .number()
      .int()
      .min(1)
      .max(72)
      .default(24)
      .describe('hours of stored report_hours the runaway_volume alarm reads back from now'),
  })
  .describe('Automatic stop: what stops a stream');

/** `guard.notify`: where the guard tells people about incidents (open, action taken, close). */
export const GuardNotifySection = z
  .strictObject({
    webhook: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
          .describe(
            'Slack-compatible incoming webhook (receives {"text": …, "blocks": …, "mailramp": …}); a secret: redacted',
          ),
        timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('per attempt'),
        attempts: z.number().int().min(1).max(10).default(4).describe('tries before giving up'),
        backoffMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(1000)
          .describe('wait before the 2nd try; doubles after each'),
      })
      .optional(),
    email: z
      .strictObject({
        to: z.array(z.email()).min(1).describe('recipients of incident mail'),
        from: z.email().describe('envelope and header sender'),
        sendmail: z
          .string()
          .regex(/^\/[^\s]*$/, 'must be an absolute path')
          .default('/usr/sbin/sendmail')
          .describe('the local MTA’s sendmail, run with an argument array'),
      })
      .optional(),
  })
  .describe('Incident notifications: webhook and/or e-mail through the local MTA');

const share = (text: string) => z.number().min(0).max(1).optional().describe(text);
const count = (text: string, value: number) => z.number().int().min(0).default(value).describe(text);

/** `guard.gate`: the pre-flight gate a live build asks before it pushes anything to Listmonk (issue 24 §1). */
export const GuardGateSection = z
  .strictObject({
    dkimMinRatio: share(
      'DKIM signatures per campaign message over the last 24 h below which the gate refuses (default: report.alarms.dkimMinRatio)',
    ),
    dkimMinMessages: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'campaign messages in the last 24 h needed before the DKIM ratio is judged (default: report.alarms.dkimMinMessages)',
      ),
    bindFailureHours: count(
      'a bind_failure alarm seen within this many hours refuses the build, open or closed',
      24,
    ),
    maxQueue: count('the latest stored Postfix queue size above which the gate refuses', 1000),
    queueMaxAgeHours: count('a stored queue size older than this is not judged', 6),
    hourlyMargin: z
      .number()
      .min(0)
      .default(0.1)
      .describe(
        "share above the stream's hourly ramp cap one hour of today's sends may reach before the gate refuses (0.1: 10%)",
      ),
  })
  .describe('Pre-flight gate of live builds: DKIM, bound IPs, alarms, SPF, queue, volume');

/** The parsed `guard.gate` section. */
export type GuardGateConfig = z.output<typeof GuardGateSection>;

/** `guard`: the automatic stop and its notifications (the pre-flight gate keeps its keys beside these). */
export const GuardSection = z
  .strictObject({
    stop: GuardStopSection.prefault({}),
    notify: GuardNotifySection.prefault({}),
    gate: GuardGateSection.prefault({}),
  })
  .describe('The guard: automatic stop on STOP alarms, incidents and notifications');

/** The parsed `guard` section. */
export type GuardConfig = z.output<typeof GuardSection>;
