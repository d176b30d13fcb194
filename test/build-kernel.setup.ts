/**
 * Vitest global setup: compiles the mail-log scanner (packages/ops/assembly, AssemblyScript) when
 * dist/ does not hold a build of its current source, so tests run the scanner they see.
 */
// @ts-expect-error the build script is plain JavaScript without types
import { buildKernel, isFresh } from '../packages/ops/scripts/build-kernel.mjs';

export default async function setup(): Promise<void> {
  if (!isFresh()) await buildKernel();
}
