import { createListmonkClient } from '@mailramp/listmonk';
import { createListmonkStandIn, createRawApi, type ListmonkStandIn } from '@mailramp/listmonk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LISTMONK_TEMPLATE } from '../build/resolve-build-rules.js';
import { loadTemplateSet } from '../template/load-template-set.js';
import { createListmonkPort } from './create-listmonk-port.js';
import { createTemplateRenderer } from './create-template-renderer.js';

// Issue 18, item 1, done-when: the shipped templates, as the build pushes them (body inside
// mailramp's Listmonk template, text part from the renderer), rendered by the stand-in for a
// carrier named `J & J O'NEIL TRUCKING`: the name reads right in the text part, and the HTML is
// one document with one unsubscribe link and one open pixel.

const set = await loadTemplateSet(new URL('../../../../templates', import.meta.url).pathname);
const NAME = "J & J O'NEIL TRUCKING";

let standIn: ListmonkStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

describe.each([...set.templates.keys()])('shipped template %s through the stand-in', (name) => {
  it('one <html>, one unsubscribe link, one pixel; the text part shows the name unescaped', async () => {
    standIn = await createListmonkStandIn({ version: 5 });
    const client = createListmonkClient({
      url: standIn.url,
      username: standIn.username,
      token: standIn.token,
    });
    const port = createListmonkPort(client);
    const [vertical, template] = name.split('/') as [string, string];
    const rendered = await createTemplateRenderer(set).renderCampaign({
      vertical,
      segment: 'test',
      template,
      listmonkTemplate: DEFAULT_LISTMONK_TEMPLATE,
      data: set.samples.get(name) ?? {},
    });
    expect(rendered.lintErrors).toEqual([]);
    const list = await port.createList('l', []);
    const attribs: Record<string, unknown> = {
      legal_name: NAME,
      provider_name: NAME,
      facility_name: NAME,
      dot: '1234567',
      npi: '1234567893',
      clia: '05D0000000',
      clia_expires: 'March 1, 2027',
      revalidation_due: 'March 1, 2027',
      due_month: 'July 2027',
      lp_link: 'https://example.com/order/x?dot=1234567',
      dot_check_link: 'https://example.com/tools/dot-check?dot=1234567',
      filed_link: 'https://example.com/filed?t=abc',
    };
    await port.importSubscribers(list.id, [{ email: 'jj@example.com', name: NAME, attribs }]);
    const [subscriber] = await port.listMembers(list.id);
    const base = await port.ensureCampaignTemplate(rendered.baseTemplate!.name, rendered.baseTemplate!.body);
    const campaign = await port.createCampaign({
      name: 'c',
      subject: rendered.subject,
      listIds: [list.id],
      body: rendered.body,
      altbody: rendered.altbody,
      sendAt: new Date(Date.now() + 3_600_000),
      tags: [],
      templateId: base.id,
    });
    const api = createRawApi(standIn);
    const form = (body: string) => {
      const f = new FormData();
      f.set('body', body);
      return f;
    };
    // Stand-in extension: ?subscriber_id renders for that subscriber (Listmonk previews a demo one).
    const html = await api(
      'POST',
      `/api/campaigns/${campaign.id}/preview?subscriber_id=${subscriber!.id}`,
      form(rendered.body),
    );
    const text = await api(
      'POST',
      `/api/campaigns/${campaign.id}/text?subscriber_id=${subscriber!.id}`,
      form(rendered.altbody),
    );
    expect(html.status).toBe(200);
    expect(text.status).toBe(200);
    const htmlText = html.text;
    const plain = text.text;
    expect(htmlText.match(/<html[\s>]/gi)).toHaveLength(1);
    expect(
      htmlText.match(/\/subscription\/[^"]*"[^>]*>Unsubscribe</gi) ?? htmlText.match(/>Unsubscribe</g),
    ).toHaveLength(1);
    // The open pixel: one <img> whose src is Listmonk's /campaign/…/…/px.png, never #ZgotmplZ.
    expect(htmlText.match(/<img[^>]*src="[^"]*\/px\.png"/g)).toHaveLength(1);
    expect(htmlText).not.toContain('#ZgotmplZ');
    // TrackView is a whole tag: inside an attribute it nests (or becomes #ZgotmplZ in Listmonk).
    expect(htmlText).not.toMatch(/="[^"]*</);
    if (/legal_name|provider_name|facility_name/.test(rendered.altbody)) expect(plain).toContain(NAME);
    expect(plain).not.toMatch(/&amp;|&#39;|px\.png/);
  });
});
