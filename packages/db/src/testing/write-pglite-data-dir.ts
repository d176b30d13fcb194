import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

/**
 * Writes the files of a PGlite dump (`dumpPglite`'s uncompressed tarball) into `dir`, as
 * `new PGlite({ dataDir: dir, loadDataDir: dump })` and its close leave them, without starting
 * PGlite (measured: 1.0-1.2 CPU-s a data directory -> 0.25-0.4). The dump is checkpointed, so the
 * first open of the directory starts as an open of the dump does.
 */
export async function writePgliteDataDir(dir: string, dump: Blob): Promise<void> {
  const tar = new Uint8Array(await dump.arrayBuffer());
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const made = new Set<string>([root]);
  const ensureDir = async (path: string) => {
    if (made.has(path)) return;
    await mkdir(path, { recursive: true });
    made.add(path);
  };
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = [text(header, 345, 155), text(header, 0, 100)]
      .filter((s) => s !== '')
      .join('/')
      .replace(/^\/+/, '');
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const mtime = Number.parseInt(text(header, 136, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const path = resolve(root, name);
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`dump entry outside ${dir}: ${name}`);
    const body = at + 512;
    if (type === '5') {
      await ensureDir(path);
    } else if (type !== '0' && type !== '\0') {
      throw new Error(`dump entry ${name}: tar type ${JSON.stringify(type)} is not a file or directory`);
    } else if (name !== 'postmaster.pid') {
      // (The dump is of a running PGlite; a closed data directory has no postmaster.pid.)
      await ensureDir(dirname(path));
      await writeFile(path, tar.subarray(body, body + size));
      await utimes(path, mtime, mtime);
    }
    at = body + Math.ceil(size / 512) * 512;
  }
}

const utf8 = new TextDecoder();

/** A NUL-terminated field of a tar header. */
function text(header: Uint8Array, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return utf8.decode(end === -1 ? field : field.subarray(0, end));
}
