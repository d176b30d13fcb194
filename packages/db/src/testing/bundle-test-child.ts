import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORKSPACE = /^(?:@mailramp\/|mailramp(?:\/|$))/;

const bundles = new Map<string, Promise<string>>();

/**
 * Bundles a TypeScript entry that a test starts as a child process, with the workspace code it
 * imports, into one JavaScript file (`node <file>` runs it; other packages stay imports of where
 * pnpm installed them). Once per process and entry. A child started with `--import tsx` pays ~2
 * CPU-s loading tsx and compiling the sources, a bundled one ~0.1 s: tests that kill and restart
 * children many times start them from this. As in apps/cli's dist, `import.meta.url` keeps naming
 * each source file, except in the entry itself (which may compare it with `process.argv[1]`).
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
    conditions: [],
    logLevel: 'warning',
    // Bundled CommonJS requires Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'external-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.pluginData === 'resolving' || WORKSPACE.test(args.path)) return undefined;
            if (args.path.startsWith('node:')) return { path: args.path, external: true };
            const found = await b.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: 'resolving',
            });
            if (found.errors.length > 0 || !isAbsolute(found.path))
              return { path: args.path, external: true };
            return { path: pathToFileURL(found.path).href, external: true };
          });
          b.onLoad({ filter: /\.ts$/ }, async (args) => {
            const source = await readFile(args.path, 'utf8');
            return {
              contents:
                args.path === entry
                  ? source
                  : source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
              loader: 'ts',
            };
          });
        },
      },
    ],
  });
  return outfile;
}
