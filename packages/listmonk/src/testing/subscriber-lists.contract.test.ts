import { afterEach, describe, expect, it } from 'vitest';
import { createStandInKit } from './create-stand-in-kit.js';
import { MSG } from './messages.js';

// PUT /api/subscribers/lists (ManageSubscriberLists), GET /api/subscribers?list_id=&per_page=all,
// POST /api/campaigns/:id/text, as ../shared/LISTMONK.md and Listmonk's source (cmd/subscribers.go,
// queries.sql add-subscribers-to-lists, cmd/handlers.go) have them.

const kit = createStandInKit();
afterEach(() => kit.closeAll());

async function twoSubscribers(version: number | string) {
  const connected = await kit.connect({ version });
  const { client } = connected;
  const day = (await client.findOrCreateList({ name: 'day' })).list;
  const target = (await client.findOrCreateList({ name: 'campaign' })).list;
  await client.importSubscribers({
    listIds: [day.id],
    rows: [
      { email: 'a@example.com', name: 'A', attributes: { dot: '1' } },
      { email: 'b@example.com', name: 'B', attributes: { dot: '2' } },
    ],
  });
  const members = await client.listSubscribersOfList(day.id);
  return { ...connected, day, target, members };
}

describe('bulk list membership', () => {
  it('adds subscribers to a list by id in one request, confirmed, and lists them back with attributes', async () => {
    const { client, standIn, target, members } = await twoSubscribers(5);
    expect(members.map((m) => m.email)).toEqual(['a@example.com', 'b@example.com']);
    standIn.clearRequests();
    await client.addSubscriptions(
      members.map((m) => m.id),
      [target.id],
      'confirmed',
    );
    expect(standIn.requests.filter((r) => r.path === '/api/subscribers/lists')).toHaveLength(1);
    const onTarget = await client.listSubscribersOfList(target.id);
    expect(
      onTarget.map((s) => [
        s.email,
        s.attribs,
        s.lists?.find((l) => l.id === target.id)?.subscription_status,
      ]),
    ).toEqual([
      ['a@example.com', { dot: '1' }, 'confirmed'],
      ['b@example.com', { dot: '2' }, 'confirmed'],
    ]);
  });

  it('v2.0–v2.4 ignore the status: new subscriptions are unconfirmed', async () => {
    const { client, target, members } = await twoSubscribers('2.4.0');
    await client.addSubscriptions([members[0]!.id], [target.id], 'confirmed');
    const [a] = await client.listSubscribersOfList(target.id);
    expect(a?.lists?.find((l) => l.id === target.id)?.subscription_status).toBe('unconfirmed');
  });

  it('refuses no ids, no lists and an unknown action (400); an unknown list id is a 500', async () => {
    const { api, target, members } = await twoSubscribers(5);
    const put = (body: unknown) => api('PUT', '/api/subscribers/lists', body);
    expect(await put({ ids: [], action: 'add', target_list_ids: [target.id] })).toMatchObject({
      status: 400,
      body: { message: MSG.noIds },
    });
    expect(await put({ ids: [members[0]!.id], action: 'add', target_list_ids: [] })).toMatchObject({
      status: 400,
      body: { message: MSG.noListsGiven },
    });
    expect(await put({ ids: [members[0]!.id], action: 'move', target_list_ids: [target.id] })).toMatchObject({
      status: 400,
      body: { message: MSG.invalidAction },
    });
    expect(await put({ ids: [members[0]!.id], action: 'add', target_list_ids: [9999] })).toMatchObject({
      status: 500,
    });
  });
});

describe('POST /api/campaigns/:id/text', () => {
  it('renders posted text as Listmonk renders the preview (same handler)', async () => {
    const { client, target } = await twoSubscribers(5);
    const campaign = await client.createCampaign({
      name: 'c',
      subject: 's',
      listIds: [target.id],
      body: '<p>x</p>',
    });
    const text = await client.previewCampaignText(campaign.id, 'Hello {{ .Subscriber.Name }}');
    expect(text).toContain('Hello Demo Subscriber');
  });
});

describe('import speed', () => {
  it('a per-row delay makes an import take as long as Listmonk would (0.1 ms a row ≈ 10,000 rows/s)', async () => {
    const { client } = await kit.connect({ importRowDelayMs: 0.1 });
    const list = (await client.findOrCreateList({ name: 'l' })).list;
    const rows = Array.from({ length: 3000 }, (_, i) => ({ email: `r${i}@example.com` }));
    const started = performance.now();
    await client.importSubscribers({ listIds: [list.id], rows });
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});
