import { afterEach, describe, expect, it } from 'vitest';
import { createStandInKit } from './create-stand-in-kit.js';
import { MSG } from './messages.js';

// Settings, templates, subscribers, bounces and the TrackLink rewrite, as ../shared/LISTMONK.md says.

// The manager never runs: a campaign set running stays running, as during a long send.
const kit = createStandInKit({ restartMs: 100, scanIntervalMs: Number.POSITIVE_INFINITY });
afterEach(() => kit.closeAll());
const boot = kit.start;

type Smtp = { uuid: string; enabled: boolean; password: string; host: string };

describe('settings', () => {
  it('masks secrets as one • per character', async () => {
    const { api, standIn } = await boot();
    const settings = (await api('GET', '/api/settings')).body.data as Record<string, unknown>;
    const stored = (standIn.state.settings.smtp as Smtp[])[0]!.password;
    expect((settings.smtp as Smtp[])[0]!.password).toBe('•'.repeat(stored.length));
    expect(settings['upload.s3.aws_secret_access_key']).toMatch(/^•+$/);
    expect(settings['app.message_rate']).toBe(10);
  });

  it('PUT writes every key: a partial body zeroes the rest and fails on "no SMTP"', async () => {
    const { api, standIn } = await boot();
    const res = await api('PUT', '/api/settings', { 'app.message_rate': 20 });
    expect(res).toMatchObject({ status: 400, body: { message: MSG.noSmtp } });
    expect(standIn.state.settings['app.message_rate']).toBe(10);
  });

  it('an empty secret keeps the stored one; the bullets sent back are stored as the password', async () => {
    const { api, standIn } = await boot();
    const original = (standIn.state.settings.smtp as Smtp[])[0]!.password;
    const settings = (await api('GET', '/api/settings')).body.data as Record<string, unknown>;
    const keep = structuredClone(settings);
    (keep.smtp as Smtp[])[0]!.password = '';
    keep['upload.s3.aws_secret_access_key'] = '';
    expect((await api('PUT', '/api/settings', keep)).body).toEqual({ data: true });
    await standIn.restarted();
    expect((standIn.state.settings.smtp as Smtp[])[0]!.password).toBe(original);
    expect(standIn.state.settings['upload.s3.aws_secret_access_key']).toBe('s3-secret-value');
    expect((await api('PUT', '/api/settings', settings)).status).toBe(200);
    await standIn.restarted();
    expect((standIn.state.settings.smtp as Smtp[])[0]!.password).toBe('•'.repeat(original.length));
  });

  it('a save restarts Listmonk: HTTP is down for a while, then the new values are live', async () => {
    const { api, standIn } = await boot({ restartMs: 1000 });
    const settings = (await api('GET', '/api/settings')).body.data as Record<string, unknown>;
    (settings.smtp as Smtp[])[0]!.password = '';
    await api('PUT', '/api/settings', { ...settings, 'app.message_rate': 3 });
    await new Promise((r) => setTimeout(r, 50));
    expect(standIn.isRestarting()).toBe(true);
    await expect(api('GET', '/api/config')).rejects.toThrow();
    await standIn.restarted();
    expect((await api('GET', '/api/config')).status).toBe(200);
    expect(standIn.state.appliedSettings['app.message_rate']).toBe(3);
  });

  it('a restart loses a running import', async () => {
    const { api, standIn } = await boot({ importBatchSize: 1, importBatchDelayMs: 400 });
    await api('POST', '/api/lists', { name: 'l' });
    const form = new FormData();
    form.append('params', JSON.stringify({ mode: 'subscribe', delim: ',', lists: [1] }));
    form.append('file', new Blob(['email\na@x.org\nb@x.org\nc@x.org\n']), 'x.csv');
    await api('POST', '/api/import/subscribers', form);
    const settings = (await api('GET', '/api/settings')).body.data as Record<string, unknown>;
    (settings.smtp as Smtp[])[0]!.password = '';
    await api('PUT', '/api/settings', settings);
    await standIn.restarted();
    expect(((await api('GET', '/api/import/subscribers')).body.data as { status: string }).status).toBe(
      'none',
    );
  });

  it('while a campaign runs, a save answers needs_restart and applies nothing until /api/admin/reload', async () => {
    const { api, standIn } = await boot();
    await api('POST', '/api/lists', { name: 'l' });
    await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [1], body: 'x' });
    await api('PUT', '/api/campaigns/1/status', { status: 'running' });
    const settings = (await api('GET', '/api/settings')).body.data as Record<string, unknown>;
    (settings.smtp as Smtp[])[0]!.password = '';
    expect((await api('PUT', '/api/settings', { ...settings, 'app.message_rate': 4 })).body).toEqual({
      data: { needs_restart: true },
    });
    expect(standIn.isRestarting()).toBe(false);
    expect(((await api('GET', '/api/config')).body.data as { needs_restart: boolean }).needs_restart).toBe(
      true,
    );
    expect(standIn.state.appliedSettings['app.message_rate']).toBe(10);
    await api('POST', '/api/admin/reload');
    await standIn.restarted();
    expect(standIn.state.appliedSettings['app.message_rate']).toBe(4);
  });

  it('v6: PUT /api/settings/:key sets one raw value without validation; a typo is a 200 that changes nothing', async () => {
    // LISTMONK.md:130-131
    const { api, standIn } = await boot({ version: 6 });
    expect((await api('PUT', '/api/settings/app.message_rate', 7)).status).toBe(200);
    await standIn.restarted();
    expect(standIn.state.appliedSettings['app.message_rate']).toBe(7);
    const before = structuredClone(standIn.state.settings);
    expect((await api('PUT', '/api/settings/app.mesage_rate', 9)).status).toBe(200);
    await standIn.restarted();
    expect(standIn.state.settings).toEqual(before);
  });

  it('v5 has no per-key settings route (404)', async () => {
    const { api } = await boot({ version: 5 });
    expect((await api('PUT', '/api/settings/app.message_rate', 7)).status).toBe(404);
  });
});

