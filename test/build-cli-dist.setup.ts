/**
 * Vitest global setup: rebuilds the CLI's bundle (apps/cli/dist) when a source it was built from
 * changed since, so the tests that start bin/mailramp.js run the bundle, as after `pnpm install`,
 * instead of compiling the sources through tsx at every start (measured: `pnpm demo`'s three starts
 * 23.6 -> 18.4 CPU-s). test/cli/binary.test.ts runs the sources on purpose. A checkout without a
 * dist/ keeps running the sources.
 */
// @ts-expect-error the build script is plain JavaScript without types
import { buildDist, distIsStale } from '../apps/cli/scripts/build-dist.mjs';

export default async function setup(): Promise<void> {
  if (distIsStale()) await buildDist();
}
