import { afterEach, describe, expect, it } from 'vitest';
import { createStandInKit } from './create-stand-in-kit.js';
import { MSG } from './messages.js';
import type { createRawApi } from './stand-in-fetch.js';

// A campaign's life in Listmonk as ../shared/LISTMONK.md (sections Campaigns, Settings, Template
// language) and Listmonk's manager and queries describe it. Each test cites the line it encodes.

const kit = createStandInKit({ restartMs: 20 });
afterEach(() => kit.closeAll());

type Api = ReturnType<typeof createRawApi>;
const T0 = new Date('2026-06-22T12:00:00Z');
const at = (ms: number): string => new Date(T0.getTime() + ms).toISOString();

async function boot(version: number | string) {
  let t = T0.getTime();
  const started = await kit.start({ version, now: () => new Date(t) });
  const advance = (ms: number) => {
    t += ms;
  };
  return { ...started, advance };
}

async function listWith(api: Api, emails: string[]): Promise<number> {
  const list = (await api('POST', '/api/lists', { name: 'l' })).body.data as { id: number };
  for (const email of emails) {
    await api('POST', '/api/subscribers', {
      email,
      name: 'N',
      lists: [list.id],
      preconfirm_subscriptions: true,
    });
  }
  return list.id;
}

async function campaign(api: Api, listId: number, extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/campaigns', {
    name: 'c',
    subject: 'Hi',
    lists: [listId],
    content_type: 'html',
    body: '<p>x</p>',
    ...extra,
  });
  expect(res.status).toBe(200);
  return res.body.data as { id: number; status: string; to_send: number; lists: unknown[] };
}

const get = async (api: Api, id: number) =>
  (await api('GET', `/api/campaigns/${id}`)).body.data as { status: string; sent: number; to_send: number };

