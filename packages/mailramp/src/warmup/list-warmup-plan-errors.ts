import type { WarmupPlan } from '@mailramp/ops';

/** What stops `--apply`: master.cf errors for a pool transport, or a master.cf that could not be checked. */
export function listWarmupPlanErrors(plan: WarmupPlan): string[] {
  return [
    ...plan.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    ...plan.notes.filter((n) => n.startsWith('master.cf not checked')),
  ];
}

/** The state a plain warm-up run calls healthy: nothing to change, no error. */
export function isWarmupHealthy(plan: WarmupPlan): boolean {
  return !plan.changed && listWarmupPlanErrors(plan).length === 0;
}
