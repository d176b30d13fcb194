/**
 * Builds apps/cli/dist: the CLI and the workspace packages it imports, transpiled and bundled into
 * plain JavaScript (one chunk per command group), so `mailramp` starts without compiling TypeScript.
 * Third-party packages stay external, imported from where pnpm installed them. dist/manifest.json
 * lists every input; bin/mailramp.js uses dist only while no input is newer than the build, and
 * runs the sources through tsx otherwise. Runs on `pnpm install` (the root `prepare` script) and,
 * when a source changed since, from the test setup; a failure only warns, since the sources always work.
 *
 *   node apps/cli/scripts/build-dist.mjs
 */

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDirectImports } from '../../../scripts/esbuild-direct-imports.mjs';
import { pinnedExternals } from '../../../scripts/esbuild-pinned-externals.mjs';
import { distIsFresh } from '../bin/dist-is-fresh.js';

const cli = fileURLToPath(new URL('../', import.meta.url));
const root = resolve(cli, '../..');
const dist = join(cli, 'dist');

/**
 * Pure-JavaScript packages of many files that commands load at start-up (every one: zod, commander;
 * each one with a database: kysely, 263 files): bundled, since resolving their many files through
 * pnpm's symlinks costs more than running them (kysely: 0.15 CPU-s as files, 0.02 bundled).
 * kysely-pglite-dialect comes along so that the process holds one kysely, not two.
 */
const BUNDLED = /^(?:zod|commander|kysely|kysely-pglite-dialect)(?:\/|$)/;

/**
 * zod's `locales` namespace (error messages in ~50 languages) in the bundle holds only English, the
 * one zod uses unless told otherwise: mailramp never switches, and loading the other 49 cost every
 * command ~7 ms of start-up (median of 60 alternating runs; `ops report` on a 127 MB log takes ~0.6 s).
 */
const englishZodLocales = {
  name: 'english-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, '../locales/index.js'), namespace: 'english-zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'english-zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      resolveDir: dirname(args.path),
    }));
  },
};

/** The workspace's packages (the SDK `mailramp` and `@mailramp/…`): bundled from their sources. */
const WORKSPACE = /^(?:@mailramp\/|mailramp(?:\/|$))/;

async function main() {
  const builtAt = Date.now();
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('mailramp: esbuild is not installed; the CLI runs from its TypeScript sources');
    return;
  }
  rmSync(dist, { recursive: true, force: true });
  const bundled = (path) => WORKSPACE.test(path) || BUNDLED.test(path);
  // Each command's chunk then carries only the modules its code uses, not every module of each
  // package whose index it imports from (see esbuild-direct-imports.mjs).
  const direct = createDirectImports({ bundled: (path) => WORKSPACE.test(path) });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(cli, 'src/main.ts')],
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node's own conditions: no `module`, which esbuild would add.
    conditions: [],
    sourcemap: 'linked',
    // Bundled CommonJS (commander) requires Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
    // Other third-party imports stay external, pinned to the file pnpm installed.
    plugins: [
      englishZodLocales,
      pinnedExternals({ bundled, transform: (source, file, b) => direct.rewrite(source, file, b) }),
    ],
  });
  const packageFiles = [root, ...['apps', 'packages'].flatMap((d) => listDirs(join(root, d)))]
    .map((d) => join(d, 'package.json'))
    .filter((f) => exists(f));
  const inputs = new Set([
    // Files only: a module made up by a plugin (`namespace:path`) has no file to check.
    ...Object.keys(result.metafile.inputs)
      .filter((f) => !/^[a-z-]+:/.test(f))
      .map((f) => resolve(root, f)),
    // The barrels the imports were traced through: the bundle no longer imports them all.
    ...direct.barrels(),
    ...packageFiles,
    join(root, 'pnpm-lock.yaml'),
    fileURLToPath(import.meta.url),
    fileURLToPath(new URL('../../../scripts/esbuild-pinned-externals.mjs', import.meta.url)),
    fileURLToPath(new URL('../../../scripts/esbuild-direct-imports.mjs', import.meta.url)),
  ]);
  writeFileSync(
    join(dist, 'manifest.json'),
    `${JSON.stringify({ builtAt, inputs: [...inputs] }, null, 1)}\n`,
  );
}

function listDirs(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function exists(path) {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when there is a dist/ that one of its inputs changed since: bin/mailramp.js would run the
 * sources. A missing dist/ is not stale: that checkout runs the sources by choice (no esbuild, or
 * installed with --ignore-scripts).
 */
export function distIsStale() {
  return existsSync(dist) && !distIsFresh();
}

/** Builds dist/; on a failure removes it and warns, since the sources always work. */
export async function buildDist() {
  try {
    await main();
  } catch (error) {
    rmSync(dist, { recursive: true, force: true });
    console.warn(
      `mailramp: could not build ${dirname(dist)}/dist (${error.message}); the CLI runs from its TypeScript sources`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDist();