describe('templates', () => {
  it.each([
    ['no placeholder', '<html>{{ .Subscriber.Name }}</html>'],
    ['two placeholders', '{{ template "content" . }}{{ template "content" . }}'],
  ])('a campaign template with %s is a 400', async (_n, body) => {
    const { api } = await boot();
    expect(await api('POST', '/api/templates', { name: 't', type: 'campaign', body })).toMatchObject({
      status: 400,
      body: { message: MSG.templatePlaceholder },
    });
  });

  it('accepts the placeholder exactly once; not-found is 400', async () => {
    const { api } = await boot();
    const res = await api('POST', '/api/templates', {
      name: 't',
      type: 'campaign',
      body: '<b>{{ template "content" . }}</b>',
    });
    expect(res.body.data).toMatchObject({ id: 2, name: 't', type: 'campaign', is_default: false });
    expect(await api('GET', '/api/templates/99')).toMatchObject({
      status: 400,
      body: { message: 'Template not found' },
    });
  });
});

describe('subscribers', () => {
  it('has no upsert: a duplicate e-mail is 409; invalid and blocked addresses are 400', async () => {
    const { api, standIn } = await boot();
    expect((await api('POST', '/api/subscribers', { email: 'a@x.org', name: '' })).body.data).toMatchObject({
      name: 'A',
    });
    expect(await api('POST', '/api/subscribers', { email: 'A@x.org' })).toMatchObject({
      status: 409,
      body: { message: MSG.emailExists },
    });
    expect(await api('POST', '/api/subscribers', { email: 'nope' })).toMatchObject({
      status: 400,
      body: { message: MSG.invalidEmail },
    });
    standIn.state.appliedSettings['privacy.domain_blocklist'] = ['spam.example'];
    expect(await api('POST', '/api/subscribers', { email: 'x@spam.example' })).toMatchObject({
      status: 400,
      body: { message: MSG.blockedDomain },
    });
  });

  it('finds by an SQL query on e-mail; v5+ need subscribers:sql_query for it', async () => {
    const { api } = await boot();
    await api('POST', '/api/subscribers', { email: "o'brien@x.org" });
    const q = encodeURIComponent("subscribers.email='o''brien@x.org'");
    expect(((await api('GET', `/api/subscribers?query=${q}`)).body.data as { total: number }).total).toBe(1);
    const limited = await boot({ version: 5, permissions: ['subscribers:get_all'] });
    expect((await limited.api('GET', `/api/subscribers?query=${q}`)).body.message).toBe(
      'permission denied: subscribers:sql_query',
    );
  });
});

