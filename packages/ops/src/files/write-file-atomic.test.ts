import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWatchdogState, writeWatchdogState } from '../health/watchdog-state.js';
import { writeFileAtomic } from './write-file-atomic.js';

const state = { version: 1 as const, pendingFlush: true, lastRun: '2026-12-07T12:00:00.000Z' };

describe('state files are written through a random O_EXCL temp file (issue #20)', () => {
  it('the watchdog never writes through a symlink planted at a temp name it could use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-state-'));
    const path = join(dir, 'watchdog.json');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    // The name the old code used (pid-based) and a few guesses: none of them may be followed.
    for (const name of [`${path}.${process.pid}.tmp`, `${path}.tmp`, `${path}.new`])
      symlinkSync(victim, name);
    await writeWatchdogState(path, state);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(await readWatchdogState(path)).toEqual(state);
    expect(lstatSync(path).isFile()).toBe(true);
  });

  it('replaces a symlink at the target itself instead of writing to where it points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-state-'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    const path = join(dir, 'state.json');
    symlinkSync(victim, path);
    await writeFileAtomic(path, '{"new":true}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}\n');
  });

  it('uses a new random temp name each time and leaves none behind, also on failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-state-'));
    const path = join(dir, 'state.json');
    await Promise.all([1, 2, 3, 4].map((n) => writeFileAtomic(path, `${n}\n`)));
    expect(readdirSync(dir)).toEqual(['state.json']);
    // A target that cannot be replaced (a directory): the error comes back, no temp file stays.
    const blocked = join(dir, 'blocked');
    await import('node:fs').then((fs) => fs.mkdirSync(join(blocked, 'x'), { recursive: true }));
    await expect(writeFileAtomic(blocked, 'x')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['blocked', 'state.json']);
  });
});