describe('after send_at', () => {
  it.each([4, 5, 6])('v%i: scheduled → running → finished, sent growing with the clock', async (version) => {
    // LISTMONK.md:110
    const { api, advance, standIn } = await boot(version);
    const emails = Array.from({ length: 150 }, (_, i) => `s${i}@x.org`);
    const listId = await listWith(api, emails);
    const c = await campaign(api, listId, { send_at: at(60_000), send_later: true });
    expect((await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' })).status).toBe(200);
    expect(await get(api, c.id)).toMatchObject({ status: 'scheduled', sent: 0 });
    advance(60_000);
    expect(await get(api, c.id)).toMatchObject({ status: 'scheduled', sent: 0 });
    advance(5_000); // the manager's next scan
    expect(await get(api, c.id)).toMatchObject({ status: 'running', to_send: 150, sent: 0 });
    advance(1_000); // 10 workers × 10 messages/s
    expect(await get(api, c.id)).toMatchObject({ status: 'running', sent: 100 });
    advance(2_000);
    expect(await get(api, c.id)).toMatchObject({ status: 'finished', sent: 150 });
    expect(standIn.state.messages.map((m) => m.to)).toEqual(emails);
  });

  it('v5.0.1+: a campaign with no audience goes from scheduled straight to finished', async () => {
    // LISTMONK.md:111
    for (const version of ['5.0.1', '6.2.0']) {
      const { api, advance } = await boot(version);
      const listId = await listWith(api, []);
      const c = await campaign(api, listId, { send_at: at(1_000) });
      await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
      advance(6_000);
      expect(await get(api, c.id)).toMatchObject({ status: 'finished', sent: 0 });
    }
  });

  it('before v5.0.1 a campaign with no audience stays scheduled for ever', async () => {
    // LISTMONK.md:112
    for (const version of ['4.1.0', '5.0.0']) {
      const { api, advance } = await boot(version);
      const listId = await listWith(api, []);
      const c = await campaign(api, listId, { send_at: at(1_000), send_later: true });
      await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
      advance(3_600_000);
      expect(await get(api, c.id)).toMatchObject({ status: 'scheduled' });
    }
  });

  it('to_send: frozen at creation up to v5, 0 at creation on v6', async () => {
    // LISTMONK.md:113
    for (const [version, atCreation] of [
      [5, 2],
      [6, 0],
    ] as const) {
      const { api } = await boot(version);
      const listId = await listWith(api, ['a@x.org', 'b@x.org']);
      const c = await campaign(api, listId);
      expect(c.to_send).toBe(atCreation);
      await api('POST', '/api/subscribers', { email: 'c@x.org', lists: [listId] });
      expect((await get(api, c.id)).to_send).toBe(atCreation);
    }
  });

  it('a message that fails to render is skipped, not sent, and the campaign still finishes', async () => {
    // LISTMONK.md:88, :195
    const { api, advance, standIn } = await boot(6);
    const list = (await api('POST', '/api/lists', { name: 'l' })).body.data as { id: number };
    await api('POST', '/api/subscribers', {
      email: 'a@x.org',
      lists: [list.id],
      attribs: { lp: 'https://a.example/' },
    });
    await api('POST', '/api/subscribers', { email: 'b@x.org', lists: [list.id], attribs: {} });
    const c = await campaign(api, list.id, {
      send_at: at(1_000),
      body: '<a href="{{ TrackLink .Subscriber.Attribs.lp . }}">go</a>',
    });
    await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
    advance(7_000);
    expect(await get(api, c.id)).toMatchObject({ status: 'finished', sent: 1, to_send: 2 });
    expect(standIn.state.messages.map((m) => m.to)).toEqual(['a@x.org']);
    expect(standIn.state.skippedMessages).toHaveLength(1);
  });
});

describe('updates and send_at', () => {
  it.each([5, 6])('v%i: "send_at": null on a scheduled campaign makes it a draft', async (version) => {
    // LISTMONK.md:92
    const { api } = await boot(version);
    const listId = await listWith(api, ['a@x.org']);
    const c = await campaign(api, listId, { send_at: at(3_600_000) });
    await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
    const res = await api('PUT', `/api/campaigns/${c.id}`, { lists: [listId], send_at: null });
    expect(res.body.data).toMatchObject({ status: 'draft', send_at: null });
  });

  it('v2–v4: send_at is always stored; an update without send_later: true makes a scheduled campaign a draft', async () => {
    // LISTMONK.md:92-94
    for (const version of ['2.5.1', 4]) {
      const { api } = await boot(version);
      const listId = await listWith(api, ['a@x.org']);
      const c = await campaign(api, listId, { send_at: at(3_600_000) });
      expect((await get(api, c.id)) as unknown).toMatchObject({ send_at: at(3_600_000), status: 'draft' });
      await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
      const kept = await api('PUT', `/api/campaigns/${c.id}`, {
        lists: [listId],
        name: 'c2',
        send_later: true,
      });
      expect(kept.body.data).toMatchObject({ status: 'scheduled', send_at: at(3_600_000) });
      const reset = await api('PUT', `/api/campaigns/${c.id}`, { lists: [listId], name: 'c3' });
      expect(reset.body.data).toMatchObject({ status: 'draft', send_at: at(3_600_000) });
    }
  });

  it.each([4, 5, 6])('v%i: unknown list ids are dropped at create: 200 with lists: []', async (version) => {
    // LISTMONK.md:81
    const { api } = await boot(version);
    const c = await campaign(api, 99);
    expect(c.lists).toEqual([]);
    expect((await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [] })).body.message).toBe(
      MSG.invalidListIds,
    );
  });
});

describe('finding campaigns', () => {
  it.each([4, 5, 6])('v%i: GET /api/campaigns filters by tag=; tags= is ignored', async (version) => {
    // LISTMONK.md:114
    const { api } = await boot(version);
    const listId = await listWith(api, []);
    await campaign(api, listId, { tags: ['mailramp'] });
    await campaign(api, listId, { tags: ['other'] });
    const count = async (q: string) =>
      ((await api('GET', `/api/campaigns?${q}`)).body.data as { total: number }).total;
    expect(await count('tag=mailramp')).toBe(1);
    expect(await count('tags=mailramp')).toBe(2);
  });
});

