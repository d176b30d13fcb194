/**
 * A one-off build of one segment: at most `max` carriers of `mcs150`, sent at 17:30 UTC. Plans (and
 * lints) by default; `--live` pushes the campaigns to the vertical's Listmonk.
 *
 *   node --import tsx examples/build-one-segment.ts mailramp.config.json [--live]
 */
import { type MailrampConfigSource, type OpenMailrampOptions, openMailramp } from 'mailramp';

/** Plans the one-segment build, and runs it when `live`; the lint problems stop a live run first. */
export async function buildOneSegment(
  config: MailrampConfigSource,
  options: OpenMailrampOptions & { live?: boolean; segment?: string; max?: number } = {},
) {
  const { live = false, segment = 'mcs150', max = 100, ...open } = options;
  await using mailramp = await openMailramp(config, open);
  const request = {
    vertical: 'trucking',
    onlySegment: segment,
    maxPerSegment: max,
    sendHour: 17,
    sendMinute: 30,
    nextSlot: true,
  } as const;
  const planned = await mailramp.build.plan(request);
  if (!live || planned.problems.length > 0) return { planned };
  const run = await mailramp.build.run(request, {
    onEvent: (e) => {
      if (e.type === 'campaign')
        console.error(`[${e.done}/${e.total}] ${e.outcome.name}: ${e.outcome.state}`);
    },
  });
  return { planned, run };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [config = 'mailramp.config.json', flag] = process.argv.slice(2);
  const { planned, run } = await buildOneSegment(config, { live: flag === '--live' });
  console.error(`${planned.plan.recipients.length} recipients; problems: ${planned.problems.length}`);
  if (run) console.error(`${run.status}: ${run.stamped} stamped`);
}
