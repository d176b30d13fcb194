import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { describe, expect, it } from 'vitest';
import { createContext } from './context.js';
import { CliError } from './exit-codes.js';
import { captureIo } from './io.js';
import { listmonkClientFor } from './listmonk-client.js';

describe('listmonkClientFor', () => {
  it('builds a client from LISTMONK_* and reports retries on stderr without the token', async () => {
    const standIn = await createListmonkStandIn({ version: 6, token: 'tok-secret-1' });
    try {
      const io = captureIo({
        env: {
          LISTMONK_URL: standIn.url,
          LISTMONK_USERNAME: standIn.username,
          LISTMONK_TOKEN: 'tok-secret-1',
        },
      });
      const ctx = createContext(io, () => ({}));
      const client = await listmonkClientFor(ctx, undefined, { retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      standIn.injectFault({ kind: 'status', status: 502, path: '/api/config' });
      expect((await client.getServerInfo()).version.major).toBe(6);
      expect(io.err()).toMatch(/listmonk default: GET \/api\/config failed .*retry 1/);
      expect(io.err()).not.toContain('tok-secret-1');
    } finally {
      await standIn.close();
    }
  });

  it('says what to configure when no instance or an unknown one is asked for', async () => {
    const ctx = createContext(captureIo(), () => ({}));
    await expect(listmonkClientFor(ctx)).rejects.toThrow(/LISTMONK_URL/);
    await expect(listmonkClientFor(ctx, 'healthcare')).rejects.toBeInstanceOf(CliError);
  });
});