describe('links', () => {
  it('v2.2+: &amp; in a tracked URL is decoded before the link is registered', async () => {
    // LISTMONK.md:165
    const { api, standIn } = await boot(5);
    const listId = await listWith(api, []);
    const c = await campaign(api, listId, {
      body: '<a href="https://x.example/?a=1&amp;b=2@TrackLink">x</a>',
    });
    await api('GET', `/api/campaigns/${c.id}/preview`);
    expect([...standIn.state.links.keys()]).toEqual(['https://x.example/?a=1&b=2']);
  });
});

describe('settings are saved without validation', () => {
  it.each([
    [5, 'a duration Go cannot parse', { 'app.message_sliding_window_duration': '1 hour' }],
    [6, 'a numeric duration (read as nanoseconds)', { 'app.message_sliding_window_duration': 3_600_000 }],
    [6, 'a window rate of 0', { 'app.message_sliding_window_rate': 0 }],
  ])('v%i: %s is stored and switches the window off', async (version, _, bad) => {
    // LISTMONK.md:132-134
    const { api, advance, standIn } = await boot(version);
    const settings = (await api('GET', '/api/settings')).body.data as Record<string, unknown>;
    const body = {
      ...settings,
      smtp: (settings.smtp as Array<Record<string, unknown>>).map((b) => ({ ...b, password: '' })),
      'upload.s3.aws_secret_access_key': '',
      'app.message_sliding_window': true,
      'app.message_sliding_window_rate': 5,
      'app.message_sliding_window_duration': '1h',
      ...bad,
    };
    expect((await api('PUT', '/api/settings', body)).status).toBe(200);
    await standIn.restarted();
    expect((await api('GET', '/api/settings')).body.data).toMatchObject(bad);
    const listId = await listWith(
      api,
      Array.from({ length: 20 }, (_, i) => `w${i}@x.org`),
    );
    const c = await campaign(api, listId, { send_at: at(1_000) });
    await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
    advance(7_000);
    // A window of 5 per hour would hold 15 of them back; it is off, so all 20 go.
    expect(await get(api, c.id)).toMatchObject({ status: 'finished', sent: 20 });
  });

  it('a valid window holds messages back until it ends', async () => {
    // LISTMONK.md:138-142
    const { api, advance, standIn } = await boot(5);
    standIn.state.appliedSettings['app.message_sliding_window'] = true;
    standIn.state.appliedSettings['app.message_sliding_window_rate'] = 5;
    standIn.state.appliedSettings['app.message_sliding_window_duration'] = '1h';
    const listId = await listWith(
      api,
      Array.from({ length: 8 }, (_, i) => `w${i}@x.org`),
    );
    const c = await campaign(api, listId, { send_at: at(1_000) });
    await api('PUT', `/api/campaigns/${c.id}/status`, { status: 'scheduled' });
    advance(7_000);
    expect(await get(api, c.id)).toMatchObject({ status: 'running', sent: 5 });
    advance(3_600_000);
    expect(await get(api, c.id)).toMatchObject({ status: 'finished', sent: 8 });
  });
});

describe('preview', () => {
  it('POST renders the posted body (none posted: an empty body); GET renders the stored one', async () => {
    // LISTMONK.md:201
    const { api } = await boot(5);
    const listId = await listWith(api, []);
    const c = await campaign(api, listId, { body: '<p>stored body</p>' });
    expect((await api('GET', `/api/campaigns/${c.id}/preview`)).text).toContain('stored body');
    const empty = await fetchForm(api, `/api/campaigns/${c.id}/preview`, {});
    expect(empty).not.toContain('stored body');
    expect(await fetchForm(api, `/api/campaigns/${c.id}/preview`, { body: '<p>posted</p>' })).toContain(
      'posted',
    );
    // LISTMONK.md:202
    expect(
      await fetchForm(api, `/api/campaigns/${c.id}/text`, { body: 'text {{ .Subscriber.Name }}' }),
    ).toContain('text Demo Subscriber');
  });
});

async function fetchForm(api: Api, path: string, fields: Record<string, string>): Promise<string> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return (await api('POST', path, form)).text;
}
