import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Rebuilds the mail-log scanner (WebAssembly) when its source changed since `pnpm install`.
    globalSetup: ['./test/build-kernel.setup.ts'],
    reporters: ['default'],
  },
});
