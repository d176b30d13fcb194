import { z } from 'zod';

const share = (text: string, value: number) => z.number().min(0).max(1).default(value).describe(text);
const count = (text: string, value: number) => z.number().int().min(0).default(value).describe(text);

/** `report.alarms`: the thresholds of `mailramp ops report`'s reputation alarms (the runbook's defaults). */
export const ReportAlarmsSection = z.strictObject({
  gmailUnsolicited: count(
    'Gmail 550-5.7.1 unsolicited / 421-4.7.28 replies that raise STOP (any by default)',
    1,
  ),
  yahooTss: count('Yahoo [TSS04]/[TSS05] replies that raise STOP', 1),
  microsoftReputation: count('Microsoft S3150 / S775 / 5.7.515 replies that raise hold', 1),
  rblMentions: count('replies naming a block list (Spamhaus, RLR621, ERS-QIL) that raise investigate', 1),
  bindFailures: count('"Cannot assign requested address" bind failures that raise re-bind', 1),
  dkimMinRatio: share('DKIM signatures per message below which mail is leaving unsigned (STOP)', 0.9),
  dkimMinMessages: count('messages needed before the DKIM ratio is judged', 20),
  primaryEgressMaxShare: share("share of a day's egress from the primary IP above which it alarms", 0.1),
  minDeliveryRate: share(
    "a day's delivery rate (sent / (sent + deferred + bounced)) below which it alarms",
    0.65,
  ),
  maxReputationRejectShare: share("share of a day's egress rejected for reputation (5.7.x) that alarms", 0.1),
  maxMicrosoftThrottleShare: share("share of a day's Microsoft deliveries throttled that alarms", 0.7),
  maxGmailUnsolicitedPerDay: count('Gmail 550-5.7.1 replies in one day above which it alarms', 150),
  minDailyAttempts: count('deliveries a day needs before its rates and shares are judged', 50),
});

/** `report`: where the mail log is and when its report raises alarms. */
export const ReportSection = z
  .strictObject({
    // Unset: [health.mailLog] (filled in by the config schema), so one setting moves both readers
    // of the one Postfix log; a host that set only health.mailLog had the report read the default.
    logFiles: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'Mail logs read when no --log is given (default: [health.mailLog], /var/log/mail.log); rotated siblings (.1, .2.gz, …) are found next to each',
      ),
    alarms: ReportAlarmsSection.prefault({}),
    sampleLines: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(3)
      .describe('sample log lines kept per alarm and day'),
    topReasons: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(20)
      .describe('deferral and bounce reasons listed per status'),
  })
  .describe('Mail-log report and reputation alarms (mailramp ops report)');
