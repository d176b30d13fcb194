/** The SDK and the workspace packages it imports (directories under packages/), in build order. */
export declare const SDK_PACKAGES: readonly string[];
/** Builds and packs into `dir`; returns each package's name and tarball path. */
export declare function packPackages(dir: string): Promise<Array<{ name: string; tarball: string }>>;
