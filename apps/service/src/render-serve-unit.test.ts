/**
 * Which database and config file the printed unit pins is the service's rule, not the CLI
 * command's (issue #22): the embedded database's directory on disk only, both paths absolute
 * against where the unit was printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMailramp } from 'mailramp';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSessionServeUnit } from './render-serve-unit.js';

const execStart = (unit: string) => /^ExecStart=(.*)$/m.exec(unit)?.[1]?.split(' ');

describe('renderSessionServeUnit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-serve-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const unitOf = async (source: string | Record<string, unknown>, env: Record<string, string> = {}) => {
    await using mailramp = await openMailramp(source, { env, cwd: dir });
    return renderSessionServeUnit(mailramp, { binary: '/usr/local/bin/mailramp', user: 'root', cwd: dir })
      .unit;
  };

  it('pins the config file and the embedded data directory, absolute, in the directory printed from', async () => {
    writeFileSync(join(dir, 'mailramp.config.json'), JSON.stringify({ database: { dataDir: 'state/db' } }));
    const unit = await unitOf('mailramp.config.json');
    expect(execStart(unit)).toEqual([
      '/usr/local/bin/mailramp',
      '--config',
      join(dir, 'mailramp.config.json'),
      '--data-dir',
      join(dir, 'state/db'),
      'serve',
    ]);
    expect(unit).toContain(`\nWorkingDirectory=${dir}\n`);
  });

  it('pins no data directory for PostgreSQL (DATABASE_URL comes from the environment file) or memory://', async () => {
    expect(execStart(await unitOf('env', { DATABASE_URL: 'postgres://mailramp@db/mailramp' }))).toEqual([
      '/usr/local/bin/mailramp',
      'serve',
    ]);
    expect(execStart(await unitOf({ database: { dataDir: 'memory://' } }))).toEqual([
      '/usr/local/bin/mailramp',
      'serve',
    ]);
  });
});
