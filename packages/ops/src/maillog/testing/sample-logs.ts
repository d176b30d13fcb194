/**
 * The real Postfix sample logs in test/fixtures/postfix (sources and licences in SOURCES.md there).
 * A missing or empty folder throws, so a test that needs the samples fails instead of skipping.
 */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/postfix, inside the repository. */
export const SAMPLE_DIR = fileURLToPath(new URL('../../../../../test/fixtures/postfix/', import.meta.url));

/** The sample logs as `{ name, path }`, sorted by name; throws when there are none. */
export function listSampleLogs(): { name: string; path: string }[] {
  const names = readdirSync(SAMPLE_DIR)
    .filter((n) => n.endsWith('.log'))
    .sort();
  if (names.length === 0) throw new Error(`no .log files in ${SAMPLE_DIR}: the sample logs are missing`);
  return names.map((name) => ({ name, path: join(SAMPLE_DIR, name) }));
}
