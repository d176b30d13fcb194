import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testEngines } from '@mailramp/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

describe.each(testEngines())('mailramp db on %s', (engine) => {
  const dirs: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function target(): Promise<string[]> {
    if (engine === 'pglite') {
      const dir = mkdtempSync(join(tmpdir(), 'mailramp-cli-'));
      dirs.push(dir);
      return ['--data-dir', join(dir, 'data')];
    }
    const t = await createTestDatabase({ engine, migrate: false });
    cleanups.push(() => t.destroy());
    return ['--database-url', t.url!];
  }

  it('status says pending (exit 1), migrate applies (exit 0), then status is clean (exit 0)', async () => {
    const args = await target();
    const before = captureIo();
    expect(await runCli([...args, 'db', 'status', '--json'], before)).toBe(EXIT.FINDINGS);
    const pending = JSON.parse(before.out()) as { migrations: Array<{ state: string }> };
    expect(pending.migrations.every((m) => m.state === 'pending')).toBe(true);

    const migrate = captureIo();
    expect(await runCli([...args, 'db', 'migrate', '--json'], migrate)).toBe(EXIT.OK);
    const result = JSON.parse(migrate.out()) as { applied: string[] };
    expect(result.applied.length).toBe(pending.migrations.length);

    const again = captureIo();
    expect(await runCli([...args, 'db', 'migrate', '--json'], again)).toBe(EXIT.OK);
    expect(JSON.parse(again.out())).toEqual({ applied: [], alreadyApplied: result.applied.length });

    const after = captureIo();
    expect(await runCli([...args, 'db', 'status'], after)).toBe(EXIT.OK);
    expect(after.err()).toContain('up to date');
  });
});

describe('mailramp usage and errors', () => {
  it('prints help for every command with exit 0', async () => {
    for (const argv of [
      ['--help'],
      ['db', '--help'],
      ['db', 'migrate', '--help'],
      ['config', 'schema', '--help'],
    ]) {
      const io = captureIo();
      expect(await runCli(argv, io)).toBe(EXIT.OK);
      expect(io.out()).toContain('Usage: mailramp');
    }
  });

  it('exits 2 on an unknown command or option', async () => {
    const io = captureIo();
    expect(await runCli(['db', 'explode'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain("unknown command 'explode'");
    expect(await runCli(['db', 'migrate', '--nope'], captureIo())).toBe(EXIT.USAGE);
  });

  it('exits 3 with a clear message when the database cannot be reached', async () => {
    const io = captureIo();
    expect(await runCli(['--database-url', 'postgres://nobody@127.0.0.1:1/none', 'db', 'status'], io)).toBe(
      EXIT.UNAVAILABLE,
    );
    expect(io.err()).toContain('cannot reach the database at postgres://nobody@127.0.0.1:1/none');
  });

  it('a data directory that is no usable embedded database: exit 3 with advice about the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-cli-corrupt-'));
    try {
      // What PGlite finds after a bad copy or another program's files: a PG_VERSION it cannot run.
      writeFileSync(join(dir, 'PG_VERSION'), '99\n');
      const io = captureIo({ env: { DATABASE_URL: '' } });
      expect(await runCli(['--data-dir', dir, 'db', 'status'], io)).toBe(EXIT.UNAVAILABLE);
      expect(io.err()).toContain(`cannot open the embedded PGlite at ${dir}:`);
      expect(io.err()).toContain('restore the directory from a backup');
      expect(io.err()).not.toContain('--database-url / DATABASE_URL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on an invalid config, naming every problem', async () => {
    const io = captureIo({ env: { DATABASE_URL: 'mysql://x' } });
    expect(await runCli(['config', 'check'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('database.url: must be a postgres:// URL');
  });

  it('config show redacts secrets coming from the environment', async () => {
    const io = captureIo({ env: { LISTMONK_URL: 'http://127.0.0.1:9000', LISTMONK_TOKEN: 'sekrit-token' } });
    expect(await runCli(['config', 'show'], io)).toBe(EXIT.OK);
    expect(io.out()).not.toContain('sekrit-token');
    expect(JSON.parse(io.out()).listmonk.instances.default.token).toBe('***');
  });
});
