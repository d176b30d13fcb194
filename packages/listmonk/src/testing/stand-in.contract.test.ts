import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StandInOptions } from './create-listmonk-stand-in.js';
import { createStandInKit } from './create-stand-in-kit.js';
import { MSG } from './messages.js';
import { createRawApi } from './stand-in-fetch.js';

// Each test pins one behaviour of ../shared/LISTMONK.md that the client relies on.

const kit = createStandInKit();
afterEach(() => kit.closeAll());
const boot = kit.start;

const T0 = new Date('2026-06-22T12:00:00Z');
const inHours = (h: number): string => new Date(T0.getTime() + h * 3_600_000).toISOString();

function clock(start = T0) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function withList(api: ReturnType<typeof createRawApi>, name = 'trucking'): Promise<number> {
  const res = await api('POST', '/api/lists', { name });
  return (res.body.data as { id: number }).id;
}

function campaignBody(listId: number, extra: Record<string, unknown> = {}) {
  return { name: 'c1', subject: 'Hello', lists: [listId], content_type: 'html', body: '<p>x</p>', ...extra };
}

function importForm(
  csv: string,
  params: Record<string, unknown> = { mode: 'subscribe', delim: ',', lists: [1] },
) {
  const form = new FormData();
  form.append('params', JSON.stringify(params));
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'subs.csv');
  return form;
}

