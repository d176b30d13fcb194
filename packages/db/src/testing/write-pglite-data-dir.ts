import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { x as extractTar } from 'tar';

/**
 * Writes the files of a PGlite dump (`dumpPglite`'s uncompressed tarball) into `dir`, as
 * `new PGlite({ dataDir: dir, loadDataDir: dump })` and its close leave them, without starting
 * PGlite (measured: 1.0-1.2 CPU-s a data directory -> 0.25-0.4). The dump is checkpointed, so the
 * first open of the directory starts as an open of the dump does.
 */
export async function writePgliteDataDir(dir: string, dump: Blob): Promise<void> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const tar = Buffer.from(await dump.arrayBuffer());
  await pipeline(
    Readable.from([tar]),
    // The dump names its entries from `/`; tar extracts them under `root` all the same. It is of a
    // running PGlite: a closed data directory has no postmaster.pid.
    extractTar({ cwd: root, filter: (path) => path.replace(/^\/+/, '') !== 'postmaster.pid' }),
  );
}
