import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

// The README's first quick-start command ends in `pnpm demo`: it must exit 0 on a fresh data
// directory and print a plan whose every campaign renders (the dry run is a preflight, so a
// template reading a value the demo config lacks would turn it into exit 1).
describe('pnpm demo (the quick start)', () => {
  it('migrates, seeds and prints a clean dry-run plan on a fresh embedded database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-demo-'));
    const { stdout, stderr } = await run('pnpm', ['-s', 'demo'], {
      cwd: root,
      env: { ...process.env, MAILRAMP_DEMO_DIR: join(dir, 'data') },
      maxBuffer: 16 * 1024 * 1024,
    });
    // The CLI creates the data directory owner-only: it holds addresses.
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    const out = `${stdout}${stderr}`;
    expect(out).toMatch(/segments \(by priority\)/);
    expect(out).not.toMatch(/would stop before Listmonk/);
    const selected = /^mcs150\s+\d+\s+([\d,]+)/m.exec(out);
    expect(Number(selected?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
    // The demo holds domains that cannot take mail, as classify-mx tags them: never scheduled.
    for (const reason of ['domain_not_found', 'null_mx', 'no_mail_host'])
      expect(out).toMatch(new RegExp(`^${reason}\\s+\\d`, 'm'));
  }, 240_000);
});
