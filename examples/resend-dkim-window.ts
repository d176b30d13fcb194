/**
 * The runbook's Jun 22 re-send: everything sent between Jun 1 and the DKIM fix (Jun 18 00:31 UTC)
 * went out unsigned, so those carriers are reset for re-sending — Google held out, only verified
 * addresses — as a backfill with a backup table, and reverted exactly when asked.
 *
 *   node --import tsx examples/resend-dkim-window.ts mailramp.config.json plan|apply|revert
 */
import { type MailrampConfigSource, type OpenMailrampOptions, openMailramp } from 'mailramp';

export const NAME = 'resend_dkim_20260622';

export const FILTER = {
  vertical: 'trucking',
  sentFrom: '2026-06-01',
  sentTo: '2026-06-18T00:31Z',
  verify: ['smtp_valid', 'send_confirmed'],
  excludeOperators: ['google'],
};

/** Plans, applies or reverts the re-send; returns what the SDK returned. */
export async function resendDkimWindow(
  config: MailrampConfigSource,
  step: 'plan' | 'apply' | 'revert',
  options: OpenMailrampOptions = {},
) {
  await using mailramp = await openMailramp(config, options);
  // `return await`: the session closes when the function returns, so the job must finish first.
  if (step === 'plan') return await mailramp.backfill.plan(FILTER, { name: NAME });
  if (step === 'apply') return await mailramp.backfill.apply({ name: NAME, filter: FILTER });
  return await mailramp.backfill.revert({ name: NAME });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [config = 'mailramp.config.json', step = 'plan'] = process.argv.slice(2);
  const result = await resendDkimWindow(config, step as 'plan' | 'apply' | 'revert');
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
