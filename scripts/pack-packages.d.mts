/** The SDK and the workspace packages it imports (directories under packages/), in build order. */
export declare const SDK_PACKAGES: readonly string[];
/**
 * Builds and packs into `dir`; returns each package's name and tarball path. `typecheck: false`
 * builds without type-checking (the same tarballs, for a caller that type-checks the sources otherwise).
 */
export declare function packPackages(
  dir: string,
  options?: { typecheck?: boolean },
): Promise<Array<{ name: string; tarball: string }>>;
