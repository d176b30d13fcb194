import type { Plugin } from 'esbuild';

/** The esbuild plugin for bundles run from this checkout: see esbuild-pinned-externals.mjs. */
export declare function pinnedExternals(options: {
  bundled: (path: string) => boolean;
  ownUrl?: (file: string) => boolean;
}): Plugin;
