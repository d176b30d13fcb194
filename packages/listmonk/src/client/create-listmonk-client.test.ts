import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListmonkError, ListmonkErrorCode } from '../errors.js';
import { catchListmonkError, createStandInKit } from '../testing/create-stand-in-kit.js';
import { createListmonkClient } from './create-listmonk-client.js';

// The real client against the stand-in over real HTTP: axios is never stubbed.

const kit = createStandInKit();
afterEach(() => kit.closeAll());
const setup = kit.connect;

function expectNoSecret(error: ListmonkError, secret: string) {
  const seen = [error.message, String(error.cause), inspect(error, { depth: 8 }), JSON.stringify(error)].join(
    '\n',
  );
  expect(seen).not.toContain(secret);
  expect(seen).not.toContain(Buffer.from(`mailramp:${secret}`).toString('base64'));
  expect(inspect(error, { depth: 8 })).not.toMatch(/AxiosError|Authorization/i);
}

describe('version detection and auth', () => {
  it('detects the version once through GET /api/config and sends `token user:token` on v4+', async () => {
    const { client, standIn } = await setup({ version: '6.2.0' });
    const info = await client.getServerInfo();
    expect(info.version.raw).toBe('v6.2.0');
    expect(info.features).toMatchObject({
      perKeySettings: true,
      splitOverwrite: true,
      scheduleFromPaused: true,
    });
    await client.listLists();
    expect(standIn.requestsTo('GET', '/api/config')).toHaveLength(1);
    expect(standIn.requests.every((r) => r.headers.authorization === `token mailramp:${standIn.token}`)).toBe(
      true,
    );
  });

  it('falls back to HTTP Basic when a v2/v3 server answers 401', async () => {
    const { client, standIn } = await setup({ version: 3 });
    expect((await client.getServerInfo()).version.major).toBe(3);
    const { list } = await client.findOrCreateList({ name: 'x' });
    expect(list.id).toBe(1);
    const last = standIn.requests.at(-1)!;
    expect(last.headers.authorization).toMatch(/^Basic /);
  });

  it('AUTH: a wrong token fails with AUTH, and the token is nowhere in the error', async () => {
    const secret = 'very-secret-token-value';
    const { client } = await setup({ version: 5 }, { token: secret });
    const error = await catchListmonkError(client.listLists());
    expect(error.code).toBe('AUTH');
    expect(error.status).toBe(403);
    expectNoSecret(error, secret);
  });

  it('AUTH: a missing permission is AUTH with the server message kept', async () => {
    const { client, api } = await setup({
      version: '6.2.0',
      permissions: ['lists:manage_all', 'lists:get_all', 'campaigns:get_all', 'campaigns:manage_all'],
    });
    const { list } = await client.findOrCreateList({ name: 'x' });
    await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [list.id], body: 'x' });
    const error = await catchListmonkError(client.changeCampaignStatus(1, 'running'));
    expect(error).toMatchObject({ code: 'AUTH', serverMessage: 'permission denied: campaigns:send' });
  });
});

