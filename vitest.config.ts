import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { HeavyFirstSequencer } from './test/heavy-first-sequencer.js';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // V8 compiles PGlite's WebAssembly once, with its baseline compiler: test databases live seconds,
    // too short to win back the optimizing compiler's work. Measured on the whole suite, same
    // machine and cache: 179 -> 164 CPU-s, 121 -> 114 s. A long WebAssembly job would be slower (a
    // 100k-row PGlite seed: 11-14 -> 16-17 s); the product's processes keep V8's default.
    execArgv: ['--liftoff-only'],
    // Vitest's default for `run` is one worker per core less one: a single worker on the 2-core
    // machines this runs on, idle while a test waits on PostgreSQL, a stand-in or a child process.
    // A worker more than there are cores keeps both busy (measured: 190 s → 79 s for six SQL files).
    maxWorkers: Math.max(3, availableParallelism()),
    // A worker runs file after file in one process instead of starting one per file: a third less
    // CPU (26 files: 37 -> 25 CPU-seconds), mostly module loading. The tests mock no module and
    // change no global state; each closes what it opens (test databases, stand-ins, servers).
    isolate: false,
    // Rebuilds the mail-log scanner (WebAssembly) and the CLI's bundle when their sources changed
    // since `pnpm install`; makes the PGlite dumps test databases start from when the migrations changed.
    globalSetup: [
      './test/build-kernel.setup.ts',
      './test/build-cli-dist.setup.ts',
      './test/pglite-snapshot.setup.ts',
    ],
    // A fresh clone has no timings: the longest files start first, not wherever their size puts them.
    sequence: { sequencer: HeavyFirstSequencer },
    reporters: ['default'],
  },
});