async function waitImport(api: ReturnType<typeof createRawApi>) {
  for (;;) {
    const res = await api('GET', '/api/import/subscribers');
    const data = res.body.data as { status: string; imported: number; total: number };
    if (data.status !== 'importing' && data.status !== 'stopping') return data;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('envelope and status codes', () => {
  it('answers success as 200 {"data": …}, creates included', async () => {
    const { api } = await boot();
    const res = await api('POST', '/api/lists', { name: 'a' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: expect.objectContaining({ id: 1, name: 'a', type: 'private', optin: 'single' }),
    });
  });

  it('pages lists as {results,total,per_page,page}; per_page caps at 50 or takes "all"', async () => {
    const { api } = await boot();
    for (let i = 0; i < 55; i += 1) await api('POST', '/api/lists', { name: `l${i}` });
    const page = (await api('GET', '/api/lists?per_page=100')).body.data as {
      results: unknown[];
      total: number;
      per_page: number;
    };
    expect(page.results).toHaveLength(50);
    expect(page.total).toBe(55);
    const all = (await api('GET', '/api/lists?per_page=all')).body.data as { results: unknown[] };
    expect(all.results).toHaveLength(55);
  });

  it('answers "not found" for campaigns and lists with 400, an unknown route with 404, a bad id with 400', async () => {
    const { api } = await boot();
    expect(await api('GET', '/api/campaigns/99')).toMatchObject({
      status: 400,
      body: { message: 'Campaign not found' },
    });
    expect(await api('GET', '/api/lists/99')).toMatchObject({
      status: 400,
      body: { message: 'List not found' },
    });
    expect((await api('GET', '/api/nothing-here')).status).toBe(404);
    expect(await api('GET', '/api/campaigns/abc')).toMatchObject({
      status: 400,
      body: { message: 'invalid ID' },
    });
  });

  it('reports version, lang and needs_restart in GET /api/config', async () => {
    const { api } = await boot({ version: '6.2.0' });
    expect((await api('GET', '/api/config')).body.data).toMatchObject({
      version: 'v6.2.0',
      lang: 'en',
      needs_restart: false,
    });
  });
});

describe('authentication', () => {
  it('v4+: 403 "invalid API credentials" for a wrong token, Basic user:token also accepted', async () => {
    const { standIn } = await boot({ version: 5 });
    const wrong = createRawApi(standIn, { header: `token ${standIn.username}:nope` });
    expect(await wrong('GET', '/api/config')).toMatchObject({
      status: 403,
      body: { message: MSG.invalidCredentials },
    });
    const basic = createRawApi(standIn, {
      header: `Basic ${Buffer.from(`${standIn.username}:${standIn.token}`).toString('base64')}`,
    });
    expect((await basic('GET', '/api/config')).status).toBe(200);
  });

  it('v4+: a session cookie makes Listmonk ignore the Authorization header', async () => {
    const { standIn } = await boot({ version: 4 });
    const withCookie = createRawApi(standIn, { cookie: 'session=abc' });
    expect(await withCookie('GET', '/api/config')).toMatchObject({
      status: 403,
      body: { message: MSG.invalidSession },
    });
  });

  it('v6.1+: a user without campaigns:send gets 403 "permission denied" on a status change', async () => {
    const { api } = await boot({
      version: '6.2.0',
      permissions: ['lists:manage_all', 'campaigns:manage_all', 'campaigns:get_all'],
    });
    const list = await withList(api);
    await api('POST', '/api/campaigns', campaignBody(list));
    expect(await api('PUT', '/api/campaigns/1/status', { status: 'running' })).toMatchObject({
      status: 403,
      body: { message: 'permission denied: campaigns:send' },
    });
  });

  it('v2/v3: HTTP Basic with the admin login; anything else is 401 "Unauthorized"', async () => {
    const { standIn, api } = await boot({ version: 3 });
    expect((await api('GET', '/api/config')).status).toBe(200);
    const token = createRawApi(standIn, { header: `token ${standIn.username}:${standIn.token}` });
    expect(await token('GET', '/api/config')).toMatchObject({
      status: 401,
      body: { message: 'Unauthorized' },
    });
  });
});

describe('campaign validation (create, update): order and messages', () => {
  it.each([
    [
      'from_email first',
      { from_email: 'not an address', name: '', subject: '', lists: [] },
      MSG.invalidFromEmail,
    ],
    ['then name length', { name: '', subject: '', lists: [] }, 'Invalid length for name.'],
    ['then subject length', { subject: '', lists: [] }, 'Invalid length for subject.'],
    ['then send_at in the past', { send_at: inHours(-1), lists: [] }, MSG.sendAtPast],
    ['then lists', { lists: [] }, MSG.invalidListIds],
    ['then the messenger', { messenger: 'sms' }, 'Unknown messenger sms.'],
    [
      'then the body',
      { body: '{{ if .Subscriber.Name }}' },
      'Error compiling campaign body: template: content:1: unexpected EOF',
    ],
  ])('%s', async (_name, override, message) => {
    const c = clock();
    const { api } = await boot({ now: c.now });
    const list = await withList(api);
    const res = await api('POST', '/api/campaigns', { ...campaignBody(list), ...override });
    expect(res).toMatchObject({ status: 400, body: { message } });
  });

  it('name length is counted in bytes (2000), not characters', async () => {
    const { api } = await boot();
    const list = await withList(api);
    expect((await api('POST', '/api/campaigns', campaignBody(list, { name: 'é'.repeat(1000) }))).status).toBe(
      200,
    );
    expect(
      (await api('POST', '/api/campaigns', campaignBody(list, { name: 'é'.repeat(1001) }))).body.message,
    ).toBe('Invalid length for name.');
  });

  it('silently drops list ids that do not exist; an unknown function fails compilation', async () => {
    const { api } = await boot();
    const list = await withList(api);
    const res = await api('POST', '/api/campaigns', campaignBody(list, { lists: [list, 777] }));
    expect((res.body.data as { lists: Array<{ id: number }> }).lists.map((l) => l.id)).toEqual([list]);
    const bad = await api('POST', '/api/campaigns', campaignBody(list, { body: '{{ Nope . }}' }));
    expect(bad.body.message).toBe(
      'Error compiling campaign body: template: content:1: function "Nope" not defined',
    );
    // Every Sprig generic function compiles, as in Listmonk; the three it removes do not.
    for (const body of ['{{ toDate "2006-01-02" "2026-11-24" }}', '{{ initials "Acme Trucking" }}']) {
      expect((await api('POST', '/api/campaigns', campaignBody(list, { body }))).status).toBe(200);
    }
    const env = await api('POST', '/api/campaigns', campaignBody(list, { body: '{{ env "HOME" }}' }));
    expect(env.body.message).toBe(
      'Error compiling campaign body: template: content:1: function "env" not defined',
    );
  });

  it("refuses send_at without an offset with Go's parse error", async () => {
    const { api } = await boot();
    const list = await withList(api);
    const res = await api('POST', '/api/campaigns', campaignBody(list, { send_at: '2030-01-01T10:00:00' }));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('cannot parse "\\"" as "Z07:00"');
  });

  it('always creates a draft; v5+ coerces an unknown content_type to richtext', async () => {
    const { api } = await boot({ version: 5 });
    const list = await withList(api);
    const res = await api(
      'POST',
      '/api/campaigns',
      campaignBody(list, { content_type: 'weird', status: 'running' }),
    );
    expect(res.body.data).toMatchObject({ status: 'draft', content_type: 'richtext' });
  });

  it('update: lists must be re-sent, media omitted is dropped, running campaigns are frozen', async () => {
    const { api, standIn } = await boot();
    const list = await withList(api);
    await api('POST', '/api/campaigns', campaignBody(list));
    standIn.state.campaigns.get(1)!.media = [5];
    expect(await api('PUT', '/api/campaigns/1', { subject: 'New' })).toMatchObject({
      status: 400,
      body: { message: MSG.invalidListIds },
    });
    const updated = await api('PUT', '/api/campaigns/1', { subject: 'New', lists: [list] });
    expect(updated.body.data).toMatchObject({ subject: 'New', name: 'c1', media: [] });
    await api('PUT', '/api/campaigns/1/status', { status: 'running' });
    expect(await api('PUT', '/api/campaigns/1', { lists: [list] })).toMatchObject({
      status: 400,
      body: { message: MSG.cantUpdate },
    });
  });

  it('a stored send_at that has passed blocks every update until send_at is null or future', async () => {
    const c = clock();
    const { api } = await boot({ now: c.now });
    const list = await withList(api);
    await api('POST', '/api/campaigns', campaignBody(list, { send_at: inHours(1) }));
    c.advance(2 * 3_600_000);
    expect((await api('PUT', '/api/campaigns/1', { lists: [list], subject: 'x' })).body.message).toBe(
      MSG.sendAtPast,
    );
    expect(
      (await api('PUT', '/api/campaigns/1', { lists: [list], subject: 'x', send_at: null })).status,
    ).toBe(200);
  });
});

describe('campaign status machine', () => {
  async function draft(options: StandInOptions = {}, extra: Record<string, unknown> = {}) {
    const booted = await boot(options);
    const list = await withList(booted.api);
    await booted.api('POST', '/api/campaigns', campaignBody(list, extra));
    const status = (s: string) => booted.api('PUT', '/api/campaigns/1/status', { status: s });
    return { ...booted, status };
  }

  it.each([
    ['draft', MSG.onlyScheduledToDraft],
    ['paused', MSG.onlyActivePause],
    ['cancelled', MSG.onlyActiveCancel],
    ['scheduled', MSG.needsDate],
  ])('a draft cannot become %s', async (to, message) => {
    const { status } = await draft();
    expect(await status(to)).toMatchObject({ status: 400, body: { message } });
  });

  it('scheduled → draft keeps send_at (the guard re-schedules it later), draft → running → paused → cancelled', async () => {
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const { api, status } = await draft({}, { send_at: sendAt });
    expect((await status('scheduled')).body.data).toMatchObject({ status: 'scheduled' });
    expect((await status('draft')).body.data).toMatchObject({ status: 'draft' });
    const kept = (await api('GET', '/api/campaigns/1')).body.data as { send_at: string };
    expect(Date.parse(kept.send_at)).toBe(Date.parse(sendAt));
    await api('PUT', '/api/campaigns/1', { lists: [1], send_at: null });
    expect((await status('running')).body.data).toMatchObject({ status: 'running' });
    expect((await status('paused')).body.data).toMatchObject({ status: 'paused' });
    expect((await status('cancelled')).body.data).toMatchObject({ status: 'cancelled' });
    expect((await status('running')).body.message).toBe(MSG.onlyPausedOrDraftStart);
  });

  it('a running campaign with no send_at asked scheduled: the "needs a date" message wins', async () => {
    const { status } = await draft();
    await status('running');
    expect(await status('scheduled')).toMatchObject({ status: 400, body: { message: MSG.needsDate } });
  });

  it('v5+: paused → scheduled is allowed; v4: only drafts can be scheduled', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const v5 = await draft({ version: 5 });
    await v5.status('running');
    await v5.status('paused');
    await v5.api('PUT', '/api/campaigns/1', { lists: [1], send_at: future });
    expect((await v5.status('scheduled')).status).toBe(200);

    const v4 = await draft({ version: 4 });
    await v4.status('running');
    await v4.status('paused');
    await v4.api('PUT', '/api/campaigns/1', { lists: [1], send_at: future, send_later: true });
    expect(await v4.status('scheduled')).toMatchObject({
      status: 400,
      body: { message: MSG.onlyDraftScheduled },
    });
  });

  it('v5+: running asked on a campaign with send_at stores scheduled, the reply says running', async () => {
    const { api, status } = await draft(
      { version: 5 },
      { send_at: new Date(Date.now() + 3_600_000).toISOString() },
    );
    expect((await status('running')).body.data).toMatchObject({ status: 'running' });
    expect((await api('GET', '/api/campaigns/1')).body.data).toMatchObject({ status: 'scheduled' });
  });

  it('does not re-check send_at on a status change, and starts a past-dated scheduled campaign', async () => {
    const c = clock();
    const { api, status } = await draft({ now: c.now }, { send_at: inHours(1) });
    // It needs an audience to start (LISTMONK.md:110).
    await api('POST', '/api/subscribers', { email: 'a@x.org', lists: [1] });
    c.advance(2 * 3_600_000);
    expect((await status('scheduled')).status).toBe(200);
    c.advance(5_000);
    expect((await api('GET', '/api/campaigns/1')).body.data).toMatchObject({ status: 'running' });
  });
});

describe('bulk import', () => {
  it('is asynchronous: the POST returns at once, polling shows imported advancing per batch', async () => {
    // LISTMONK.md:59-61
    const { api, standIn } = await boot({ importBatchSize: 100, importBatchDelayMs: 20 });
    await withList(api);
    const csv = `email,name,attributes\n${Array.from({ length: 250 }, (_, i) => `u${i}@x.org,U${i},{}`).join('\n')}\n`;
    const post = await api('POST', '/api/import/subscribers', importForm(csv));
    expect(post.body.data).toMatchObject({ status: 'importing', imported: 0, total: 250 });
    const seen = new Set<number>();
    for (;;) {
      const s = (await api('GET', '/api/import/subscribers')).body.data as {
        status: string;
        imported: number;
      };
      seen.add(s.imported);
      if (s.status === 'finished') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect([...seen].every((n) => n % 100 === 0 || n === 250)).toBe(true);
    expect(standIn.state.subscribers.size).toBe(250);
  });

  it('runs one import at a time: a second POST gets 400', async () => {
    // LISTMONK.md:66-67
    const { api } = await boot({ importBatchSize: 1, importBatchDelayMs: 300 });
    await withList(api);
    await api('POST', '/api/import/subscribers', importForm('email\na@x.org\nb@x.org\n'));
    expect(await api('POST', '/api/import/subscribers', importForm('email\nc@x.org\n'))).toMatchObject({
      status: 400,
      body: { message: MSG.importRunning },
    });
  });

  it('v2.0–v2.4 need DELETE before the next import (else 500 "Error starting import"); v2.5+ do not', async () => {
    // LISTMONK.md:67-68
    const old = await boot({ version: '2.4.0' });
    await withList(old.api);
    await old.api('POST', '/api/import/subscribers', importForm('email\na@x.org\n'));
    await waitImport(old.api);
    expect((await old.api('POST', '/api/import/subscribers', importForm('email\nb@x.org\n'))).status).toBe(
      500,
    );
    await old.api('DELETE', '/api/import/subscribers');
    expect((await old.api('POST', '/api/import/subscribers', importForm('email\nb@x.org\n'))).status).toBe(
      200,
    );

    const newer = await boot({ version: '2.5.1' });
    await withList(newer.api);
    await newer.api('POST', '/api/import/subscribers', importForm('email\na@x.org\n'));
    await waitImport(newer.api);
    expect((await newer.api('POST', '/api/import/subscribers', importForm('email\nb@x.org\n'))).status).toBe(
      200,
    );
  });

  it('requires a one-character delimiter', async () => {
    // LISTMONK.md:45
    const { api } = await boot();
    const res = await api(
      'POST',
      '/api/import/subscribers',
      importForm('email\n', { mode: 'subscribe', delim: ';;' }),
    );
    expect(res).toMatchObject({ status: 400, body: { message: MSG.invalidDelim } });
  });

  it('skips bad rows (invalid e-mail, blocked domain, too few columns); bad attribute JSON imports without attributes', async () => {
    // LISTMONK.md:50-52
    const { api, standIn } = await boot();
    await withList(api);
    standIn.state.appliedSettings['privacy.domain_blocklist'] = ['blocked.example'];
    const csv = [
      'email,name,attributes',
      'good@x.org,Good,"{""dot"":1}"',
      'not-an-email,Bad,{}',
      'who@blocked.example,Blocked,{}',
      'short@x.org',
      'noattr@x.org,,{broken',
    ].join('\n');
    await api('POST', '/api/import/subscribers', importForm(csv));
    expect(await waitImport(api)).toMatchObject({ status: 'finished', imported: 2, total: 5 });
    const subs = [...standIn.state.subscribers.values()];
    expect(subs.map((s) => [s.email, s.name, s.attribs])).toEqual([
      ['good@x.org', 'Good', { dot: 1 }],
      ['noattr@x.org', 'Noattr', {}],
    ]);
  });

  it('is an upsert: overwrite replaces name and attributes of an existing address', async () => {
    const { api, standIn } = await boot();
    await withList(api);
    await api('POST', '/api/import/subscribers', importForm('email,name\na@x.org,Old\n'));
    await waitImport(api);
    await api(
      'POST',
      '/api/import/subscribers',
      importForm('email,name,attributes\nA@x.org,New,"{""k"":2}"\n', {
        mode: 'subscribe',
        delim: ',',
        lists: [1],
        overwrite: true,
      }),
    );
    await waitImport(api);
    expect([...standIn.state.subscribers.values()].map((s) => [s.name, s.attribs])).toEqual([
      ['New', { k: 2 }],
    ]);
  });

  it('a database error fails the import; earlier batches stay committed', async () => {
    // LISTMONK.md:61-62
    const { api, standIn } = await boot({ importBatchSize: 2 });
    await withList(api);
    standIn.failImportAfterBatches(1);
    await api('POST', '/api/import/subscribers', importForm('email\na@x.org\nb@x.org\nc@x.org\nd@x.org\n'));
    expect(await waitImport(api)).toMatchObject({ status: 'failed', imported: 2 });
    expect(standIn.state.subscribers.size).toBe(2);
  });
});

describe('fault injection and recording', () => {
  it('answers an injected 5xx, drops a connection, and records every request', async () => {
    const { api, standIn } = await boot();
    standIn.injectFault({ kind: 'status', status: 503, path: '/api/config' });
    expect((await api('GET', '/api/config')).status).toBe(503);
    expect((await api('GET', '/api/config')).status).toBe(200);
    standIn.injectFault({ kind: 'drop', method: 'GET' });
    await expect(api('GET', '/api/lists')).rejects.toThrow();
    expect(standIn.requestsTo('GET', '/api/config').map((r) => r.status)).toEqual([503, 200]);
    expect(standIn.requestsTo('GET', '/api/lists')[0]!.status).toBeUndefined();
  });

  it('lose-reply: does the work but cuts the connection; with delayMs the work lands after the cut', async () => {
    const { api, standIn } = await boot();
    const list = await withList(api);
    standIn.injectFault({ kind: 'lose-reply', method: 'POST', path: '/api/campaigns' });
    await expect(api('POST', '/api/campaigns', campaignBody(list))).rejects.toThrow();
    expect([...standIn.state.campaigns.values()].map((c) => c.name)).toEqual(['c1']);
    expect(standIn.requestsTo('POST', '/api/campaigns')[0]!.status).toBeUndefined();

    // The cut is at once; the work lands delayMs later. 30 ms could pass before the client has
    // seen the cut on a loaded machine (seen): 500 ms leaves room.
    standIn.injectFault({ kind: 'lose-reply', method: 'POST', path: '/api/campaigns', delayMs: 500 });
    await expect(api('POST', '/api/campaigns', campaignBody(list, { name: 'c2' }))).rejects.toThrow();
    expect(standIn.state.campaigns.size).toBe(1);
    await vi.waitFor(() => expect(standIn.state.campaigns.size).toBe(2), { timeout: 5_000 });
  });
});
