import { catchListmonkError, createStandInKit } from '@mailramp/listmonk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createRampSettingsClient } from './create-ramp-settings-client.js';

describe('createRampSettingsClient over the real client and the stand-in', () => {
  // The manager never runs: a campaign set running stays running, as during a long send.
  const kit = createStandInKit({ restartMs: 50, scanIntervalMs: Number.POSITIVE_INFINITY });
  afterEach(() => kit.closeAll());

  it('reads needs_restart fresh each time, though the client cached it as false before the save', async () => {
    const { client, api, standIn } = await kit.connect({ version: 6 });
    const port = createRampSettingsClient(client);
    expect(await port.needsRestart()).toBe(false);
    await api('POST', '/api/lists', { name: 'l' });
    await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [1], body: 'x' });
    await api('PUT', '/api/campaigns/1/status', { status: 'running' });
    expect(await port.updateSettings({ 'app.message_sliding_window_rate': 200 })).toEqual({
      needsRestart: true,
    });
    expect(await port.needsRestart()).toBe(true);
    await port.reload();
    expect(await port.needsRestart()).toBe(false);
    expect(standIn.state.appliedSettings['app.message_sliding_window_rate']).toBe(200);
  });

  it('v3: works under the default auth "auto" (Basic after the 401), reading settings first', async () => {
    const { client, standIn } = await kit.connect({ version: 3 });
    const port = createRampSettingsClient(client);
    expect((await port.getSettings())['app.message_rate']).toBe(10);
    expect(standIn.requestsTo('GET', '/api/settings').map((r) => r.status)).toEqual([200]);
  });

  it('passes the client’s refusal of an unknown key through (nothing written)', async () => {
    const { client, standIn } = await kit.connect({ version: 6 });
    const error = await catchListmonkError(
      createRampSettingsClient(client).updateSettings({ 'app.nope': 1 }),
    );
    expect(error.code).toBe('REJECTED');
    expect(standIn.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });
});
