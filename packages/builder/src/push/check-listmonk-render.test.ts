import { createListmonkClient } from '@mailramp/listmonk';
import { createStandInKit } from '@mailramp/listmonk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bindPreviewSubscriber, findBrokenRender } from './check-listmonk-render.js';

// Issue 18, item 5: before scheduling, the build has Listmonk render the content for one verified
// recipient. Listmonk previews for its demo subscriber, so the build binds the recipient's values
// into the source first: the preview must then fail exactly where the send fails for that
// recipient (and pass where it passes), on every Listmonk version, whatever its TrackLink rewrite.

const kit = createStandInKit();
afterEach(() => kit.closeAll());

const T0 = new Date('2026-06-22T12:00:00Z');
const subscriber = {
  email: 'carrier@x.org',
  name: "J & J O'NEIL TRUCKING",
  attribs: { lp_link: 'https://lp.example/order?dot=1', usdot: 1234567, legal_name: "J & J O'NEIL" },
};

/** Whether the send to the subscriber went out, and whether the bound preview rendered. */
async function sendAndPreview(version: string, body: string): Promise<{ sent: boolean; previewed: boolean }> {
  let t = T0.getTime();
  const { standIn, api } = await kit.start({ version, now: () => new Date(t), scanIntervalMs: 0 });
  await api('POST', '/api/lists', { name: 'l' });
  await api('POST', '/api/subscribers', { ...subscriber, lists: [1], preconfirm_subscriptions: true });
  const created = await api('POST', '/api/campaigns', {
    name: 'c',
    subject: 's',
    lists: [1],
    content_type: 'html',
    body,
    send_at: new Date(t + 60_000).toISOString(),
    send_later: true,
  });
  expect(created.status).toBe(200);
  const client = createListmonkClient({
    url: standIn.url,
    username: standIn.username,
    token: standIn.token,
    now: () => new Date(t),
  });
  const previewed = await client
    .previewCampaign(1, { body: bindPreviewSubscriber(body, subscriber), contentType: 'html' })
    .then((html) => findBrokenRender('HTML', html).length === 0)
    .catch(() => false);
  expect((await api('PUT', '/api/campaigns/1/status', { status: 'scheduled' })).status).toBe(200);
  t += 120_000;
  await api('GET', '/api/campaigns/1');
  return { sent: standIn.state.messages.length === 1, previewed };
}

describe('bindPreviewSubscriber: the preview fails where the send fails', () => {
  const forms = [
    '<a href="{{ TrackLink .Subscriber.Attribs.lp_link . }}">x</a>',
    '<a href="{{ TrackLink .Subscriber.Attribs.lp_link }}">x</a>',
    '<a href="{{ TrackLink (print .Subscriber.Attribs.lp_link "&u=1") . }}">x</a>',
    '<a href="{{ .Subscriber.Attribs.lp_link | TrackLink }}">x</a>',
    '<p>{{ if eq .Subscriber.Attribs.usdot 1234567.0 }}{{ .Subscriber.Attribs.legal_name }}{{ end }}</p>',
    // v2–v4's lazy `(https?://.+?)@TrackLink` starts at the first literal http(s):// of a line.
    '<p><a href="{{ .Subscriber.Attribs.lp_link }}">order</a> or <a href="https://a.example/guide@TrackLink">guide</a></p>',
  ];
  const cases = ['2.0.0', '4.1.0', '5.0.0', '5.1.0', '6.2.0'].flatMap((v) =>
    forms.map((f) => [v, f] as const),
  );
  it.each(cases)('v%s: %s', async (version, body) => {
    const { sent, previewed } = await sendAndPreview(version, body);
    expect(previewed).toBe(sent);
  });
});

describe('findBrokenRender', () => {
  it('names #ZgotmplZ, <no value> and an unrendered @TrackLink with the text around them', () => {
    expect(findBrokenRender('HTML', '<p>ok</p>')).toEqual([]);
    const found = findBrokenRender(
      'text',
      'Order at https://a.example/x@TrackLink today. Code: <no value>. <img src="#ZgotmplZ">',
    );
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^the text part shows #ZgotmplZ .*img src="#ZgotmplZ/);
    expect(found[1]).toMatch(/<no value>.*Code: <no value>/);
    expect(found[2]).toMatch(/@TrackLink.*a\.example\/x@TrackLink/);
  });
});
