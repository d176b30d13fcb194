/**
 * The esbuild plugin for bundles that run from this checkout (apps/cli's dist, test children
 * bundled by bundleTestChild): bare imports that `bundled(path)` declines stay external, pinned to
 * the file pnpm installed for the importing package as a file URL, so the bundle runs from any
 * directory. In each TypeScript file `import.meta.url` keeps naming the source file, so paths built
 * from it (migrations/, templates/) still resolve; except where `ownUrl(file)` says the file keeps
 * the bundle's own (an entry comparing it with `process.argv[1]`). `transform` rewrites each
 * TypeScript file's source after that (apps/cli's dist: createDirectImports).
 */

import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @param {{
 *   bundled: (path: string) => boolean,
 *   ownUrl?: (file: string) => boolean,
 *   transform?: (source: string, file: string, build: import('esbuild').PluginBuild) => Promise<string>,
 * }} options
 * @returns {import('esbuild').Plugin}
 */
export function pinnedExternals({ bundled, ownUrl = () => false, transform }) {
  return {
    name: 'pinned-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolving' || bundled(args.path)) return undefined;
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const found = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'resolving',
        });
        if (found.errors.length > 0 || !isAbsolute(found.path)) return { path: args.path, external: true };
        return { path: pathToFileURL(found.path).href, external: true };
      });
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        const contents = ownUrl(args.path)
          ? source
          : source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents: transform ? await transform(contents, args.path, b) : contents, loader: 'ts' };
      });
    },
  };
}
