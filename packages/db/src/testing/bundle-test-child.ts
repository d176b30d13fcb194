import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedExternals } from '../../../../scripts/esbuild-pinned-externals.mjs';

/** The workspace's packages: bundled from their sources. */
const WORKSPACE = /^(?:@mailramp\/|mailramp(?:\/|$))/;

const bundles = new Map<string, Promise<string>>();

/**
 * Bundles a TypeScript entry that a test starts as a child process, with the workspace code it
 * imports, into one JavaScript file that `node <file>` runs (other packages stay imports of where
 * pnpm installed them), once per process and entry. A child started with `--import tsx` pays
 * ~2.7 CPU-s to load tsx and compile its sources, a bundled one ~0.9 s: for tests that kill and
 * restart children. The entry keeps its own `import.meta.url` (it may compare it with
 * `process.argv[1]`); the files it imports keep naming their sources, as in apps/cli's dist.
 *
 * @example
 * const child = spawn(process.execPath, [await bundleTestChild(new URL('./child.ts', import.meta.url))]);
 */
export function bundleTestChild(entry: string | URL): Promise<string> {
  const path = entry instanceof URL ? fileURLToPath(entry) : entry;
  let bundle = bundles.get(path);
  if (bundle === undefined) {
    bundle = build(path);
    bundles.set(path, bundle);
  }
  return bundle;
}

async function build(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(await mkdtemp(join(tmpdir(), 'mailramp-child-')), `${basename(entry, '.ts')}.mjs`);
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node's own conditions: no `module`, which esbuild would add.
    conditions: [],
    logLevel: 'warning',
    // Bundled CommonJS requires Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [pinnedExternals({ bundled: (path) => WORKSPACE.test(path), ownUrl: (file) => file === entry })],
  });
  return outfile;
}
