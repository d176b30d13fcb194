import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { ip } from './testing/rampcap-fixtures.js';

describe('mailramp config check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const server = { url: 'http://lm:9000', username: 'api' };
  writeFileSync(
    join(dir, 'mailramp.config.json'),
    JSON.stringify({ listmonk: { instances: { trucking: server, healthcare: server } } }),
  );

  it('reports a Listmonk instance without credentials as a problem (exit 2), an empty variable as unset', async () => {
    const io = captureIo({
      cwd: dir,
      env: { LISTMONK_TRUCKING_TOKEN: 'tok', LISTMONK_HEALTHCARE_TOKEN: '' },
    });
    expect(await runCli(['config', 'check'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain(
      'listmonk.instances.healthcare has no token: set LISTMONK_HEALTHCARE_TOKEN (set but empty counts as unset)',
    );
    expect(io.err()).not.toContain('listmonk.instances.trucking');
    expect(io.err()).not.toContain('is valid');

    const ok = captureIo({
      cwd: dir,
      env: { LISTMONK_TRUCKING_TOKEN: 'tok', LISTMONK_HEALTHCARE_TOKEN: 'tok' },
    });
    expect(await runCli(['config', 'check'], ok)).toBe(EXIT.OK);
    expect(ok.err()).toContain('is valid');
  });

  it('is valid with a warning for a warm-up stream no Listmonk instance reaches (exit 0)', async () => {
    const spare = join(dir, 'spare');
    mkdirSync(spare);
    writeFileSync(
      join(spare, 'mailramp.config.json'),
      JSON.stringify({ warmup: { streams: { spare: { ips: [ip(94)], start: '2026-06-02' } } } }),
    );
    const io = captureIo({ cwd: spare });
    expect(await runCli(['config', 'check'], io)).toBe(EXIT.OK);
    expect(io.err()).toContain('is valid');
    expect(io.err()).toContain('  warning: warmup.streams.spare reaches no Listmonk instance');
  });
});
