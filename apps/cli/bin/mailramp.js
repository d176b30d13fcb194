#!/usr/bin/env node
// Runs the CLI from dist/ (plain JavaScript, built by `pnpm install`) while it matches the sources,
// else from the TypeScript sources through tsx. MAILRAMP_FROM_SOURCE=1 forces the sources.
import { DIST, distIsFresh } from './dist-is-fresh.js';

if (process.env.MAILRAMP_FROM_SOURCE !== '1' && distIsFresh()) {
  await import(new URL('main.js', DIST).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
