/**
 * `pnpm pack:sdk [dir]`: builds (scripts/build-packages.mjs) and packs the SDK and every workspace
 * package it imports into `dir` (default .mailramp/tarballs), then prints what a project outside
 * this repository adds to its package.json to install them: the tarballs name each other by
 * version, so `pnpm.overrides` points those names at the files.
 *
 *   node scripts/pack-packages.mjs [dir]
 */

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * The SDK and the workspace packages it imports (directories under packages/): the references of
 * tsconfig.build.json, in build order.
 */
export const SDK_PACKAGES = JSON.parse(
  readFileSync(join(root, 'tsconfig.build.json'), 'utf8'),
).references.map((r) => r.path.split('/')[1]);

/** Builds and packs; returns each package's name and tarball path. */
export async function packPackages(dir) {
  await run(process.execPath, [join(root, 'scripts/build-packages.mjs')], { cwd: root });
  mkdirSync(dir, { recursive: true });
  // One pnpm for all of them: a pnpm process costs about a CPU-second to start.
  const filters = SDK_PACKAGES.flatMap((p) => ['--filter', `./packages/${p}`]);
  const { stdout } = await run('pnpm', ['-r', ...filters, 'pack', '--pack-destination', dir, '--json'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  const packed = [JSON.parse(stdout)].flat();
  return packed.map(({ name, filename }) => ({ name, tarball: filename }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(root, '.mailramp/tarballs'));
  const packed = await packPackages(dir);
  const overrides = Object.fromEntries(
    packed.filter((p) => p.name !== 'mailramp').map((p) => [p.name, `file:${p.tarball}`]),
  );
  const sdk = packed.find((p) => p.name === 'mailramp');
  console.log(`packed ${packed.length} tarballs into ${dir}`);
  console.log('in your project: add to package.json');
  console.log(JSON.stringify({ pnpm: { overrides } }, null, 2));
  console.log(`then: pnpm add ${sdk.tarball}`);
}
