import { afterEach, describe, expect, it } from 'vitest';
import { createStandInKit } from './create-stand-in-kit.js';
import type { createRawApi } from './stand-in-fetch.js';

// How Listmonk's `?query=` matches and `per_page=all` pages, from its source (knadh/listmonk):
// core.makeSearchString ('%' + query with white space as '&' + '%'), queries query-campaigns,
// query-lists and query-subscribers per tag, and knadh/paginator with AllowAll (per_page=all →
// no limit, answered as per_page 0). ../shared/LISTMONK.md does not describe the search yet.

const kit = createStandInKit();
afterEach(() => kit.closeAll());

type Api = ReturnType<typeof createRawApi>;
type Page = { results: Array<{ id: number; name: string }>; total: number; per_page: number; page: number };

const future = '2030-01-01T00:00:00Z';

async function campaign(api: Api, name: string, subject = 'Hello'): Promise<void> {
  const list = (await api('POST', '/api/lists', { name: `list-${name}` })).body.data as { id: number };
  const res = await api('POST', '/api/campaigns', {
    name,
    subject,
    lists: [list.id],
    content_type: 'html',
    body: '<p>x</p>',
    send_at: future,
  });
  expect(res.status).toBe(200);
}

async function found(api: Api, path: string, query: string): Promise<string[]> {
  const res = await api('GET', `${path}?per_page=all&query=${encodeURIComponent(query)}`);
  expect(res.status).toBe(200);
  return (res.body.data as Page).results.map((r) => r.name).sort();
}

describe('GET /api/campaigns?query=', () => {
  it('v4+: full text or ILIKE on "name subject": a substring, `_` any one character, words anywhere', async () => {
    const { api } = await kit.start({ version: '6.2.0' });
    await campaign(api, 'mailramp-trucking-2026-06-22-ucr-eastern');
    await campaign(api, 'mailramp-trucking-2026-06-22-ucr-eastern-b2');
    await campaign(api, 'mailramp-trucking-2026-06-23-ucr-eastern');
    await campaign(api, 'deficiencyXucr');
    await campaign(api, 'bar x foo');
    expect(await found(api, '/api/campaigns', 'east')).toHaveLength(3);
    expect(await found(api, '/api/campaigns', 'mailramp-trucking-2026-06-22')).toEqual([
      'mailramp-trucking-2026-06-22-ucr-eastern',
      'mailramp-trucking-2026-06-22-ucr-eastern-b2',
    ]);
    expect(await found(api, '/api/campaigns', 'deficiency_ucr')).toEqual(['deficiencyXucr']);
    // White space becomes `&`: both words, anywhere (full text), not the literal "foo bar".
    expect(await found(api, '/api/campaigns', 'foo bar')).toEqual(['bar x foo']);
  });

  // Each case checked against PostgreSQL 15: TO_TSVECTOR(CONCAT(name, ' ', subject)) @@ TO_TSQUERY(…).
  it('v2.3–v3: full text only — `_` is no wildcard, a word must be whole', async () => {
    const { api } = await kit.start({ version: '3.0.0' });
    await campaign(api, 'deficiencyXucr');
    await campaign(api, 'mailramp-trucking-2026-06-22-ucr-eastern');
    expect(await found(api, '/api/campaigns', 'deficiency_ucr')).toEqual([]);
    expect(await found(api, '/api/campaigns', 'east')).toEqual([]);
    expect(await found(api, '/api/campaigns', 'mailramp-trucking-2026-06-22')).toEqual([
      'mailramp-trucking-2026-06-22-ucr-eastern',
    ]);
  });

  it('v2.0–v2.2: CONCAT(name, subject) ILIKE, without a space between them', async () => {
    const { api } = await kit.start({ version: '2.0.0' });
    await campaign(api, 'foo', 'bar');
    expect(await found(api, '/api/campaigns', 'obar')).toEqual(['foo']);
    expect(await found(api, '/api/campaigns', 'east')).toEqual([]);
  });

  it('per_page=all answers every match on one page as per_page 0; nothing found is an empty page 0', async () => {
    const { api } = await kit.start({ version: '6.2.0' });
    for (let i = 0; i < 55; i += 1) await campaign(api, `c-${i}`);
    const all = (await api('GET', '/api/campaigns?per_page=all&query=c')).body.data as Page;
    expect(all).toMatchObject({ total: 55, per_page: 0, page: 1 });
    expect(all.results).toHaveLength(55);
    const none = (await api('GET', '/api/campaigns?per_page=all&query=nothing-here')).body.data;
    expect(none).toEqual({ results: [], search: '', query: '', total: 0, per_page: 0, page: 0 });
  });
});

describe('GET /api/lists?query=', () => {
  it('v2.3+: full text on the name — a word must be whole; v2.1–v2.2: ILIKE; v2.0: no search at all', async () => {
    const dated = 'mailramp-trucking-2026-06-22-ucr-eastern';
    for (const [version, byDate, byEast] of [
      ['6.2.0', [dated], []],
      ['2.2.0', [dated], [dated]],
      ['2.0.0', [dated, 'other'], [dated, 'other']],
    ] as const) {
      const { api } = await kit.start({ version });
      for (const name of [dated, 'other']) await api('POST', '/api/lists', { name });
      expect(await found(api, '/api/lists', 'mailramp-trucking-2026-06-22'), version).toEqual([...byDate]);
      expect(await found(api, '/api/lists', 'east'), version).toEqual([...byEast]);
    }
  });
});

describe('GET /api/subscribers?list_id=…&list_id=…', () => {
  async function twoLists(version: string) {
    const { api } = await kit.start({ version });
    await api('POST', '/api/lists', { name: 'a' });
    await api('POST', '/api/lists', { name: 'b' });
    await api('POST', '/api/subscribers', { email: 'both@example.com', name: 'x', lists: [1, 2] });
    await api('POST', '/api/subscribers', { email: 'b@example.com', name: 'y', lists: [2] });
    const page = (await api('GET', '/api/subscribers?list_id=1&list_id=2&per_page=all')).body.data as {
      results: Array<{ email: string }>;
      total: number;
    };
    return { emails: page.results.map((s) => s.email).sort(), total: page.total };
  }

  it('v2.1+: every list_id, joined — a subscriber on two of them comes back twice', async () => {
    expect(await twoLists('5.1.0')).toEqual({
      emails: ['b@example.com', 'both@example.com', 'both@example.com'],
      total: 3,
    });
  });

  it('v2.0: only the first list_id is read', async () => {
    expect(await twoLists('2.0.0')).toEqual({ emails: ['both@example.com'], total: 1 });
  });

  it("the client's listSubscribersOfLists reads once on v2.1+, per list on v2.0, each subscriber once", async () => {
    for (const [version, reads] of [
      ['5.1.0', 1],
      ['2.0.0', 2],
    ] as const) {
      const { client, standIn, api } = await kit.connect({ version });
      await api('POST', '/api/lists', { name: 'a' });
      await api('POST', '/api/lists', { name: 'b' });
      await api('POST', '/api/subscribers', { email: 'both@example.com', name: 'x', lists: [1, 2] });
      await api('POST', '/api/subscribers', { email: 'b@example.com', name: 'y', lists: [2] });
      standIn.clearRequests();
      const subscribers = await client.listSubscribersOfLists([1, 2]);
      expect(subscribers.map((s) => s.email).sort(), version).toEqual(['b@example.com', 'both@example.com']);
      expect(standIn.requestsTo('GET', '/api/subscribers'), version).toHaveLength(reads);
    }
  });
});
