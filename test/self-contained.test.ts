/**
 * The repository tests itself with nothing beside it: no test reads a path outside the repository,
 * and the mail-log tests, which read the sample logs in test/fixtures/postfix, pass in a copy of the
 * repository made in an empty temporary folder, as a clone from a forge would be.
 */

import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));

/** The files a clone of the working tree would hold: tracked or new, not ignored, not deleted. */
async function listRepositoryFiles(): Promise<string[]> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(stdout.split('\0'))].filter((f) => f !== '' && existsSync(join(root, f)));
}

/** Places in a source file that name a path outside the repository, as `file:line text`. */
function findOutsidePaths(file: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1} ${line.trim()}`;
    // An absolute path written into the code: it exists on one machine only.
    if (/['"`]\/(?:work|home|root|Users)\//.test(line)) found.push(at);
    // A path relative to the file that climbs out of the repository.
    for (const m of line.matchAll(/new URL\(\s*['"`](\.\.?\/[^'"`]*)['"`]\s*,\s*import\.meta\.url/g)) {
      const target = resolve(dirname(join(root, file)), m[1]!);
      if (relative(root, target).startsWith('..')) found.push(at);
    }
  });
  return found;
}

describe('a repository with nothing beside it', () => {
  it('names no path outside the repository in its code, tests and benchmarks', async () => {
    const code = (await listRepositoryFiles()).filter(
      // This file is left out: its own examples below are such paths.
      (f) =>
        /\.(?:ts|mts|js|mjs|cjs)$/.test(f) &&
        !f.startsWith('test/fixtures/') &&
        f !== 'test/self-contained.test.ts',
    );
    expect(code.length).toBeGreaterThan(100);
    const found = code.flatMap((f) => findOutsidePaths(f, readFileSync(join(root, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('finds the paths the check is for', () => {
    const file = 'packages/ops/src/maillog/x.test.ts';
    expect(findOutsidePaths(file, "const SAMPLES = '/work/shared/samples/postfix';")).toHaveLength(1);
    expect(
      findOutsidePaths(
        file,
        "fileURLToPath(new URL('../../../../../shared/samples/postfix/', import.meta.url))",
      ),
    ).toHaveLength(1);
    expect(
      findOutsidePaths(file, "fileURLToPath(new URL('../../../../test/fixtures/postfix/', import.meta.url))"),
    ).toEqual([]);
  });

  describe('in a copy made in an empty temporary folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'mailramp-clone-'));
    const clone = join(parent, 'mailramp');
    afterAll(() => rmSync(parent, { recursive: true, force: true }));

    it('passes the mail-log tests that read the sample logs', async () => {
      const files = await listRepositoryFiles();
      // The mail-log test files that read test/fixtures, through the helpers that list them.
      const tests = files.filter(
        (f) =>
          /^packages\/ops\/src\/maillog\/.*\.test\.ts$/.test(f) &&
          /testing\/(?:sample-logs|reply-corpus)\.js/.test(readFileSync(join(root, f), 'utf8')),
      );
      expect(tests.length).toBeGreaterThanOrEqual(3);
      mkdirSync(clone);
      for (const f of files) {
        mkdirSync(dirname(join(clone, f)), { recursive: true });
        cpSync(join(root, f), join(clone, f), { verbatimSymlinks: true });
      }
      // Packages come from pnpm's store, as `pnpm install` in a fresh clone gives them; the
      // mail-log scanner is built by the test run's global setup, as on a fresh clone.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
      );
      await run('pnpm', ['install', '--offline', '--frozen-lockfile', '--ignore-scripts'], {
        cwd: clone,
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      // The PGlite dumps this run's global setup made (initdb and the migrations, CPU-seconds that
      // the mail-log tests do not need) are named after the same migrations, so the copy reuses them.
      const dumps = join(root, 'node_modules/.cache/mailramp-test');
      if (existsSync(dumps))
        cpSync(dumps, join(clone, 'node_modules/.cache/mailramp-test'), { recursive: true });
      const report = join(parent, 'report.json');
      const vitest = join(clone, 'node_modules/vitest/vitest.mjs');
      // One worker runs the files one after another: each worker more loads vitest and the mail-log
      // modules again (measured: this file 17.7 -> 16.0 CPU-s), while the suite around keeps the cores busy.
      const result = await run(
        process.execPath,
        [vitest, 'run', ...tests, '--maxWorkers=1', '--reporter=json', `--outputFile=${report}`],
        { cwd: clone, env: { ...env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
      ).catch((e: { stdout: string; stderr: string }) => e);
      const output = `${result.stdout}\n${result.stderr}`;
      expect(existsSync(report), output).toBe(true);
      const json = JSON.parse(readFileSync(report, 'utf8')) as {
        success: boolean;
        numFailedTests: number;
        testResults: Array<{ name: string; status: string; message: string }>;
      };
      const byFile = json.testResults.map((r) => [relative(clone, r.name), r.status, r.message]);
      expect(byFile, output).toEqual(tests.map((t) => [t, 'passed', '']));
      expect(json.success).toBe(true);
    }, 600_000);
  });
});
