import { fileURLToPath } from 'node:url';

/**
 * The campaign templates mailramp ships (the default segments' templates, partials and the Listmonk
 * campaign template): the repository's templates/ when running from the sources, the copy
 * `pnpm build` puts in this package (packages/builder/templates, shipped in its tarball) when
 * running from dist/. A host with its own templates points `templates.dir` at them instead.
 *
 * @example
 * const set = await loadTemplateSet(STOCK_TEMPLATES_DIR);
 */
export const STOCK_TEMPLATES_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../../../templates/' : '../../templates/', import.meta.url),
);
