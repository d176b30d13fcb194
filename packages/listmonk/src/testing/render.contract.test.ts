import { afterEach, describe, expect, it } from 'vitest';
import { createStandInKit } from './create-stand-in-kit.js';
import type { createRawApi } from './stand-in-fetch.js';

// Rendering as Listmonk does it with Go's html/template (body, template, altbody) and text/template
// (subject), per ../shared/LISTMONK.md (sections Template language, Message format). Each test cites
// the line it encodes.

const kit = createStandInKit();
afterEach(() => kit.closeAll());

type Api = ReturnType<typeof createRawApi>;
const T0 = new Date('2026-06-22T12:00:00Z');
const NAME = "J & J O'NEIL TRUCKING";

async function boot(version: number | string, attribs: Record<string, unknown> = {}) {
  let t = T0.getTime();
  const started = await kit.start({ version, now: () => new Date(t), scanIntervalMs: 0 });
  const { api } = started;
  await api('POST', '/api/lists', { name: 'l' });
  await api('POST', '/api/subscribers', {
    email: 'carrier@x.org',
    name: NAME,
    lists: [1],
    attribs: { legal_name: NAME, ...attribs },
  });
  return {
    ...started,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function create(api: Api, fields: Record<string, unknown>) {
  return api('POST', '/api/campaigns', {
    name: 'c',
    subject: 'Hello',
    lists: [1],
    content_type: 'html',
    body: '<p>x</p>',
    ...fields,
  });
}

/** The body rendered for the subscriber (stand-in's ?subscriber_id), without the default template. */
async function render(api: Api, body: string, version: number | string = 5) {
  void version;
  const res = await create(api, { body, template_id: 0 });
  const id = (res.body.data as { id: number }).id;
  return api('GET', `/api/campaigns/${id}/preview?subscriber_id=1`);
}

describe('contextual escaping (html/template)', () => {
  it.each([4, 5, 6])('v%i: a value in text is HTML-escaped', async (version) => {
    // LISTMONK.md:188
    const { api, standIn } = await boot(version);
    const res = await create(api, { body: '<p>{{ .Subscriber.Attribs.legal_name }}</p>' });
    standIn.state.campaigns.get(1)!.templateId = null;
    const html = (
      await api('GET', `/api/campaigns/${(res.body.data as { id: number }).id}/preview?subscriber_id=1`)
    ).text;
    expect(html).toBe('<p>J &amp; J O&#39;NEIL TRUCKING</p>');
  });

  it('a value in an attribute is escaped for the attribute; Safe in text is not escaped', async () => {
    // LISTMONK.md:188-192
    const { api, standIn } = await boot(5);
    await create(api, {
      body: '<a title="{{ .Subscriber.Attribs.legal_name }}">{{ Safe "<b>bold</b>" }}</a>',
    });
    standIn.state.campaigns.get(1)!.templateId = null;
    const html = (await api('GET', '/api/campaigns/1/preview?subscriber_id=1')).text;
    expect(html).toBe('<a title="J &amp; J O&#39;NEIL TRUCKING"><b>bold</b></a>');
  });

  it('URL attributes go through the URL filter: TrackView or a javascript: value becomes #ZgotmplZ', async () => {
    // LISTMONK.md:162-164, :191
    const { api, standIn } = await boot(5, {
      lp: 'javascript:alert(1)',
      ok: 'https://lp.example/a b?x=1&y=2',
    });
    await create(api, {
      body: '<img src="{{ TrackView }}"><a href="{{ .Subscriber.Attribs.lp }}">1</a><a href="{{ .Subscriber.Attribs.ok }}">2</a><a href="{{ Safe .Subscriber.Attribs.lp }}">3</a>',
    });
    standIn.state.campaigns.get(1)!.templateId = null;
    const html = (await api('GET', '/api/campaigns/1/preview?subscriber_id=1')).text;
    expect(html).toBe(
      '<img src="#ZgotmplZ"><a href="#ZgotmplZ">1</a><a href="https://lp.example/a%20b?x=1&amp;y=2">2</a><a href="#ZgotmplZ">3</a>',
    );
  });

  it('TrackView in text renders the whole <img> tag', async () => {
    // LISTMONK.md:162
    const { api, standIn } = await boot(6);
    await create(api, { body: '<p>x</p>{{ TrackView }}' });
    standIn.state.campaigns.get(1)!.templateId = null;
    const html = (await api('GET', '/api/campaigns/1/preview?subscriber_id=1')).text;
    expect(html).toMatch(
      /^<p>x<\/p><img src="http:\/\/localhost:9000\/campaign\/[0-9a-f-]+\/[0-9a-f-]+\/px\.png" alt="" \/>$/,
    );
  });

  it('a missing attribute prints "" in the body; numbers print as Go float64 %v', async () => {
    // LISTMONK.md:193, :196
    const { api, standIn } = await boot(5, { usdot: 1234567, small: 42, npi: '1234567890' });
    await create(api, {
      body: '[{{ .Subscriber.Attribs.nope }}] {{ .Subscriber.Attribs.usdot }} {{ .Subscriber.Attribs.small }} {{ .Subscriber.Attribs.npi }}',
    });
    standIn.state.campaigns.get(1)!.templateId = null;
    // 1.234567e+06, whose `+` html/template escapes like any other character it escapes.
    expect((await api('GET', '/api/campaigns/1/preview?subscriber_id=1')).text).toBe(
      '[] 1.234567e&#43;06 42 1234567890',
    );
  });

  it('a missing attribute given to print, println or printf is printed as Go prints a nil', async () => {
    // LISTMONK.md:186-187, :193 (Go's text/template hands a missing key to an `any` parameter as
    // nil, and fmt prints it: `<nil>`, `%!s(<nil>)`)
    const { api, standIn } = await boot(6);
    await create(api, {
      body: '[{{ print .Subscriber.Attribs.nope "&u=1" }}] [{{ printf "%s|%v" .Subscriber.Attribs.nope .Subscriber.Attribs.nope }}] [{{ println "a" .Subscriber.Attribs.nope }}]',
    });
    standIn.state.campaigns.get(1)!.templateId = null;
    expect((await api('GET', '/api/campaigns/1/preview?subscriber_id=1')).text).toBe(
      '[&lt;nil&gt;&amp;u=1] [%!s(&lt;nil&gt;)|&lt;nil&gt;] [a &lt;nil&gt;\n]',
    );
  });
});

describe('the sent message: subject, HTML and text part per subscriber', () => {
  it.each([4, 5, 6])(
    'v%i: the altbody is html/template (escaped), the subject text/template (<no value>)',
    async (version) => {
      // LISTMONK.md:188-190, :193-194, :198
      const { api, advance, standIn } = await boot(version);
      const res = await create(api, {
        subject: 'For {{ .Subscriber.Attribs.legal_name }} {{ .Subscriber.Attribs.nope }}',
        body: '<p>{{ .Subscriber.Attribs.legal_name }}</p>',
        altbody: 'Hello {{ .Subscriber.Attribs.legal_name }}',
        send_at: new Date(T0.getTime() + 60_000).toISOString(),
        send_later: true,
      });
      const id = (res.body.data as { id: number }).id;
      expect((await api('PUT', `/api/campaigns/${id}/status`, { status: 'scheduled' })).status).toBe(200);
      advance(120_000);
      await api('GET', `/api/campaigns/${id}`);
      expect(standIn.state.messages).toHaveLength(1);
      const [m] = standIn.state.messages;
      expect(m!.subject).toBe(`For ${NAME} <no value>`);
      expect(m!.text).toBe('Hello J &amp; J O&#39;NEIL TRUCKING');
      expect(m!.html).toContain('<p>J &amp; J O&#39;NEIL TRUCKING</p>');
    },
  );

  it('an altbody without {{ is sent verbatim, @TrackLink not rewritten', async () => {
    // LISTMONK.md:198-199
    const { api, advance, standIn } = await boot(6);
    await create(api, {
      altbody: 'Visit https://a.example/x@TrackLink & more',
      send_at: new Date(T0.getTime() + 60_000).toISOString(),
    });
    await api('PUT', '/api/campaigns/1/status', { status: 'scheduled' });
    advance(120_000);
    await api('GET', '/api/campaigns/1');
    expect(standIn.state.messages[0]!.text).toBe('Visit https://a.example/x@TrackLink & more');
  });

  it('POST /api/campaigns/:id/text renders the posted text the same way (escaped)', async () => {
    // LISTMONK.md:202
    const { api } = await boot(5);
    await create(api, {});
    const form = new FormData();
    form.append('body', 'Hi {{ .Subscriber.Name }} & {{ "a<b" }}');
    const res = await api('POST', '/api/campaigns/1/text', form);
    expect(res.text).toContain('Hi Demo Subscriber & a&lt;b');
  });
});

describe('compiled at create and update', () => {
  it.each([4, 5, 6])('v%i: a parse error in the subject or the altbody is a 400', async (version) => {
    // LISTMONK.md:84-87
    const { api } = await boot(version);
    for (const fields of [
      { subject: 'Hi {{ .Subscriber.Name ' },
      { altbody: 'x {{ if }}' },
      { body: '{{ end }}' },
    ]) {
      const res = await create(api, fields);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^Error compiling campaign body: /);
    }
    const ok = await create(api, {});
    const id = (ok.body.data as { id: number }).id;
    for (const fields of [{ altbody: '{{ nope }}' }, { subject: 'Hi {{ if }}' }, { body: '{{ end }}' }]) {
      const upd = await api('PUT', `/api/campaigns/${id}`, { lists: [1], ...fields });
      expect(upd).toMatchObject({ status: 400 });
      expect(upd.body.message).toMatch(/^Error compiling campaign body: /);
    }
  });

  it('v6.2+: a templated header value is compiled too; v6.1 does not look', async () => {
    // LISTMONK.md:86
    const headers = [{ 'X-Carrier': '{{ .Subscriber.Name ' }];
    expect((await create((await boot('6.2.0')).api, { headers })).status).toBe(400);
    expect((await create((await boot('6.1.0')).api, { headers })).status).toBe(200);
    const { api } = await boot('6.2.0');
    await create(api, {});
    expect((await api('PUT', '/api/campaigns/1', { lists: [1], headers })).status).toBe(400);
  });
});

describe('TrackLink forms by version', () => {
  const dotted = '<a href="{{ TrackLink .Subscriber.Attribs.lp . }}">x</a>';
  const undotted = '<a href="{{ TrackLink .Subscriber.Attribs.lp }}">x</a>';
  const literal = '<a href="{{ TrackLink "https://a.example/" }}">x</a>';

  // LISTMONK.md:152-153 dates the catch-all v2.5.0–v4.x and the literal rewrite v2.0–v2.4 and
  // v5.0.1+; Listmonk's tags say otherwise (models/models.go regTplFuncs): v2.0.0 rewrites quoted
  // literals, v2.1.0–v4.1.0 have the catch-all (d2cf6e0f, #667), v5.0.0 the catch-all in a Go raw
  // string whose `\\s` matches nothing written with a space (no rewrite), v5.0.1+ double-quoted
  // literals. The stand-in follows the tags.
  it.each(['2.1.0', '2.5.1', '3.0.0', '4.1.0'])(
    'v%s: the catch-all breaks the dotted form; the undotted one works',
    async (version) => {
      // LISTMONK.md:152-156
      const { api } = await boot(version, { lp: 'https://lp.example/' });
      expect((await render(api, dotted)).status).toBe(400);
      expect((await render(api, undotted)).status).toBe(200);
      expect((await render(api, literal)).status).toBe(200);
    },
  );

  it.each(['5.0.1', '5.1.0', '6.2.0'])(
    'v%s: the dotted form works; the undotted non-literal fails at render',
    async (version) => {
      // LISTMONK.md:152, :173-177
      const { api } = await boot(version, { lp: 'https://lp.example/' });
      expect((await render(api, dotted)).status).toBe(200);
      expect((await render(api, undotted)).status).toBe(400);
      expect((await render(api, literal)).status).toBe(200);
    },
  );

  it('v5.0.0: no rewrite of {{ TrackLink … }}: only the dotted forms work, a bare literal fails too', async () => {
    // LISTMONK.md:152-153 (v5.0.0 by the tag, see above), :173-177
    const { api } = await boot('5.0.0', { lp: 'https://lp.example/' });
    expect((await render(api, dotted)).status).toBe(200);
    expect((await render(api, undotted)).status).toBe(400);
    expect((await render(api, literal)).status).toBe(400);
    expect((await render(api, '<a href="{{ TrackLink "https://a.example/" . }}">x</a>')).status).toBe(200);
    expect((await render(api, '<a href="https://a.example/y@TrackLink">x</a>')).status).toBe(200);
  });

  it('v2.0.0: quoted literals are rewritten, a non-literal needs its dot', async () => {
    // LISTMONK.md:152, :173-177 (v2.0.0 by the tag)
    const { api } = await boot('2.0.0', { lp: 'https://lp.example/' });
    expect((await render(api, dotted)).status).toBe(200);
    expect((await render(api, undotted)).status).toBe(400);
    expect((await render(api, literal)).status).toBe(200);
  });
});