describe('bounces', () => {
  it("lists bounces in Listmonk's shape, filtered by campaign, newest first", async () => {
    const { api, standIn } = await boot();
    await api('POST', '/api/lists', { name: 'l' });
    await api('POST', '/api/subscribers', { email: 'a@x.org', lists: [1] });
    await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [1], body: 'x' });
    const uuid = standIn.state.campaigns.get(1)!.uuid;
    expect(
      (
        await api('POST', '/webhooks/bounce', {
          email: 'a@x.org',
          campaign_uuid: uuid,
          type: 'hard',
          source: 'api',
        })
      ).status,
    ).toBe(200);
    standIn.addBounce({ email: 'a@x.org', type: 'soft', createdAt: new Date(Date.now() + 1000) });
    const all = (await api('GET', '/api/bounces?per_page=all')).body.data as {
      results: Array<Record<string, unknown>>;
      total: number;
    };
    expect(all.total).toBe(2);
    expect(all.results[0]).toMatchObject({ type: 'soft', email: 'a@x.org', campaign: null });
    expect(all.results[1]).toMatchObject({
      type: 'hard',
      subscriber_id: 1,
      campaign: { id: 1, name: 'c' },
      source: 'api',
    });
    const one = (await api('GET', '/api/bounces?campaign_id=1')).body.data as { total: number };
    expect(one.total).toBe(1);
  });
});

describe('TrackLink rewrite and link registration (preview)', () => {
  async function preview(version: string, body: string, attribs: Record<string, unknown> = {}) {
    const { api, standIn } = await boot({ version });
    await api('POST', '/api/lists', { name: 'l' });
    await api('POST', '/api/subscribers', { email: 'a@x.org', lists: [1], attribs });
    await api('POST', '/api/campaigns', { name: 'c', subject: 's', lists: [1], body, template_id: null });
    standIn.state.campaigns.get(1)!.templateId = null;
    const res = await api('GET', '/api/campaigns/1/preview?subscriber_id=1');
    return { res, links: [...standIn.state.links.keys()], standIn };
  }

  it('registers links only when rendering, one row per distinct URL', async () => {
    // LISTMONK.md:179-181
    const { res, links, standIn } = await preview(
      '5.1.0',
      '<a href="https://a.example/x@TrackLink">x</a> {{ TrackLink "https://b.example" }}',
    );
    expect(res.status).toBe(200);
    expect(links).toEqual(['https://a.example/x', 'https://b.example']);
    expect(res.text).toContain(`/link/${standIn.state.links.get('https://a.example/x')!.uuid}/`);
  });

  it('v5+: a per-subscriber href with @TrackLink is not rewritten — untracked, with a literal suffix', async () => {
    // LISTMONK.md:157-159, :168-169
    const { res, links } = await preview(
      '5.1.0',
      '<a href="{{ .Subscriber.Attribs.lp_link }}&utm_source=x@TrackLink">go</a>',
      {
        lp_link: 'https://lp.example/?d=1',
      },
    );
    expect(links).toEqual([]);
    expect(res.text).toContain('href="https://lp.example/?d=1&utm_source=x@TrackLink"');
  });

  it('v2–v4: an expression after a literal prefix becomes one literal link for every subscriber', async () => {
    // LISTMONK.md:159, :170-172
    const { links } = await preview(
      '4.1.0',
      '<a href="https://lp.example/?d={{ .Subscriber.Attribs.dot }}@TrackLink">go</a>',
      { dot: 7 },
    );
    expect(links).toEqual(['https://lp.example/?d={{ .Subscriber.Attribs.dot }}']);
  });

  it('v6.1+: percent-encoded braces are part of the URL class, so the whole text is one literal', async () => {
    // LISTMONK.md:158-159, :170-172
    const { links } = await preview(
      '6.2.0',
      '<a href="https://lp.example/?d=%7B%7B.X%7D%7D@TrackLink">go</a>',
    );
    expect(links).toEqual(['https://lp.example/?d=%7B%7B.X%7D%7D']);
  });

  it('{{ TrackLink (print …) . }} tracks a per-subscriber URL', async () => {
    // LISTMONK.md:173-174
    const { links } = await preview(
      '5.1.0',
      '<a href="{{ TrackLink (print .Subscriber.Attribs.lp_link "&utm_source=x") . }}">go</a>',
      {
        lp_link: 'https://lp.example/?d=9',
      },
    );
    expect(links).toEqual(['https://lp.example/?d=9&utm_source=x']);
  });

  it('a non-literal TrackLink without the trailing dot saves fine but fails when rendered', async () => {
    // LISTMONK.md:175-177
    const { res, standIn } = await preview(
      '5.1.0',
      '<a href="{{ TrackLink .Subscriber.Attribs.lp_link }}">go</a>',
      { lp_link: 'https://x' },
    );
    expect(standIn.state.campaigns.get(1)!.status).toBe('draft');
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('wrong number of args for TrackLink: want 2 got 1');
  });
});
