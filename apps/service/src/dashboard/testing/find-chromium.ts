import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The commands Debian and Ubuntu install Chromium as. */
const CHROMIUM_COMMANDS = ['chromium', 'chromium-browser'];

/**
 * The Chromium the browser tests drive (playwright-core downloads none): `CHROMIUM_PATH`, else
 * `chromium` or `chromium-browser` on the PATH. Throws saying what to install when there is none, so
 * a machine without it fails the test instead of skipping it.
 */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') {
    if (isExecutable(given)) return given;
    throw new Error(`CHROMIUM_PATH=${given} is not an executable file; point it at Chromium or unset it`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const command of CHROMIUM_COMMANDS) {
      const path = join(dir, command);
      if (dir !== '' && isExecutable(path)) return path;
    }
  }
  throw new Error(
    'no Chromium found (chromium or chromium-browser on the PATH, or CHROMIUM_PATH): the dashboard test drives a real browser; install it with `apt-get install -y chromium` (.ci/run does when it runs as root)',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
