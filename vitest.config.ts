import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Rebuilds the mail-log scanner (WebAssembly) when its source changed since `pnpm install`;
    // makes the PGlite dumps test databases start from when the migrations changed.
    globalSetup: ['./test/build-kernel.setup.ts', './test/pglite-snapshot.setup.ts'],
    reporters: ['default'],
  },
});
