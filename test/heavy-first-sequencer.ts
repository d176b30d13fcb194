/**
 * Vitest's order of test files for a run with no timings to go by (a fresh clone, CI): the files
 * known to take longest first, then Vitest's own order (largest first). Started last, a 40-second
 * file leaves the other workers idle at the end of the run; started first, it overlaps the many
 * short files. With the timings of an earlier run in Vitest's cache, Vitest's own order (longest
 * first, by measurement) is used unchanged.
 */

import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest test files, longest first, from a full run's JSON report (`vitest run
 * --reporter=json`, file end minus start). A file missing here only starts later; a file gone
 * from the repository is ignored.
 */
export const HEAVY_TEST_FILES = [
  'test/pack-install.test.ts',
  'packages/builder/src/build/simulated-month.property.test.ts',
  'packages/builder/src/build/push-verification.test.ts',
  'test/self-contained.test.ts',
  'packages/builder/src/build/run-build-backfill.test.ts',
  'packages/builder/src/build/run-build-reconcile.test.ts',
  'apps/cli/src/data-dir-lock.test.ts',
  'packages/builder/src/build/run-build-faults.test.ts',
  'test/cli/binary.test.ts',
  'test/cli/demo.test.ts',
  'packages/builder/src/build/run-build.test.ts',
  'packages/builder/src/build/kill-during-build.property.test.ts',
  'apps/cli/src/commands/serve.test.ts',
  'apps/service/src/scheduler/create-pg-scheduler.test.ts',
] as const;

/** {@link HEAVY_TEST_FILES} first when Vitest's cache has no timings for this run's files. */
export class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const path = (file: TestSpecification) => relative(root, file.moduleId);
    const timed = files.every((file) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`),
    );
    if (timed) return sorted;
    const heavy: readonly string[] = HEAVY_TEST_FILES;
    const rank = (file: TestSpecification) => {
      const i = heavy.indexOf(path(file));
      return i < 0 ? heavy.length : i;
    };
    // Array.prototype.sort is stable: the rest keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
