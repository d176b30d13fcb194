import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { OpsError } from '../errors.js';
import { type InterfaceStanza, parseInterfaces } from './parse-interfaces.js';

/** Every stanza ifupdown would read, and the files they came from. */
export interface InterfacesConfig {
  files: string[];
  stanzas: InterfaceStanza[];
}

/** Options for {@link readInterfaces}. */
export interface ReadInterfacesOptions {
  /**
   * Directory absolute include paths are resolved under (`/` on a host; a fixture directory in
   * tests, so `source /etc/network/interfaces.d/*` reads the fixture's copy).
   */
  root?: string;
}

/**
 * Reads an interfaces(5) file and everything it pulls in through `source` (shell glob in the last
 * path part) and `source-directory` (run-parts names only), depth-first in ifupdown's order.
 * Throws `INPUT_UNREADABLE` when the top file cannot be read.
 */
export async function readInterfaces(
  path: string,
  options: ReadInterfacesOptions = {},
): Promise<InterfacesConfig> {
  const root = resolve(options.root ?? '/');
  const files: string[] = [];
  const stanzas: InterfaceStanza[] = [];
  const seen = new Set<string>();
  const display = (file: string): string => (root === '/' ? file : `/${relative(root, file)}`);

  const visit = async (file: string, required: boolean): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (!required) return;
      throw new OpsError(
        'INPUT_UNREADABLE',
        `cannot read ${display(file)}: ${(error as Error).message}; set health.interfacesFile`,
        {
          cause: error,
        },
      );
    }
    files.push(display(file));
    const parsed = parseInterfaces(text, display(file));
    stanzas.push(...parsed.stanzas);
    for (const include of parsed.includes) {
      const target = isAbsolute(include.path)
        ? join(root, include.path)
        : resolve(dirname(file), include.path);
      if (include.kind === 'source-directory') {
        for (const name of await listDirectory(target)) {
          if (/^[a-zA-Z0-9_-]+$/.test(name)) await visit(join(target, name), false);
        }
      } else {
        const pattern = basename(target);
        if (!/[*?[]/.test(pattern)) {
          await visit(target, false);
          continue;
        }
        const matcher = globToRegExp(pattern);
        for (const name of await listDirectory(dirname(target))) {
          if (matcher.test(name)) await visit(join(dirname(target), name), false);
        }
      }
    }
  };
  await visit(isAbsolute(path) ? path : resolve(path), true);
  return { files, stanzas };
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  // The shell does not match dot files with *.
  return new RegExp(`^(?!\\.)${body}$`);
}
