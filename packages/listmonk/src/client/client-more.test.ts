import { afterEach, describe, expect, it } from 'vitest';
import { catchListmonkError, createStandInKit } from '../testing/create-stand-in-kit.js';

// Settings, templates, subscribers, bounces and preview through the real client over real HTTP.

// The manager never runs: a campaign set running stays running, as during a long send.
const kit = createStandInKit({ restartMs: 150, scanIntervalMs: Number.POSITIVE_INFINITY });
afterEach(() => kit.closeAll());
const setup = kit.connect;

type Smtp = { password: string };

describe('settings: safe partial update', () => {
  it('changes only the given keys, keeps every secret, and waits for the restart to finish', async () => {
    const { client, standIn, events } = await setup({ version: 5 });
    const before = structuredClone(standIn.state.settings);
    const result = await client.updateSettings({
      'app.message_sliding_window': true,
      'app.message_sliding_window_rate': 250,
      'app.message_rate': 10,
    });
    expect(result).toEqual({
      changed: ['app.message_sliding_window', 'app.message_sliding_window_rate'],
      applied: true,
      needsRestart: false,
    });
    expect(standIn.isRestarting()).toBe(false);
    expect(standIn.state.appliedSettings['app.message_sliding_window_rate']).toBe(250);
    expect(standIn.state.settings).toEqual({
      ...before,
      'app.message_sliding_window': true,
      'app.message_sliding_window_rate': 250,
    });
    expect((standIn.state.settings.smtp as Smtp[])[0]!.password).toBe('smtp-password-value');
    const put = JSON.parse(standIn.requestsTo('PUT', '/api/settings')[0]!.body) as Record<string, unknown>;
    expect((put.smtp as Smtp[])[0]!.password).toBe('');
    expect(JSON.stringify(put)).not.toContain('•');
    expect(events.some((e) => e.type === 'restart-waiting')).toBe(true);
    expect(standIn.requestsTo('GET', '/api/config').some((r) => r.status === 200)).toBe(true);
  });

  it('writes nothing (and restarts nothing) when no value changes', async () => {
    const { client, standIn } = await setup();
    expect(await client.updateSettings({ 'app.message_rate': 10 })).toEqual({
      changed: [],
      applied: true,
      needsRestart: false,
    });
    expect(standIn.requestsTo('PUT', '/api/settings')).toHaveLength(0);
  });

  it('refuses an unknown key before sending anything', async () => {
    const { client, standIn } = await setup({ version: 6 });
    const error = await catchListmonkError(client.updateSettings({ 'app.mesage_rate': 5 }));
    expect(error.code).toBe('REJECTED');
    expect(error.message).toMatch(/app\.mesage_rate/);
    expect(standIn.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('v6: writes each changed key alone with PUT /api/settings/:key', async () => {
    const { client, standIn } = await setup({ version: '6.2.0' });
    await client.updateSettings({ 'app.message_rate': 3, 'app.concurrency': 2 });
    expect(standIn.requestsTo('PUT', /^\/api\/settings\//).map((r) => [r.path, r.body])).toEqual([
      ['/api/settings/app.message_rate', '3'],
      ['/api/settings/app.concurrency', '2'],
    ]);
    expect(standIn.requestsTo('PUT', '/api/settings')).toHaveLength(0);
    expect(standIn.state.appliedSettings).toMatchObject({ 'app.message_rate': 3, 'app.concurrency': 2 });
  });

  it('v6: a change carrying a masked secret goes through the full PUT, so the secret is kept', async () => {
    const { client, standIn } = await setup({ version: '6.2.0' });
    const smtp = (await client.getSettings()).smtp as Array<Record<string, unknown>>;
    await client.updateSettings({ smtp: [{ ...smtp[0], max_conns: 5 }] });
    expect(standIn.requestsTo('PUT', /^\/api\/settings\/./)).toHaveLength(0);
    const stored = (standIn.state.settings.smtp as Array<Record<string, unknown>>)[0]!;
    expect(stored).toMatchObject({ max_conns: 5, password: 'smtp-password-value' });
  });

  it.each([2, 3])(
    'v%i: auth "auto" falls back to Basic even when the first call is a settings read',
    async (version) => {
      const { client, standIn } = await setup({ version });
      expect((await client.getSettings())['app.message_rate']).toBe(10);
      expect(standIn.requestsTo('GET', '/api/settings').map((r) => r.status)).toEqual([200]);
    },
  );

  it('reports needs_restart while a campaign runs, and reloadListmonk() applies it', async () => {
    const { client, standIn } = await setup();
    const { list } = await client.findOrCreateList({ name: 'l' });
    const c = await client.createCampaign({ name: 'c', subject: 's', listIds: [list.id], body: 'x' });
    await client.changeCampaignStatus(c.id, 'running');
    expect(await client.updateSettings({ 'app.message_rate': 2 })).toEqual({
      changed: ['app.message_rate'],
      applied: false,
      needsRestart: true,
    });
    expect(standIn.state.appliedSettings['app.message_rate']).toBe(10);
    // The info detected before the save is cached; refreshServerInfo() reads the state now.
    expect((await client.getServerInfo()).needsRestart).toBe(false);
    expect((await client.refreshServerInfo()).needsRestart).toBe(true);
    await client.reloadListmonk();
    expect(standIn.state.appliedSettings['app.message_rate']).toBe(2);
    expect((await client.getServerInfo()).needsRestart).toBe(false);
  });

  it('UNAVAILABLE when Listmonk does not come back after the restart', async () => {
    const { client } = await setup({ restartMs: 60_000 }, { restartTimeoutMs: 300 });
    const error = await catchListmonkError(client.updateSettings({ 'app.message_rate': 2 }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/did not answer again/);
  });
});

describe('templates', () => {
  it('creates, finds by name (lowest id), updates; refuses a template without the content placeholder locally', async () => {
    const { client, standIn } = await setup();
    const t = await client.createTemplate({
      name: 'trucking',
      body: '<main>{{ template "content" . }}</main>',
    });
    await client.createTemplate({ name: 'trucking', body: '{{ template "content" . }}' });
    expect((await client.findTemplate('trucking'))?.id).toBe(t.id);
    expect(await client.findTemplate('nope')).toBeUndefined();
    const updated = await client.updateTemplate(t.id, {
      body: '<section>{{ template "content" . }}</section>',
    });
    expect(updated).toMatchObject({
      name: 'trucking',
      body: '<section>{{ template "content" . }}</section>',
    });
    const error = await catchListmonkError(client.createTemplate({ name: 'bad', body: '<p>no content</p>' }));
    expect(error.code).toBe('REJECTED');
    expect(standIn.requestsTo('POST', '/api/templates')).toHaveLength(2);
    expect((await catchListmonkError(client.getTemplate(99))).code).toBe('NOT_FOUND');
  });
});

describe('subscribers', () => {
  it('looks subscribers up by e-mail (quotes escaped, case-insensitive), in chunks fanned out', async () => {
    const { client, api, standIn } = await setup();
    await api('POST', '/api/subscribers', { email: "o'brien@x.org" });
    for (let i = 0; i < 120; i += 1) await api('POST', '/api/subscribers', { email: `s${i}@x.org` });
    expect((await client.findSubscriberByEmail("O'Brien@x.org"))?.email).toBe("o'brien@x.org");
    expect(await client.findSubscriberByEmail('missing@x.org')).toBeUndefined();
    standIn.clearRequests();
    const found = await client.findSubscribersByEmail([
      ...Array.from({ length: 120 }, (_, i) => `S${i}@x.org`),
      'none@x.org',
    ]);
    expect(found.size).toBe(120);
    expect(standIn.requestsTo('GET', '/api/subscribers')).toHaveLength(3);
  });

  it('blocklists addresses in bulk with one import, known or not', async () => {
    const { client, api, standIn } = await setup();
    const { list } = await client.findOrCreateList({ name: 'l' });
    await api('POST', '/api/subscribers', { email: 'known@x.org', lists: [list.id] });
    standIn.clearRequests();
    const result = await client.blocklistEmails(['known@x.org', 'new@x.org']);
    expect(result).toEqual({ submitted: 2, imported: 2, skipped: 0 });
    expect(standIn.requestsTo('POST', '/api/import/subscribers')).toHaveLength(1);
    const all = [...standIn.state.subscribers.values()];
    expect(all.map((s) => [s.email, s.status, [...s.lists.values()]])).toEqual([
      ['known@x.org', 'blocklisted', ['unsubscribed']],
      ['new@x.org', 'blocklisted', []],
    ]);
  });

  it('v2: blocklists too, although Listmonk v2 skips an import row without a name', async () => {
    // LISTMONK.md:54-55 (v2's importer refuses an empty name; v3+ derive it from the local part)
    const { client, api, standIn } = await setup({ version: '2.5.1' });
    const { list } = await client.findOrCreateList({ name: 'l' });
    await api('POST', '/api/subscribers', { email: 'known@x.org', name: 'Known Co', lists: [list.id] });
    const result = await client.blocklistEmails(['known@x.org', 'jane.roe@x.org']);
    expect(result).toEqual({ submitted: 2, imported: 2, skipped: 0 });
    const all = [...standIn.state.subscribers.values()];
    expect(all.map((s) => [s.email, s.name, s.status])).toEqual([
      ['known@x.org', 'Known Co', 'blocklisted'],
      ['jane.roe@x.org', 'Jane Roe', 'blocklisted'],
    ]);
  });

  it('blocklists by id', async () => {
    const { client, api, standIn } = await setup();
    await api('POST', '/api/subscribers', { email: 'a@x.org' });
    await client.blocklistSubscriberIds([1]);
    expect(standIn.state.subscribers.get(1)!.status).toBe('blocklisted');
  });
});

describe('bounces', () => {
  it('lists every bounce across pages, or only those since an instant (newest first, stopping early)', async () => {
    const { client, api, standIn } = await setup();
    await api('POST', '/api/subscribers', { email: 'a@x.org' });
    const t0 = Date.parse('2026-06-01T00:00:00Z');
    for (let i = 0; i < 120; i += 1)
      standIn.addBounce({ email: 'a@x.org', createdAt: new Date(t0 + i * 60_000) });
    expect(await client.listBounces()).toHaveLength(120);
    standIn.clearRequests();
    const recent = await client.listBounces({ since: new Date(t0 + 100 * 60_000) });
    expect(recent).toHaveLength(20);
    expect(recent[0]!.created_at > recent[19]!.created_at).toBe(true);
    expect(standIn.requestsTo('GET', '/api/bounces')).toHaveLength(1);
  });
});

describe('preview', () => {
  it('renders through the template and registers the tracked links', async () => {
    const { client, standIn } = await setup();
    const { list } = await client.findOrCreateList({ name: 'l' });
    const c = await client.createCampaign({
      name: 'c',
      subject: 's',
      listIds: [list.id],
      body: '<p>Hi {{ .Subscriber.FirstName }}, <a href="https://fmcsa.example/mcs150@TrackLink">file</a></p>',
    });
    const html = await client.previewCampaign(c.id);
    // The stored body, not an empty form (which Listmonk previews as an empty body).
    expect(html).toContain('Hi Demo,');
    expect(standIn.requestsTo('GET', `/api/campaigns/${c.id}/preview`)).toHaveLength(1);
    expect(html).toContain('/subscription/');
    expect([...standIn.state.links.keys()]).toEqual(['https://fmcsa.example/mcs150']);
    const other = await client.previewCampaign(c.id, { body: '{{ TrackLink "https://other.example" . }}' });
    expect(other).toMatch(/\/link\/[0-9a-f-]{36}\//);
    expect(standIn.state.links.size).toBe(2);
  });
});
