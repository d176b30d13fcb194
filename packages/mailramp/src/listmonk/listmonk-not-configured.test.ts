/**
 * Issue #22: errors about a missing Listmonk advise only what works. With no `listmonk.instances`
 * the LISTMONK_* variables define the one instance every vertical uses, so that is the advice; with
 * instances in the file an unprefixed variable would be refused, so the advice is the file's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMailramp } from '../open-mailramp.js';

const server = (port: number) => ({ url: `http://127.0.0.1:${port}`, username: 'api', token: 't' });

describe('a Listmonk that is not configured', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-no-listmonk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const open = (config: Record<string, unknown>, env: Record<string, string> = {}) =>
    openMailramp(
      { database: { dataDir: join(dir, 'data') }, ...config },
      { env, cwd: dir, now: () => new Date('2026-06-22T06:00:00Z') },
    );
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('it should have failed'),
      (error: Error & { code?: string }) => error,
    );

  it('with none in the file, a live build advises the LISTMONK_* variables, which define it', async () => {
    await using mailramp = await open({});
    const error = await failure(mailramp.build.run({ vertical: 'trucking' }));
    expect(error.code).toBe('BUILD_CONFIG');
    expect(error.message).toContain('set LISTMONK_URL, LISTMONK_USERNAME and LISTMONK_TOKEN');
    // Naming another instance for the vertical would need one in the file too: not advised.
    expect(error.message).not.toContain('listmonkInstance');
  });

  it('with instances in the file, a build of a vertical none serves names them, never LISTMONK_URL', async () => {
    await using mailramp = await open({
      listmonk: { instances: { trucking: server(9001), other: server(9002) } },
    });
    const error = await failure(mailramp.build.run({ vertical: 'healthcare' }));
    expect(error.code).toBe('BUILD_CONFIG');
    expect(error.message).toBe(
      'no Listmonk instance "healthcare" for the healthcare build; add listmonk.instances.healthcare, or set build.verticals.healthcare.listmonkInstance to one of trucking, other',
    );
  });

  it('a vertical naming an instance LISTMONK_URL does not define is not told to set LISTMONK_URL', async () => {
    await using mailramp = await open(
      { build: { verticals: { trucking: { listmonkInstance: 'trucking' } } } },
      { LISTMONK_URL: 'http://127.0.0.1:9001', LISTMONK_USERNAME: 'api', LISTMONK_TOKEN: 't' },
    );
    const error = await failure(mailramp.build.run({ vertical: 'trucking' }));
    expect(error.message).toBe(
      'no Listmonk instance "trucking" for the trucking build; add listmonk.instances.trucking, or set build.verticals.trucking.listmonkInstance to one of default',
    );
  });

  it('the SDK asks a script for an instance name, not for a CLI flag', async () => {
    await using mailramp = await open({
      listmonk: { instances: { trucking: server(9001), other: server(9002) } },
    });
    const several = await failure(mailramp.listmonk());
    expect(several).toMatchObject({ name: 'MailrampError', code: 'LISTMONK_NOT_CONFIGURED' });
    expect(several.message).toBe(
      "several Listmonk servers are configured (trucking, other): name the one to use, e.g. mailramp.listmonk('trucking')",
    );
    const unknown = await failure(mailramp.listmonk('healthcare'));
    expect(unknown.message).toBe(
      'no Listmonk server called "healthcare" in the config (configured: trucking, other); add listmonk.instances.healthcare',
    );
  });
});