describe('error codes', () => {
  it('NOT_FOUND: Listmonk answers 400 for a missing campaign; the client calls it NOT_FOUND', async () => {
    const { client } = await setup();
    const error = await catchListmonkError(client.getCampaign(42));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 400, call: 'GET /api/campaigns/:id' });
    expect(await client.findCampaign(42)).toBeUndefined();
  });

  it('REJECTED: a validation 400 keeps status and server message', async () => {
    const { client } = await setup();
    const { list } = await client.findOrCreateList({ name: 'x' });
    const error = await catchListmonkError(
      client.createCampaign({ name: 'c', subject: 's', listIds: [list.id], body: 'x', messenger: 'sms' }),
    );
    expect(error).toMatchObject({ code: 'REJECTED', status: 400, serverMessage: 'Unknown messenger sms.' });
  });

  it('BAD_RESPONSE: a reply in an unexpected shape (version drift) fails loudly', async () => {
    const { client, standIn } = await setup();
    await client.getServerInfo();
    standIn.injectFault({
      kind: 'reply',
      path: '/api/campaigns/1',
      body: { data: { id: '1', status: 'weird' } },
    });
    const error = await catchListmonkError(client.getCampaign(1));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toMatch(/unexpected shape/);
  });

  it('UNAVAILABLE: a timeout, a dropped connection, a 5xx and a refused connection', async () => {
    const { client, standIn } = await setup({}, { timeoutMs: 150, retry: { attempts: 1 } });
    await client.getServerInfo();
    standIn.injectFault({ kind: 'timeout', path: '/api/lists' });
    expect(await catchListmonkError(client.listLists())).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/timed out/),
    });
    standIn.injectFault({ kind: 'drop', path: '/api/lists' });
    expect(await catchListmonkError(client.listLists())).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/lost the connection/),
    });
    standIn.injectFault({ kind: 'status', status: 502, path: '/api/lists' });
    expect(await catchListmonkError(client.listLists())).toMatchObject({ code: 'UNAVAILABLE', status: 502 });
    await standIn.close();
    await new Promise((r) => setTimeout(r, 50)); // let pooled keep-alive sockets see the close
    const closed = createListmonkClient({
      url: standIn.url,
      username: 'u',
      token: 't',
      retry: { attempts: 1 },
    });
    expect(await catchListmonkError(closed.listLists())).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/refused/),
    });
  });

  it('SEND_AT_PAST: a create with a send_at inside the margin never reaches Listmonk', async () => {
    const now = new Date('2030-01-01T10:00:00Z');
    const { client, standIn } = await setup({}, { now: () => now, sendAtMarginMs: 60_000 });
    const { list } = await client.findOrCreateList({ name: 'x' });
    const error = await catchListmonkError(
      client.createCampaign({
        name: 'c',
        subject: 's',
        listIds: [list.id],
        body: 'x',
        sendAt: new Date('2030-01-01T10:00:30Z'),
      }),
    );
    expect(error.code).toBe('SEND_AT_PAST');
    expect(standIn.requestsTo('POST', '/api/campaigns')).toHaveLength(0);
  });

  it.each<[ListmonkErrorCode]>([
    ['UNAVAILABLE'],
    ['REJECTED'],
    ['AUTH'],
    ['NOT_FOUND'],
    ['BAD_RESPONSE'],
    ['SEND_AT_PAST'],
  ])('code %s is one of the documented codes', async (code) => {
    const { LISTMONK_ERROR_CODES } = await import('../errors.js');
    expect(LISTMONK_ERROR_CODES).toContain(code);
  });
});

describe('retry policy', () => {
  it('retries an idempotent GET after 5xx with growing, capped, jittered waits, then succeeds', async () => {
    const { client, standIn, sleeps, events } = await setup(
      {},
      { retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 15 }, random: () => 1 },
    );
    await client.getServerInfo();
    standIn.injectFault({ kind: 'status', status: 503, path: '/api/lists', times: 3 });
    await expect(client.listLists()).resolves.toEqual([]);
    expect(standIn.requestsTo('GET', '/api/lists')).toHaveLength(4);
    expect(sleeps).toEqual([10, 15, 15]);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { attempt: number }).attempt)).toEqual([
      1, 2, 3,
    ]);
  });

  it('gives up after the last attempt with UNAVAILABLE and the attempt count', async () => {
    const { client, standIn } = await setup({}, { retry: { attempts: 3 } });
    await client.getServerInfo();
    standIn.injectFault({ kind: 'status', status: 500, path: '/api/lists', times: 10 });
    const error = await catchListmonkError(client.listLists());
    expect(error).toMatchObject({ code: 'UNAVAILABLE', attempts: 3 });
    expect(standIn.requestsTo('GET', '/api/lists')).toHaveLength(3);
  });

  it('never repeats a non-idempotent POST that reached the server', async () => {
    const { client, standIn } = await setup();
    await client.listLists();
    standIn.injectFault({ kind: 'status', status: 500, method: 'POST', path: '/api/lists', times: 5 });
    expect((await catchListmonkError(client.findOrCreateList({ name: 'x' }))).code).toBe('UNAVAILABLE');
    expect(standIn.requestsTo('POST', '/api/lists')).toHaveLength(1);
  });

  it('retries a timed-out GET', async () => {
    const { client, standIn } = await setup({}, { timeoutMs: 100 });
    await client.getServerInfo();
    standIn.injectFault({ kind: 'timeout', path: '/api/lists' });
    await expect(client.listLists()).resolves.toEqual([]);
    expect(standIn.requestsTo('GET', '/api/lists')).toHaveLength(2);
  });
});

