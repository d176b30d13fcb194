import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

/** `templates.dir` when a configuration names none. */
const DEFAULT_TEMPLATES_DIR = 'templates';

/**
 * The templates directory a session uses: `templates.dir` resolved against the working directory;
 * when that is the default (`templates`) and no such directory exists there — a script outside the
 * repository, the CLI run from another directory — the templates mailramp ships.
 *
 * @example
 * const dir = await resolveTemplatesDir('/srv/mail', 'templates', STOCK_TEMPLATES_DIR);
 */
export async function resolveTemplatesDir(cwd: string, configured: string, stock: string): Promise<string> {
  const dir = resolve(cwd, configured);
  if (configured !== DEFAULT_TEMPLATES_DIR) return dir;
  const found = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return found ? dir : stock;
}
