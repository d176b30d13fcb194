/**
 * Ctrl-C during `ops report --store` on a real process: the CLI says what was interrupted and that
 * nothing was stored, exits 130, and the database holds no part of the run. Without the handler
 * Node died on SIGINT silently (exit by signal, no message).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@mailramp/db';
import { testEngines } from '@mailramp/db/testing';
import { generateMailLog } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliDatabase, createCliDatabase } from './commands/testing/cli-database.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'apps/cli/bin/mailramp.js');
const work = mkdtempSync(join(tmpdir(), 'mailramp-interrupt-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Whether process `pid` has `path` open (Linux /proc): it is reading the log. */
function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describe.each(testEngines())('an interrupted command says what it leaves behind on %s', (engine) => {
  let database: CliDatabase | undefined;
  afterAll(() => database?.destroy());

  it('Ctrl-C during ops report --store: exit 130, "nothing was stored", no row stored', async () => {
    database = await createCliDatabase(engine, work);
    // The log's size only buys time: the child is signalled once it opens the log, and a report
    // looks at signals between reads of 16 MB. Half a day's lines written ten times over take as
    // long to read as 400,000 generated ones, for a tenth of generating them.
    const log = join(work, 'mail.log');
    const chunks: string[] = [];
    generateMailLog({ lines: 40_000, seed: 7, start: new Date(2026, 5, 17, 0, 0) }, (c) => chunks.push(c));
    const hours = Buffer.from(chunks.join(''));
    writeFileSync(log, '');
    for (let i = 0; i < 10; i++) appendFileSync(log, hours);

    const child = spawn(
      process.execPath,
      [
        bin,
        ...database.args,
        'ops',
        'report',
        '--store',
        '--no-rotated',
        '--log',
        log,
        '--date',
        '2026-06-17',
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '' } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // Signal once it reads the log (the handler is in place long before it opens the file).
    let ended = false;
    void exited.then(() => {
      ended = true;
    });
    while (!ended && !hasOpen(child.pid!, log)) await new Promise((r) => setTimeout(r, 5));
    expect(ended, `the report ended before it could be interrupted: ${stderr}`).toBe(false);
    child.kill('SIGINT');
    const { code, signal } = await exited;

    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(stderr).toContain(
      'mailramp: ops report interrupted (SIGINT): nothing was stored (--store writes the whole read in one transaction, after it); run it again',
    );
    const db = connect(database.url ?? { dataDir: join(work, 'data') });
    try {
      expect(await db.selectFrom('report_days').select('day').execute()).toEqual([]);
      expect(await db.selectFrom('report_outcomes').select('day').execute()).toEqual([]);
      expect(await db.selectFrom('alarms').select('id').execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
