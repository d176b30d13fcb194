/**
 * The pnpm commands the README and ARCHITECTURE.md tell a user to type run this repository's
 * scripts. pnpm hands some names to npm before it looks at `scripts` (`pnpm docs` opens the npm
 * registry's page of the package in a browser; `pnpm run docs` runs the script), so a script with
 * such a name is documented as `pnpm run <name>`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const scripts = Object.keys(
  (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);

/** The commands pnpm 10 passes through to npm when they come first (pnpm's bin, `passThruToNpm`). */
const NPM_PASSTHROUGH = new Set(
  'access adduser bugs deprecate dist-tag docs edit find home info issues login logout owner ping prefix profile pkg repo s se search set-script show star stars team token unpublish unstar v version view whoami xmas'.split(
    ' ',
  ),
);

describe('the documented pnpm commands', () => {
  it('name no script pnpm would hand to npm instead of running it', () => {
    const wrong: string[] = [];
    for (const file of ['README.md', 'ARCHITECTURE.md']) {
      const lines = readFileSync(new URL(file, root), 'utf8').split('\n');
      lines.forEach((line, i) => {
        // `pnpm docs`, `npx -y pnpm@10 docs`: the name first. (`pnpm -s docs` runs the script: pnpm
        // decides by its first argument.)
        for (const m of line.matchAll(/\bpnpm(?:@[\d.]+)?\s+([a-z][\w:-]*)/g)) {
          const name = m[1] ?? '';
          if (scripts.includes(name) && NPM_PASSTHROUGH.has(name)) wrong.push(`${file}:${i + 1}: ${m[0]}`);
        }
      });
    }
    expect(wrong, 'write `pnpm run <script>` for these').toEqual([]);
  });
});
