import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createListmonkStandIn } from '@mailramp/listmonk/testing';
import { describe, expect, it } from 'vitest';
import type { CliContext } from './context.js';
import { createContext } from './context.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { captureIo } from './io.js';

/** The client a command gets: the context's SDK session's, with its events reported on stderr. */
async function clientOf(ctx: CliContext, name?: string, extra = {}) {
  return (await ctx.mailramp()).listmonk(name, extra);
}

describe("a command's Listmonk client (the context's SDK session)", () => {
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
      const client = await clientOf(ctx, undefined, { retry: { baseDelayMs: 1, maxDelayMs: 2 } });
      standIn.injectFault({ kind: 'status', status: 502, path: '/api/config' });
      expect((await client.getServerInfo()).version.major).toBe(6);
      expect(io.err()).toMatch(/listmonk default: GET \/api\/config failed .*retry 1/);
      expect(io.err()).not.toContain('tok-secret-1');
    } finally {
      await standIn.close();
    }
  });

  it("honours the instance's auth and sendAtMarginMs (every command gets its client here)", async () => {
    const standIn = await createListmonkStandIn({ version: 6 });
    const dir = await mkdtemp(join(tmpdir(), 'mailramp-client-'));
    try {
      const instance = {
        url: standIn.url,
        username: standIn.username,
        token: standIn.token,
        auth: 'basic',
        sendAtMarginMs: 3_600_000,
      };
      await writeFile(
        join(dir, 'mailramp.config.json'),
        JSON.stringify({ listmonk: { instances: { trucking: instance } } }),
      );
      const now = new Date('2026-06-22T12:00:00Z');
      const ctx = createContext(captureIo({ cwd: dir, env: {}, now: () => now }), () => ({}));
      const client = await clientOf(ctx, 'trucking');
      const { list } = await client.findOrCreateList({ name: 'l' });
      // 30 minutes ahead is inside the configured 1 h margin (default 2 min): refused locally.
      const campaign = { name: 'c', subject: 's', listIds: [list.id], body: 'x' };
      const sendAt = new Date(now.getTime() + 30 * 60_000);
      await expect(client.createCampaign({ ...campaign, sendAt })).rejects.toThrow(/margin is 60min/);
      expect(standIn.requestsTo('POST', '/api/campaigns')).toHaveLength(0);
      expect(standIn.requests.every((r) => String(r.headers.authorization).startsWith('Basic '))).toBe(true);
    } finally {
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a refused login names the instance's own variables, never the unprefixed ones it refuses", async () => {
    const standIn = await createListmonkStandIn({ version: 6 });
    const dir = await mkdtemp(join(tmpdir(), 'mailramp-client-'));
    try {
      const server = { url: standIn.url, username: standIn.username };
      await writeFile(
        join(dir, 'mailramp.config.json'),
        JSON.stringify({ listmonk: { instances: { trucking: server, healthcare: server } } }),
      );
      const env = { LISTMONK_TRUCKING_TOKEN: standIn.token, LISTMONK_HEALTHCARE_TOKEN: '' };
      const ctx = createContext(captureIo({ cwd: dir, env }), () => ({}));
      const client = await clientOf(ctx, 'healthcare');
      const error = await client.getServerInfo().catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        `Listmonk GET /api/config failed: HTTP 403 "invalid API credentials"; listmonk.instances.healthcare has no token: set LISTMONK_HEALTHCARE_TOKEN (set but empty counts as unset) or listmonk.instances.healthcare.token`,
      );
      const truck = await clientOf(ctx, 'trucking');
      expect((await truck.getServerInfo()).version.major).toBe(6);
      // A wrong token: the same instance's variables, and the config keys.
      const wrong = createContext(
        captureIo({ cwd: dir, env: { ...env, LISTMONK_HEALTHCARE_TOKEN: 'wrong' } }),
        () => ({}),
      );
      const refused = await (await clientOf(wrong, 'healthcare')).getServerInfo().catch((e: unknown) => e);
      expect((refused as Error).message).toBe(
        `Listmonk GET /api/config failed: HTTP 403 "invalid API credentials"; check the API user and token of healthcare (LISTMONK_HEALTHCARE_USERNAME / LISTMONK_HEALTHCARE_TOKEN, or listmonk.instances.healthcare.username / .token) and its permissions`,
      );
    } finally {
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what to configure when no instance or an unknown one is asked for', async () => {
    const ctx = createContext(captureIo(), () => ({}));
    await expect(clientOf(ctx)).rejects.toThrow(/LISTMONK_URL/);
    const unknown = await clientOf(ctx, 'healthcare').catch((e: unknown) => e);
    expect(exitCodeOf(unknown)).toBe(EXIT.USAGE);
  });
});
