import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createListmonkClient } from '@mailramp/listmonk';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../../', import.meta.url).pathname;

describe('mailramp dev listmonk', () => {
  it('serves the stand-in as a process that a real client can use, and stops cleanly on SIGTERM', async () => {
    // Dist while it is fresh, the sources through tsx otherwise: bin/mailramp.js decides.
    const bin = join(root, 'apps/cli/bin/mailramp.js');
    const child = spawn(
      process.execPath,
      [bin, 'dev', 'listmonk', '--port', '0', '--listmonk-version', '4', '--token', 't0k', '--json'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const info = await new Promise<{ url: string; version: string }>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        try {
          resolve(JSON.parse(out) as { url: string; version: string });
        } catch {
          // not complete yet
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    expect(info.version).toBe('v4.1.0');
    const client = createListmonkClient({ url: info.url, username: 'mailramp', token: 't0k' });
    expect((await client.findOrCreateList({ name: 'try' })).created).toBe(true);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(err).toContain('listening at');
    expect(err).not.toContain('t0k');
  });
});
