import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './lock-data-dir.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A live process other than this one, and its start time as the lock records it. */
function otherProcess(): { pid: number; start: string } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
  return { pid: child.pid!, start };
}

describe('the data-directory lock names its holder (issue 20)', () => {
  it('a command holding it is named, and a running service gets advice that does not wait for it', () => {
    for (const [command, advice] of [
      ['mailramp build', 'wait for that run to finish'],
      ['mailramp serve', 'the service holds it for as long as it runs'],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'mailramp-lock-unit-'));
      const holder = otherProcess();
      writeFileSync(
        join(dir, DATA_DIR_LOCK_FILE),
        JSON.stringify({ ...holder, host: hostname(), since: '2026-12-01T06:00:00.000Z', command }),
      );
      expect(() => lockDataDir(dir, 'mailramp build')).toThrowError(
        expect.objectContaining({
          code: 'LOCKED',
          message: expect.stringContaining(
            `(process ${holder.pid}, \`${command}\`, since 2026-12-01T06:00:00.000Z)`,
          ),
        }),
      );
      expect(() => lockDataDir(dir)).toThrowError(
        expect.objectContaining({ message: expect.stringContaining(advice) }),
      );
    }
  });

  it('records what the process is, for the next one to name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-lock-unit-'));
    const lock = lockDataDir(dir, 'mailramp serve');
    try {
      expect(JSON.parse(readFileSync(join(dir, DATA_DIR_LOCK_FILE), 'utf8'))).toMatchObject({
        pid: process.pid,
        command: 'mailramp serve',
      });
    } finally {
      lock.release();
    }
  });
});
