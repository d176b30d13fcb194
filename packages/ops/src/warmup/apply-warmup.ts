import { OpsError } from '../errors.js';
import type { CommandCall, CommandRunner } from '../exec/command-runner.js';
import type { WarmupPlan } from './plan-warmup.js';
import { planSetTransportMapsCommands } from './postfix-commands.js';
import type { StreamPostfix } from './warmup-stream.js';

/** What {@link applyWarmup} did. */
export interface WarmupApplied {
  /** False when Postfix already matched the plan (nothing was run). */
  changed: boolean;
  /** The commands run, in order. */
  commands: CommandCall[];
  /** False when `postfix reload` failed (e.g. Postfix is stopped: the value applies at its next start). */
  reloaded: boolean;
  /** stderr of a failed reload. */
  reloadError?: string | undefined;
}

/**
 * Makes Postfix match a warm-up plan: sets `transport_maps` and reloads, only when it differs, so a
 * second run (cron, after a reboot) runs nothing.
 */
export async function applyWarmup(
  plan: WarmupPlan,
  postfix: StreamPostfix,
  runner: CommandRunner,
): Promise<WarmupApplied> {
  if (!plan.changed) return { changed: false, commands: [], reloaded: false };
  const [set, reload] = planSetTransportMapsCommands(postfix, plan.transportMaps) as [
    CommandCall,
    CommandCall,
  ];
  const setResult = await runner.run(set.command, set.args);
  if (setResult.code !== 0) {
    throw new OpsError(
      'COMMAND_FAILED',
      `${set.command} ${set.args.join(' ')} failed (exit ${setResult.code}): ${setResult.stderr.trim() || 'no output'}; transport_maps is unchanged`,
    );
  }
  const reloadResult = await runner.run(reload.command, reload.args);
  return {
    changed: true,
    commands: [set, reload],
    reloaded: reloadResult.code === 0,
    reloadError:
      reloadResult.code === 0 ? undefined : reloadResult.stderr.trim() || `exit ${reloadResult.code}`,
  };
}
