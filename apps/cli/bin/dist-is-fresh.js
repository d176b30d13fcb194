// Whether apps/cli/dist was built from the current sources, read from the manifest build-dist.mjs
// writes beside it: bin/mailramp.js runs dist only then, and the test setup rebuilds it otherwise.
import { readFileSync, statSync } from 'node:fs';

/** The CLI's bundled build (apps/cli/dist/). */
export const DIST = new URL('../dist/', import.meta.url);

/** True when dist/ has a manifest and no input it lists is newer than the build (or gone). */
export function distIsFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('manifest.json', DIST), 'utf8'));
    return inputs.every((file) => statSync(file).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}
