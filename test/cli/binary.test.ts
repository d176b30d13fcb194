import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { INSTALLED_BINARY } from '../../apps/cli/src/installed-binary.js';
import { connect, getMigrationStatus } from '../../packages/db/src/index.js';
import { createTestDataDir } from '../../packages/db/src/testing/index.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

describe('the mailramp binary', () => {
  it('runs as `mailramp` from the PATH through the symlink the README installs (issue #22)', async () => {
    // The README's one install command, and the path the printed units and cron lines call.
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const install = /^sudo ln -sf "\$PWD\/(\S+)" (\S+)$/m.exec(readme);
    expect(install?.slice(1)).toEqual(['apps/cli/bin/mailramp.js', INSTALLED_BINARY]);
    const bin = mkdtempSync(join(tmpdir(), 'mailramp-path-'));
    symlinkSync(join(root, install?.[1] ?? ''), join(bin, basename(INSTALLED_BINARY)));
    const elsewhere = mkdtempSync(join(tmpdir(), 'mailramp-cwd-'));
    const { stdout } = await run('mailramp', ['db', '--help'], {
      cwd: elsewhere,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    expect(stdout).toContain('Usage: mailramp db');
  });

  it('runs from the repository with no build step and exits with the command’s code', async () => {
    // An initdb'd data directory no migration has touched (the test dump: initdb costs PGlite
    // seconds), so `db migrate` still applies every migration.
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-bin-'));
    await createTestDataDir(dir, { migrate: false });
    const bin = join(root, 'apps/cli/bin/mailramp.js');
    // The TypeScript sources through tsx, as with no dist/ built, even when dist/ is fresh.
    const options = { cwd: root, env: { ...process.env, MAILRAMP_FROM_SOURCE: '1' } };
    const { stderr } = await run(process.execPath, [bin, '--data-dir', dir, 'db', 'migrate'], options);
    expect(stderr).toContain('applied 0001_audience.sql');
    // What the process left on disk, read here: a third tsx start (`db status`, ~3 CPU-s) would
    // prove no more about running from the sources; db.test.ts holds `db status` to its output.
    const db = connect({ dataDir: dir });
    try {
      const states = await getMigrationStatus(db);
      expect(states.length).toBeGreaterThan(0);
      expect(states.filter((m) => m.state !== 'applied')).toEqual([]);
    } finally {
      await db.destroy();
    }
    // An unknown command of the db group: the usage error's code, without loading every group.
    const failed = await run(process.execPath, [bin, 'db', 'no-such-command'], options).catch(
      (e: { code: number }) => e,
    );
    expect((failed as { code: number }).code).toBe(2);
    // Two cold tsx starts over the sources they load: ~7 s alone, far more when the suite's
    // other files keep both cores busy.
  }, 180_000);

  it('`pnpm mailramp` resolves relative paths against the directory it was typed in', async () => {
    const from = join(root, 'test/fixtures');
    const failed = await run('pnpm', ['-s', 'mailramp', 'audience', 'import', 'fmcsa', 'no-such.csv'], {
      cwd: from,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toContain(join(from, 'no-such.csv'));
  });

  it('`pnpm -s mailramp config schema > file` writes JSON Schema and nothing else (README)', async () => {
    const { stdout } = await run('pnpm', ['-s', 'mailramp', 'config', 'schema'], { cwd: root });
    const schema = JSON.parse(stdout) as { properties?: Record<string, unknown> };
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['database', 'build']));
  });
});