describe('lists', () => {
  it('find-or-create is deterministic among same-named lists (lowest id) and creates once under concurrency', async () => {
    const { client, api, standIn } = await setup();
    await api('POST', '/api/lists', { name: 'dup' });
    await api('POST', '/api/lists', { name: 'dup' });
    await api('POST', '/api/lists', { name: 'dup2' });
    expect((await client.findOrCreateList({ name: 'dup' })).list.id).toBe(1);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.findOrCreateList({ name: 'fresh', tags: ['mailramp'] })),
    );
    expect(new Set(results.map((r) => r.list.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(standIn.requestsTo('POST', '/api/lists')).toHaveLength(4);
  });
});

describe('subscriber import', () => {
  const rows = (n: number, prefix = 'u') =>
    Array.from({ length: n }, (_, i) => ({
      email: `${prefix}${i}@carrier${i % 7}.example`,
      name: `Carrier, "${i}"`,
      attributes: { dot: i, lp_link: `https://lp.example/?d=${i}&a=b` },
    }));

  it('pushes 3,000 recipients with O(1) requests: one import POST plus polling', async () => {
    const { client, standIn } = await setup();
    const { list } = await client.findOrCreateList({ name: 'push' });
    standIn.clearRequests();
    const result = await client.importSubscribers({ rows: rows(3000), listIds: [list.id] });
    expect(result).toEqual({ submitted: 3000, imported: 3000, skipped: 0 });
    expect(standIn.requestsTo('POST', '/api/import/subscribers')).toHaveLength(1);
    expect(standIn.requests.length).toBeLessThanOrEqual(8);
    expect(standIn.requests.filter((r) => r.path.startsWith('/api/subscribers'))).toHaveLength(0);
    const sample = [...standIn.state.subscribers.values()][1234]!;
    expect(sample).toMatchObject({
      name: 'Carrier, "1234"',
      attribs: { dot: 1234, lp_link: 'https://lp.example/?d=1234&a=b' },
    });
  });

  it('polls a running import from 50 ms, doubling up to pollIntervalMs, not a whole interval first', async () => {
    // Listmonk imports ~10,000 rows/s: 3,000 rows end in ~0.3 s, and a first wait of the full
    // 1 s interval made every import (33 s for the 30 imports of a 3,000-recipient day) wait it out.
    const { client, standIn, sleeps } = await setup(
      { importRowDelayMs: 0.1 },
      { pollIntervalMs: 1_000, importTimeoutMs: 60_000 },
    );
    const { list } = await client.findOrCreateList({ name: 'push' });
    const result = await client.importSubscribers({ rows: rows(3000), listIds: [list.id] });
    expect(result.imported).toBe(3000);
    expect(sleeps[0]).toBe(50);
    expect(sleeps).toEqual(sleeps.map((_, i) => Math.min(50 * 2 ** i, 1_000)));
    expect(standIn.requestsTo('GET', '/api/import/subscribers').length).toBeLessThanOrEqual(8);
  });

  it('reports skipped rows and sends Listmonk params for the version (v6 splits overwrite)', async () => {
    const { client, standIn } = await setup({ version: '6.2.0' });
    const { list } = await client.findOrCreateList({ name: 'push' });
    const result = await client.importSubscribers({
      rows: [{ email: 'ok@x.org' }, { email: 'not-an-address' }],
      listIds: [list.id],
    });
    expect(result).toEqual({ submitted: 2, imported: 1, skipped: 1 });
    const post = standIn.requestsTo('POST', '/api/import/subscribers')[0]!;
    expect(post.body).toContain('"overwrite_userinfo":true');
    expect(post.body).toContain('"delim":","');
  });

  it('waits for a foreign import instead of failing, and serialises its own imports', async () => {
    const { client, standIn, api, events } = await setup({ importBatchSize: 5, importBatchDelayMs: 15 });
    const { list } = await client.findOrCreateList({ name: 'push' });
    const form = new FormData();
    form.append('params', JSON.stringify({ mode: 'subscribe', delim: ',', lists: [list.id] }));
    form.append(
      'file',
      new Blob([`email\n${Array.from({ length: 30 }, (_, i) => `f${i}@x.org`).join('\n')}\n`]),
      'foreign.csv',
    );
    expect((await api('POST', '/api/import/subscribers', form)).status).toBe(200);
    const [a, b] = await Promise.all([
      client.importSubscribers({ rows: rows(12, 'a'), listIds: [list.id] }),
      client.importSubscribers({ rows: rows(12, 'b'), listIds: [list.id] }),
    ]);
    expect([a.imported, b.imported]).toEqual([12, 12]);
    expect(events.some((e) => e.type === 'import-waiting')).toBe(true);
    expect(
      standIn.requestsTo('POST', '/api/import/subscribers').filter((r) => r.status === 400),
    ).toHaveLength(0);
    expect(standIn.state.subscribers.size).toBe(54);
  });

  it('on v2.0–v2.4 clears the finished import with DELETE so the next one is accepted', async () => {
    const { client, standIn } = await setup({ version: '2.4.0' });
    const { list } = await client.findOrCreateList({ name: 'push' });
    await client.importSubscribers({ rows: rows(3), listIds: [list.id] });
    await client.importSubscribers({ rows: rows(3, 'z'), listIds: [list.id] });
    expect(standIn.requestsTo('DELETE', '/api/import/subscribers').length).toBeGreaterThanOrEqual(2);
    expect(standIn.state.subscribers.size).toBe(6);
  });

  it('a failed import is REJECTED with the counts, saying earlier batches stay', async () => {
    const { client, standIn } = await setup({ importBatchSize: 2 });
    const { list } = await client.findOrCreateList({ name: 'push' });
    standIn.failImportAfterBatches(2);
    const error = await catchListmonkError(client.importSubscribers({ rows: rows(10), listIds: [list.id] }));
    expect(error.code).toBe('REJECTED');
    expect(error.message).toMatch(/failed after 4 of 10 rows .*earlier batches stay imported/);
  });
});

describe('campaigns', () => {
  const HOUR = 3_600_000;

  it('a send_at that became past between planning and scheduling is refused locally; the campaign stays a draft', async () => {
    let now = Date.now();
    const { client, standIn } = await setup({}, { now: () => new Date(now), sendAtMarginMs: 60_000 });
    const { list } = await client.findOrCreateList({ name: 'x' });
    const sendAt = new Date(now + HOUR);
    const campaign = await client.createCampaign({
      name: 'c',
      subject: 's',
      listIds: [list.id],
      body: 'x',
      sendAt,
    });
    now += HOUR - 30_000; // planning took long: send_at is now 30 s away, inside the margin
    const error = await catchListmonkError(client.changeCampaignStatus(campaign.id, 'scheduled'));
    expect(error.code).toBe('SEND_AT_PAST');
    expect(error.message).toMatch(/left as it was/);
    expect(standIn.requestsTo('PUT', `/api/campaigns/${campaign.id}/status`)).toHaveLength(0);
    expect((await client.getCampaign(campaign.id)).status).toBe('draft');
  });

  it('schedules with send_at as RFC 3339 with offset and re-reads the campaign after the change', async () => {
    const { client, standIn } = await setup({ version: 5 });
    const { list } = await client.findOrCreateList({ name: 'x' });
    const c = await client.createCampaign({
      name: 'c',
      subject: 'Your {{ .Subscriber.Attribs.dot }} filing',
      listIds: [list.id],
      body: '<p>x</p>',
      altbody: 'x',
      sendAt: new Date(Date.now() + 2 * HOUR),
      tags: ['mailramp', 'trucking'],
      headers: [{ 'X-Mailramp-Build': '2026-06-22' }],
    });
    const post = JSON.parse(standIn.requestsTo('POST', '/api/campaigns')[0]!.body) as Record<string, unknown>;
    expect(post.send_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(post.content_type).toBe('html');
    // v5+: running with a send_at is stored as scheduled; the re-read shows it.
    const after = await client.changeCampaignStatus(c.id, 'running');
    expect(after.status).toBe('scheduled');
  });

  it('refuses transitions Listmonk would refuse before calling it (v4: no scheduling from paused)', async () => {
    const { client, standIn } = await setup({ version: 4 });
    const { list } = await client.findOrCreateList({ name: 'x' });
    const c = await client.createCampaign({ name: 'c', subject: 's', listIds: [list.id], body: 'x' });
    await client.changeCampaignStatus(c.id, 'running');
    await client.changeCampaignStatus(c.id, 'paused');
    const error = await catchListmonkError(client.changeCampaignStatus(c.id, 'scheduled'));
    expect(error.code).toBe('REJECTED');
    expect(error.message).toMatch(/upgrade to v5/);
    expect(standIn.requestsTo('PUT', `/api/campaigns/${c.id}/status`)).toHaveLength(2);
  });

  it('update re-sends lists and never drops fields (media, headers, archive)', async () => {
    const { client, standIn } = await setup();
    const { list } = await client.findOrCreateList({ name: 'x' });
    const c = await client.createCampaign({
      name: 'c',
      subject: 's',
      listIds: [list.id],
      body: 'x',
      headers: [{ 'X-A': '1' }],
      tags: ['t'],
    });
    standIn.state.campaigns.get(c.id)!.media = [7];
    standIn.state.campaigns.get(c.id)!.archiveSlug = 'kept-slug';
    const updated = await client.updateCampaign(c.id, { subject: 'new subject' });
    expect(updated).toMatchObject({
      subject: 'new subject',
      name: 'c',
      headers: [{ 'X-A': '1' }],
      tags: ['t'],
      media: [{ id: 7 }],
    });
    expect(standIn.state.campaigns.get(c.id)!.archiveSlug).toBe('kept-slug');
    expect(updated.lists?.map((l) => l.id)).toEqual([list.id]);
  });

  it('lists campaigns by tag (tag=) across pages and reads running stats', async () => {
    // A stopped clock: the running campaign (no audience) would otherwise finish at once.
    const t = new Date('2026-06-22T12:00:00Z');
    const { client, api, standIn } = await setup({ now: () => t });
    const { list } = await client.findOrCreateList({ name: 'x' });
    for (let i = 0; i < 60; i += 1) {
      await api('POST', '/api/campaigns', {
        name: `c${i}`,
        subject: 's',
        lists: [list.id],
        body: 'x',
        tags: i % 2 ? ['odd'] : ['even'],
      });
    }
    const odd = await client.listCampaigns({ tags: ['odd'] });
    expect(odd).toHaveLength(30);
    expect(standIn.requestsTo('GET', '/api/campaigns')[0]!.query).toMatchObject({ tag: 'odd' });
    expect(await client.listCampaigns()).toHaveLength(60);
    await client.changeCampaignStatus(1, 'running');
    const stats = await client.getRunningStats();
    expect(stats.map((s) => [s.id, s.status])).toEqual([[1, 'running']]);
  });
});
