#!/usr/bin/env node
// Runs the CLI from dist/ (plain JavaScript, built by `pnpm install`) while it matches the sources,
// else from the TypeScript sources through tsx. MAILRAMP_FROM_SOURCE=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);

function distIsFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('manifest.json', dist), 'utf8'));
    return inputs.every((file) => statSync(file).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

if (process.env.MAILRAMP_FROM_SOURCE !== '1' && distIsFresh()) {
  await import(new URL('main.js', dist).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
