/**
 * Compiles the mail-log scanner (packages/ops/assembly/maillog-kernel.ts, AssemblyScript, with the
 * constants it shares with TypeScript in src/maillog/kernel-codes.ts) to
 * packages/ops/dist/maillog-kernel.wasm, with maillog-kernel.json beside it naming the SHA-256 of the
 * sources it was built from. Runs on `pnpm install` (the root `prepare` script) and from the test
 * setup when the source changed; a failure only warns, since the report falls back to its
 * TypeScript path.
 *
 *   node packages/ops/scripts/build-kernel.mjs [--if-stale]
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../assembly/maillog-kernel.ts', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const wasm = `${dist}maillog-kernel.wasm`;
const stamp = `${dist}maillog-kernel.json`;

/**
 * The kernel's source files: maillog-kernel.ts and the files it imports (kernel-codes.ts, shared
 * with the TypeScript side), so a change to either rebuilds it.
 */
export function kernelSources() {
  const imports = [...readFileSync(source, 'utf8').matchAll(/^} from '(\.[^']+)';$/gm)];
  return [source, ...imports.map((m) => fileURLToPath(new URL(`${m[1]}.ts`, `file://${source}`)))];
}

/** The SHA-256 of the kernel's source files, as maillog-kernel.json records it. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of kernelSources()) hash.update(readFileSync(file));
  return hash.digest('hex');
}

/** True when dist/ holds a kernel built from the current source. */
export function isFresh() {
  try {
    return JSON.parse(readFileSync(stamp, 'utf8')).source === sourceHash();
  } catch {
    return false;
  }
}

/** Compiles the kernel; throws with asc's diagnostics when it does not compile. */
export async function buildKernel() {
  const asc = await import('assemblyscript/asc');
  mkdirSync(dist, { recursive: true });
  rmSync(stamp, { force: true });
  let diagnostics = '';
  const { error } = await asc.main(
    [
      source,
      '--outFile',
      wasm,
      '-O3',
      '--runtime',
      'stub',
      '--noAssert',
      '--use',
      'abort=',
      '--initialMemory',
      '128',
    ],
    { stderr: { write: (text) => (diagnostics += text) }, stdout: { write: () => undefined } },
  );
  if (error) throw new Error(`${error.message}\n${diagnostics}`);
  writeFileSync(stamp, `${JSON.stringify({ source: sourceHash() })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && isFresh()) process.exit(0);
  try {
    await buildKernel();
  } catch (error) {
    console.warn(
      `mailramp: could not build the mail-log scanner (${error.message}); ops report uses its TypeScript path`,
    );
  }
}
