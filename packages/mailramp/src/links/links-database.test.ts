/**
 * Which database a links repair works on is the SDK's rule (issue #22: the environment is read by
 * the session, not by a command file): the URL given, else LISTMONK_DATABASE_URL, never mailramp's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMailramp } from '../open-mailramp.js';

describe("links repair: Listmonk's database", () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-links-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const open = (env: Record<string, string>) =>
    openMailramp({ database: { dataDir: join(dir, 'data') } }, { env, cwd: dir });

  it('without a URL or LISTMONK_DATABASE_URL, refuses with what to give, touching no database', async () => {
    await using mailramp = await open({});
    await expect(mailramp.links.plan()).rejects.toMatchObject({
      name: 'MailrampError',
      code: 'INVALID_INPUT',
      message:
        "a links repair needs Listmonk's database: pass its postgres:// URL (CLI: --database-url) or set LISTMONK_DATABASE_URL",
    });
    await expect(mailramp.links.revert(undefined, { name: 'x' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('reads LISTMONK_DATABASE_URL from the environment the session was opened with', async () => {
    await using mailramp = await open({ LISTMONK_DATABASE_URL: 'postgres://listmonk@127.0.0.1:1/listmonk' });
    await expect(mailramp.links.plan()).rejects.toMatchObject({
      name: 'DbError',
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/^cannot reach Listmonk's database: /),
    });
    // A URL given wins over the environment.
    await expect(mailramp.links.apply('postgres://listmonk@127.0.0.1:2/listmonk')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
