/**
 * `pnpm build`: compiles the SDK (packages/mailramp) and every workspace package it imports to ESM
 * JavaScript with `.d.ts` in each package's dist/ (`tsc -b tsconfig.build.json`, incremental: an
 * unchanged package is not compiled again), and copies what they read at run time into the package
 * that ships it: migrations/ → packages/db/migrations, templates/ → packages/builder/templates. Each
 * package's `publishConfig.exports` points at dist/, so `pnpm pack` gives tarballs that install
 * outside this repository; inside it the packages keep exporting their TypeScript sources.
 *
 * tsc is TypeScript 7's native compiler (the `typescript-7` alias, as `pnpm typecheck`): a cold
 * build with the full check costs 5 CPU-s, 21 with TypeScript 5.9. The pack test type-checks the
 * `.d.ts` it writes with TypeScript 5.9's API, so the tarballs stay readable by 5.x consumers.
 *
 *   node scripts/build-packages.mjs
 */

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Run-time files each package ships, copied from the repository (their one home). */
const SHIPPED = [
  ['migrations', 'packages/db/migrations'],
  ['templates', 'packages/builder/templates'],
];

/** The packages tsc builds: the references of tsconfig.build.json (`packages/<name>/tsconfig.build.json`). */
const PACKAGES = JSON.parse(readFileSync(`${root}tsconfig.build.json`, 'utf8')).references.map(
  (r) => r.path.split('/')[1],
);

execFileSync(process.execPath, ['packages/ops/scripts/build-kernel.mjs', '--if-stale'], {
  cwd: root,
  stdio: 'inherit',
});
execFileSync(process.execPath, [`${root}node_modules/typescript-7/bin/tsc`, '-b', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
for (const [from, to] of SHIPPED) {
  rmSync(`${root}${to}`, { recursive: true, force: true });
  cpSync(`${root}${from}`, `${root}${to}`, { recursive: true });
}

// tsc -b leaves the output of a deleted or renamed source behind; a tarball must not ship it.
for (const p of PACKAGES) {
  const dist = `${root}packages/${p}/dist`;
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    const source = /^(.*)\.(?:js|d\.ts)$/.exec(file)?.[1];
    if (source !== undefined && !existsSync(join(`${root}packages/${p}/src`, `${source}.ts`))) {
      console.warn(`mailramp: removing ${relative(root, join(dist, file))}: its source is gone`);
      rmSync(join(dist, file));
    }
  }
}
